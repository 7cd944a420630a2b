"""What the operator can do about a record sync could not settle alone.

- Conflicts: "apply mine again" writes the kept local value back and queues it;
  "keep Bitrix24's" drops the kept value.
- Errors: "retry" puts the refused change back in the queue; "discard" drops it
  and puts back what the record held before the edit (a never-pushed new
  record is removed); `discard_and_refresh` then reads the record back from
  Bitrix24 so its phones, e-mails and contacts are Bitrix24's as well;
  `discard_locally` puts those back as they were before the edit (no portal).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import Bitrix24Error, NotFound
from kapusta_desktop.services.sync.cache import (
    MODELS,
    ApplyStats,
    CacheWriter,
    Resolver,
    default_normaliser,
    now_utc,
    replace_multi,
)
from kapusta_desktop.store.models import Contact, DealContact, Email, OutboxEntry, Phone, SyncedModel
from kapusta_desktop.store.outbox import enqueue

TARGET = "bitrix24"
log = logging.getLogger(__name__)


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


def _removed_items(entity_type: str, record_id: int) -> dict[str, list[int]]:
    """The Bitrix24 phone and e-mail items the record's unsent edits took away."""
    removed: dict[str, list[int]] = {"phones": [], "emails": []}
    unsent = OutboxEntry.select().where(
        (OutboxEntry.target == TARGET) & (OutboxEntry.entity_type == entity_type)
        & (OutboxEntry.entity_id == record_id) & OutboxEntry.state.in_(["pending", "error"]))
    for entry in unsent.order_by(OutboxEntry.id):
        removed["phones"] += (entry.payload or {}).get("deleted_phone_items", [])
        removed["emails"] += (entry.payload or {}).get("deleted_email_items", [])
    return removed


def discard_locally(entity_type: str, record_id: int) -> int:
    """`discard` with no Bitrix24 to ask (no portal set up): phones, e-mails and a deal's contacts
    go back to their pre-edit values as well; returns entries discarded."""
    row = _row(entity_type, record_id)
    b24_id, base = row.b24_id, dict(row.base_values or {})
    removed = _removed_items(entity_type, record_id)
    n = discard(entity_type, record_id)
    if b24_id is not None:
        _restore_lists(entity_type, record_id, base, removed)
    return n


async def discard_and_refresh(client: Bitrix24Client, entity_type: str, record_id: int) -> int:
    """`discard`, then read the record back from Bitrix24 (one request) so phones, e-mails and a
    deal's contacts are Bitrix24's again too; offline, they go back to their pre-edit values."""
    row = _row(entity_type, record_id)
    b24_id, base = row.b24_id, dict(row.base_values or {})
    removed = _removed_items(entity_type, record_id)  # Bitrix24 items the edit took away
    n = discard(entity_type, record_id)
    if b24_id is None:
        return n
    spec = m.SPECS[entity_type]
    cmds: dict[str, tuple[str, dict[str, Any]]] = {
        "g": ("tasks.task.get", {"taskId": b24_id, "select": spec.select}) if entity_type == "task"
        else (f"crm.{entity_type}.get", {"id": b24_id})}
    if entity_type == "deal":
        cmds["c"] = ("crm.deal.contact.items.get", {"id": b24_id})
    try:
        res = await client.batch(cmds)
    except Bitrix24Error as exc:
        log.info("%s %s: Bitrix24 not reached after discard (%s); restoring the pre-edit lists", entity_type,
                 record_id, exc)
        _restore_lists(entity_type, record_id, base, removed)
        return n
    payload = res.results.get("g")
    if entity_type == "task" and isinstance(payload, dict):
        payload = payload.get("task")
    if isinstance(res.errors.get("g"), NotFound) or (entity_type == "task" and not payload):
        from kapusta_desktop.services.sync.push import _drop_row

        gone = MODELS[entity_type].get_or_none(MODELS[entity_type].id == record_id)
        if gone is not None:
            with gone._meta.database.atomic():
                _drop_row(entity_type, gone)  # deleted in Bitrix24: nothing left to show
        return n
    if not isinstance(payload, dict):
        _restore_lists(entity_type, record_id, base, removed)
        return n
    rec = m.record_from_remote(spec, payload)
    items = res.results.get("c")
    if isinstance(items, list):
        ordered = sorted(items, key=lambda i: (str(i.get("IS_PRIMARY")) != "Y", m.parse_int(i.get("SORT")) or 0))
        rec.contact_ids = [c for c in (m.parse_int(i.get("CONTACT_ID")) for i in ordered) if c]
    CacheWriter(Resolver(), announce=False).apply_page(spec, [rec], ApplyStats())
    return n


def _restore_lists(entity_type: str, record_id: int, base: dict[str, Any], removed: dict[str, list[int]]) -> None:
    """Offline: phones, e-mails and deal contacts as they were before the edit.

    Item ids come from the rows still there (same value) and, in order, from the
    items the edit removed; an item whose value the edit changed gets its id back
    with the next read of the record from Bitrix24.
    """
    with OutboxEntry._meta.database.atomic():
        for name, model, attr in (("phones", Phone, "raw"), ("emails", Email, "value")):
            if name not in base:
                continue
            owner = (model.owner_type == entity_type) & (model.owner_id == record_id)
            known = {(getattr(r, attr), r.value_type): r.b24_item_id for r in model.select().where(owner)}
            old = [(v, t) for v, t in base[name] or []]
            ids = [known.get(k) for k in old]
            spare = [i for i in removed[name] if i not in ids]
            if len(spare) == ids.count(None):  # one removed item per position without an id: they line up
                ids = [i if i is not None else spare.pop(0) for i in ids]
            items = [m.MultiItem(i, v, t) for i, (v, t) in zip(ids, old, strict=True)]
            replace_multi(entity_type, record_id, items if name == "phones" else None,
                          items if name == "emails" else None, default_normaliser())
        if entity_type == "deal" and "contacts" in base:
            DealContact.delete().where(DealContact.deal == record_id).execute()
            for pos, cid in enumerate(base["contacts"] or []):
                if Contact.get_or_none(Contact.id == cid) is not None:
                    DealContact.create(deal=record_id, contact=cid, is_primary=pos == 0, sort=10 * (pos + 1))
