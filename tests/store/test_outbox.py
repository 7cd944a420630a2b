from __future__ import annotations

from kapusta_desktop.store.models import OutboxEntry
from kapusta_desktop.store.outbox import enqueue, pending_count


def test_enqueue_is_idempotent_by_key(db) -> None:
    first = enqueue(target="bitrix24", entity_type="call", entity_id=1, op="log_call", key="call:E1")
    again = enqueue(target="bitrix24", entity_type="call", entity_id=1, op="log_call", key="call:E1")
    assert first is not None and again is None
    assert OutboxEntry.select().count() == 1


def test_entries_without_key_all_queue_in_order(db) -> None:
    a = enqueue(target="bitrix24", entity_type="deal", entity_id=5, op="update", payload={"TITLE": "x"})
    b = enqueue(target="telegram", entity_type="notice", entity_id=None, op="notice", payload={"text": "y"})
    assert a is not None and b is not None and a.id < b.id
    assert pending_count() == 2 and pending_count("telegram") == 1


def test_enqueue_rolls_back_with_the_callers_transaction(db) -> None:
    try:
        with db.atomic():
            enqueue(target="bitrix24", entity_type="deal", entity_id=5, op="update")
            raise RuntimeError("row save failed")
    except RuntimeError:
        pass
    assert OutboxEntry.select().count() == 0
