"""Who is calling the relay's forwarding routes: `Authorization: Bearer <desk token>` checked against RelayDesk.

The relay keeps the whole (small) desk list for `ttl` seconds and compares the
presented token's hash with every row in constant time, so neither timing nor a
database index probe tells a caller how close a guess came. A token the cached
list does not know makes the list reload (at most once a second), so a desk
added a moment ago gets in at once; a revocation takes effect within `ttl`.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from kapusta_desktop.store.relay_desks import DeskRecord, hash_token

DEFAULT_TTL = 5.0
MIN_RELOAD_GAP = 1.0
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class DeskIdentity:
    name: str
    is_admin: bool


class DeskAuthError(Exception):
    """`status` is 401 (no token, unknown token) or 403 (revoked); the text never carries the token."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > MAX_TOKEN_LENGTH:
        return None
    return value


class DeskDirectory:
    """The desk list, cached; `load` reads it from the database (the relay runs it on its database thread)."""

    def __init__(self, load: Callable[[], Awaitable[Sequence[DeskRecord]]], *, ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._load = load
        self.ttl = ttl
        self._clock = clock
        self._desks: Sequence[DeskRecord] = ()
        self._loaded_at: float | None = None

    async def _refresh(self) -> None:
        self._desks = await self._load()
        self._loaded_at = self._clock()

    def _age(self) -> float:
        return float("inf") if self._loaded_at is None else self._clock() - self._loaded_at

    async def authenticate(self, authorization: str | None) -> DeskIdentity:
        token = bearer_token(authorization)
        if token is None:
            raise DeskAuthError(401, "desk token required (Authorization: Bearer ...)")
        presented = hash_token(token).encode("ascii")
        if self._age() >= self.ttl:
            await self._refresh()
        found = _match(self._desks, presented)
        if found is None and self._age() >= min(MIN_RELOAD_GAP, self.ttl):
            await self._refresh()  # a desk added since the last load
            found = _match(self._desks, presented)
        if found is None:
            raise DeskAuthError(401, "unknown desk token")
        if found.revoked:
            raise DeskAuthError(403, f"the token of desk {found.name!r} was revoked")
        return DeskIdentity(found.name, found.is_admin)


def _match(desks: Sequence[DeskRecord], presented: bytes) -> DeskRecord | None:
    found: DeskRecord | None = None
    for desk in desks:  # no early exit: every row is compared
        if hmac.compare_digest(desk.token_hash.encode("ascii"), presented):
            found = desk
    return found
