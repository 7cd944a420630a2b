"""The desks allowed to use the team relay's forwarding, by the hash of their token.

A desk token is 32 random bytes (URL-safe text), shown once when the desk is
added; only its SHA-256 is stored, so the table (and a backup of it) gives no
one a way in. Revoking keeps the row (who had access, until when).

Every function takes the database explicitly: the relay runs them on its own
connection and thread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

import peewee

from kapusta_desktop.store.models import RelayDesk

TOKEN_PREFIX = "kdt_"  # recognisable in a config file; not part of the secret's strength
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


class DeskNameError(ValueError):
    pass


@dataclass(frozen=True)
class DeskRecord:
    name: str
    token_hash: str
    is_admin: bool
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _record(row: RelayDesk) -> DeskRecord:
    return DeskRecord(row.name, row.token_hash, bool(row.is_admin), row.created_at, row.revoked_at)


def add_desk(database: peewee.Database, name: str, *, admin: bool = False) -> str:
    """Register a desk; returns its token (the only time it exists outside the desk). A taken name raises."""
    if not NAME_RE.match(name):
        raise DeskNameError("a desk name is 1-64 letters, digits, '_', '.', '@' or '-', starting with a letter "
                            "or digit")
    token = new_token()
    try:
        with database.atomic():
            RelayDesk.insert(name=name, token_hash=hash_token(token), is_admin=admin, created_at=_now()).execute(
                database
            )
    except peewee.IntegrityError:
        raise DeskNameError(f"a desk named {name!r} exists already (revoked desks keep their name)") from None
    return token


def list_desks(database: peewee.Database) -> list[DeskRecord]:
    return [_record(row) for row in RelayDesk.select().order_by(RelayDesk.name).bind(database)]


def revoke_desk(database: peewee.Database, name: str) -> bool:
    """Revoke the desk's token from now on; False when no active desk has that name."""
    query = RelayDesk.update(revoked_at=_now()).where((RelayDesk.name == name) & RelayDesk.revoked_at.is_null())
    return bool(query.execute(database))
