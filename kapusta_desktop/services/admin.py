"""Who may change settings: one admin password, a slow salted hash, an unlocked session.

The hash (scrypt, random salt) lives in the Setting table: it is not a secret
value, and it must travel with the profile. Wrong passwords earn a growing
wait (2 s, 4 s, 8 s ... up to 5 min), persisted so a script cannot reset it by
starting a new process. An unlocked session locks itself after a while idle.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapusta_desktop.redact import register_secret
from kapusta_desktop.store.setting_values import delete_value, get_value, set_value

log = logging.getLogger(__name__)

HASH_KEY = "admin.password_hash"
FAILURES_KEY = "admin.failed_unlocks"
MIN_PASSWORD_LENGTH = 8
MAX_BACKOFF_SECONDS = 300.0
DEFAULT_IDLE_LOCK_SECONDS = 15 * 60


class AdminError(Exception):
    """Base of the refusals below; texts are shown to the user as they are."""


class AdminPasswordNotSetError(AdminError):
    pass


class AdminLockedError(AdminError):
    pass


class WrongAdminPasswordError(AdminError):
    pass


class TooManyAttemptsError(AdminError):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many wrong admin passwords: try again in {max(1, round(retry_after))} s.")


@dataclass(frozen=True)
class ScryptCost:
    """n=2^15, r=8, p=1: ~32 MiB and ~0.15 s per check on a desk PC (OWASP's scrypt floor is n=2^17/r=8 ÷ 4)."""

    n: int = 2**15
    r: int = 8
    p: int = 1
    dklen: int = 32

    @property
    def maxmem(self) -> int:
        return 128 * self.r * self.n * 2 + 1024 * 1024


DEFAULT_COST = ScryptCost()


def hash_password(password: str, cost: ScryptCost = DEFAULT_COST, *, salt: bytes | None = None) -> dict[str, Any]:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p, dklen=cost.dklen, maxmem=cost.maxmem
    )
    return {
        "alg": "scrypt",
        "n": cost.n,
        "r": cost.r,
        "p": cost.p,
        "salt": base64.b64encode(salt).decode("ascii"),
        "hash": base64.b64encode(digest).decode("ascii"),
    }


def verify_password(password: str, record: dict[str, Any]) -> bool:
    """Recompute with the stored salt and cost; compare in constant time."""
    if record.get("alg") != "scrypt":
        return False
    cost = ScryptCost(n=int(record["n"]), r=int(record["r"]), p=int(record["p"]))
    expected = base64.b64decode(record["hash"])
    salt = base64.b64decode(record["salt"])
    actual = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p, dklen=len(expected), maxmem=cost.maxmem
    )
    return hmac.compare_digest(actual, expected)


def check_new_password(password: str) -> str | None:
    """A message for a password that is too weak to protect the desk's integrations, else None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The admin password must have at least {MIN_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "The admin password must not be blank."
    return None


class AdminAccess:
    """The admin rule for the dialog and the CLI alike. Store access stays on the caller's thread."""

    def __init__(
        self,
        *,
        cost: ScryptCost = DEFAULT_COST,
        clock: Callable[[], float] = time.time,
        idle_lock_seconds: float = DEFAULT_IDLE_LOCK_SECONDS,
    ) -> None:
        self._cost = cost
        self._clock = clock
        self._idle = idle_lock_seconds
        self._unlocked_at: float | None = None
        self._last_use: float = 0.0

    # -- password ----------------------------------------------------------

    def has_password(self) -> bool:
        return get_value(HASH_KEY) is not None

    def set_initial_password(self, password: str) -> None:
        """First run only: later changes need the current password."""
        if self.has_password():
            raise AdminError("An admin password is already set: change it with the current one.")
        self._store_new(password)
        self._mark_unlocked()

    def change_password(self, current: str, new: str) -> None:
        self.unlock(current)
        self._store_new(new)

    def _store_new(self, password: str) -> None:
        problem = check_new_password(password)
        if problem:
            raise AdminError(problem)
        register_secret(password)
        set_value(HASH_KEY, hash_password(password, self._cost))
        delete_value(FAILURES_KEY)

    # -- unlocking -----------------------------------------------------------

    def retry_after(self) -> float:
        """Seconds until another unlock attempt is accepted (0 when one is)."""
        failures = get_value(FAILURES_KEY) or {}
        until = float(failures.get("until", 0.0))
        return max(0.0, until - self._clock())

    def _begin_attempt(self, password: str) -> dict[str, Any]:
        record = get_value(HASH_KEY)
        if record is None:
            raise AdminPasswordNotSetError("No admin password is set yet: set one first.")
        wait = self.retry_after()
        if wait > 0:
            raise TooManyAttemptsError(wait)
        register_secret(password)
        return record

    def _finish_attempt(self, ok: bool) -> None:
        if ok:
            delete_value(FAILURES_KEY)
            self._mark_unlocked()
            return
        failures = get_value(FAILURES_KEY) or {}
        count = int(failures.get("count", 0)) + 1
        wait = min(MAX_BACKOFF_SECONDS, 2.0**count)
        set_value(FAILURES_KEY, {"count": count, "until": self._clock() + wait})
        log.warning("wrong admin password (%d in a row); next attempt in %.0f s", count, wait)
        self.lock()
        raise WrongAdminPasswordError("Wrong admin password.")

    def unlock(self, password: str) -> None:
        record = self._begin_attempt(password)
        self._finish_attempt(verify_password(password, record))

    async def unlock_async(self, password: str) -> None:
        """The slow hash runs in a worker thread; the Setting table is touched on this one."""
        record = self._begin_attempt(password)
        ok = await asyncio.to_thread(verify_password, password, record)
        self._finish_attempt(ok)

    def lock(self) -> None:
        self._unlocked_at = None

    def _mark_unlocked(self) -> None:
        self._unlocked_at = self._last_use = self._clock()

    @property
    def is_unlocked(self) -> bool:
        if self._unlocked_at is None:
            return False
        if self._clock() - self._last_use > self._idle:
            self._unlocked_at = None
            return False
        return True

    def require(self, what: str = "change settings") -> None:
        """Raise unless an admin session is open; every guarded change calls this first."""
        if not self.is_unlocked:
            if not self.has_password():
                raise AdminPasswordNotSetError(f"Set the admin password before you {what}.")
            raise AdminLockedError(f"Only an admin may {what}: unlock with the admin password first.")
        self._last_use = self._clock()
