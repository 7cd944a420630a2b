"""What the operator can do about a record sync could not settle alone.

- Conflicts: "apply mine again" writes the kept local value back and queues it;
  "keep Bitrix24's" drops the kept value.
- Errors: "retry" puts the refused change back in the queue; "discard" drops it
  and puts back what the record held before the edit (a never-pushed new
  record is removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.services.sync.cache import MODELS, now_utc
from kapusta_desktop.store.models import OutboxEntry, SyncedModel
from kapusta_desktop.store.outbox import enqueue

TARGET = "bitrix24"


class ActionError(LookupError):
    pass


@dataclass(frozen=True)
class ConflictRow:
    entity_type: str
    record_id: int
    title: str
    field: str
    mine: Any
    theirs: Any


def _row(entity_type: str, record_id: int) -> SyncedModel:
    model = MODELS.get(entity_type)
    if model is None:
        raise ActionError(f"unknown entity type {entity_type!r}")
    row = model.get_or_none(model.id == record_id)
    if row is None:
        raise ActionError(f"{entity_type} {record_id} is not in the cache")
    return row


def _title(entity_type: str, row: SyncedModel) -> str:
    if entity_type == "contact":
        return row.full_name or f"#{row.id}"  # type: ignore[attr-defined]
    return getattr(row, "title", "") or f"#{row.id}"


def list_conflicts() -> list[ConflictRow]:
    out: list[ConflictRow] = []
    for etype, model in MODELS.items():
        for row in model.select().where(model.conflicts.is_null(False)).order_by(model.id):
            for name, clash in sorted((row.conflicts or {}).items()):
                out.append(ConflictRow(etype, row.id, _title(etype, row), name, clash.get("mine"), clash.get("theirs")))
    return out


def _has_pending(entity_type: str, record_id: int) -> bool:
    return OutboxEntry.select().where(
        (OutboxEntry.target == TARGET) & (OutboxEntry.entity_type == entity_type)
        & (OutboxEntry.entity_id == record_id) & (OutboxEntry.state == "pending")).exists()


def _settle_state(row: SyncedModel, entity_type: str) -> None:
    if row.conflicts:
        row.sync_state = SyncState.CONFLICT.value
    elif _has_pending(entity_type, row.id):
        row.sync_state = SyncState.PENDING.value
    else:
        row.sync_state = SyncState.SYNCED.value


def apply_mine_again(entity_type: str, record_id: int, field: str | None = None) -> list[str]:
    """Write the kept local value(s) back and queue an update; returns the fields re-applied."""
    row = _row(entity_type, record_id)
    conflicts = dict(row.conflicts or {})
    names = [field] if field else list(conflicts)
    if not names or any(n not in conflicts for n in names):
        raise ActionError(f"no conflict on {entity_type} {record_id} field {field!r}")
    spec = m.SPECS[entity_type]
    with row._meta.database.atomic():
        base = dict(row.base_values or {})
        for name in names:
            f = spec.field(name)
            if f is None:
                raise ActionError(f"{name!r} is not a synced field of a {entity_type}")
            clash = conflicts.pop(name)
            base[name] = clash.get("theirs")  # Bitrix24 holds theirs now: the new merge base
            fld = row._meta.fields[name]
            attr = getattr(fld, "object_id_name", name) if hasattr(fld, "rel_model") else name
            setattr(row, attr, m.from_canonical(f.kind, clash.get("mine")))
        row.conflicts = conflicts or None
        row.base_values = base
        row.local_modified = now_utc()
        row.sync_error = None
        enqueue(target=TARGET, entity_type=entity_type, entity_id=row.id, op="update", payload={"fields": names})
        _settle_state(row, entity_type)
        row.save()
    return names


def keep_theirs(entity_type: str, record_id: int, field: str | None = None) -> list[str]:
    """Drop the kept local value(s): the cache already shows Bitrix24's."""
    row = _row(entity_type, record_id)
    conflicts = dict(row.conflicts or {})
    names = [field] if field else list(conflicts)
    if not names or any(n not in conflicts for n in names):
        raise ActionError(f"no conflict on {entity_type} {record_id} field {field!r}")
    with row._meta.database.atomic():
        for name in names:
            conflicts.pop(name)
        row.conflicts = conflicts or None
        _settle_state(row, entity_type)
        row.save()
    return names


def retry(entity_type: str, record_id: int) -> int:
    """Queue a refused change again; returns how many entries went back."""
    row = _row(entity_type, record_id)
    with row._meta.database.atomic():
        n = OutboxEntry.update(state="pending", next_attempt_at=None, claimed_by=None).where(
            (OutboxEntry.target == TARGET) & (OutboxEntry.entity_type == entity_type)
            & (OutboxEntry.entity_id == record_id) & (OutboxEntry.state == "error")).execute()
        if n or _has_pending(entity_type, record_id):
            row.sync_state = SyncState.PENDING.value
            row.sync_error = None
            row.save()
    return n


def discard(entity_type: str, record_id: int) -> int:
    """Drop the record's unsent changes and restore its pre-edit values; returns entries discarded."""
    from kapusta_desktop.services.sync.push import _drop_row  # one deletion routine

    row = _row(entity_type, record_id)
    spec = m.SPECS[entity_type]
    with row._meta.database.atomic():
        n = OutboxEntry.update(state="discarded", claimed_by=None).where(
            (OutboxEntry.target == TARGET) & (OutboxEntry.entity_type == entity_type)
            & (OutboxEntry.entity_id == record_id) & OutboxEntry.state.in_(["pending", "error"])).execute()
        if row.b24_id is None:
            _drop_row(entity_type, row)  # never reached Bitrix24: nothing to go back to
            return n
        for name, value in (row.base_values or {}).items():
            f = spec.field(name)
            if f is None or name not in row._meta.fields:
                continue  # phones/e-mails/links: Bitrix24's come back with its next change or a full pull
            fld = row._meta.fields[name]
            attr = getattr(fld, "object_id_name", name) if hasattr(fld, "rel_model") else name
            setattr(row, attr, m.from_canonical(f.kind, value))
        row.base_values = None
        row.deleted = False
        row.sync_error = None
        _settle_state(row, entity_type)
        row.save()
    return n
