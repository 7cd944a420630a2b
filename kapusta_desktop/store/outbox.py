"""Queueing work for outside systems in the caller's transaction.

`enqueue` must run inside the same `db.atomic()` block that changes the row,
so the row and its outbox entry are saved together or not at all.
"""

from __future__ import annotations

from typing import Any

import peewee

from kapusta_desktop.store.models import OutboxEntry


def enqueue(
    *,
    target: str,
    entity_type: str,
    entity_id: int | None,
    op: str,
    payload: dict[str, Any] | None = None,
    key: str | None = None,
) -> OutboxEntry | None:
    """Append an entry; with a `key` already queued, do nothing and return None."""
    if key is not None and OutboxEntry.select().where(OutboxEntry.key == key).exists():
        return None
    try:
        with OutboxEntry._meta.database.atomic():
            return OutboxEntry.create(
                target=target, entity_type=entity_type, entity_id=entity_id, op=op, payload=payload or {}, key=key
            )
    except peewee.IntegrityError:
        if key is None:
            raise
        return None  # a concurrent writer queued the same key first


def pending_count(target: str | None = None) -> int:
    q = OutboxEntry.select().where(OutboxEntry.state == "pending")
    if target:
        q = q.where(OutboxEntry.target == target)
    return q.count()
