"""Small helpers for the few hand-built SQL statements (bulk seeding, the phone lookup)."""

from __future__ import annotations

import peewee


def quote_name(db: peewee.Database, name: str) -> str:
    """A table or column name quoted the way this database quotes identifiers."""
    left, right = db.quote[0], db.quote[1]
    return f"{left}{name.replace(right, right * 2)}{right}"
