"""Claiming due outbox entries for one pusher, record by record.

A record's entries always go out together and in id order, so a claim takes
whole records. On SQLite one desk owns its outbox: every pending entry is due
(a claim left behind by a crash is simply taken again). On PostgreSQL several
desks push from one outbox, and each change must go out from exactly one desk:

- the candidates' rows are locked with `SELECT ... FOR UPDATE SKIP LOCKED`, so
  two desks claiming at the same moment never take the same entry;
- a record is skipped when any of its entries is locked by someone else (a
  concurrent claim or settle) or claimed by another desk whose lease
  (`claimed_until`, database time in UTC) has not run out; so a record is
  never pushed by two desks at once, even when an edit arrives meanwhile;
- the claim writes `claimed_by` and the lease and commits before any request
  goes out; a desk that dies mid-push stops blocking its records once the
  lease ends, and the next claimant's `attempts > 0` makes creates look
  themselves up first (services/sync/push.py).
"""

from __future__ import annotations

import datetime as dt

import peewee

from kapusta_desktop.store.models import OutboxEntry

DEFAULT_LEASE_SECONDS = 300.0  # longer than any batch request with its retries
_OPEN_STATES = ("pending", "error")  # an error entry is retried with the record's next edit

RecordKey = tuple[str, int]


def _is_shared(db: peewee.Database) -> bool:
    return isinstance(db, peewee.PostgresqlDatabase)


def _database() -> peewee.Database:
    db = OutboxEntry._meta.database
    return db.obj if isinstance(db, peewee.DatabaseProxy) else db


def _group(
    due: list[OutboxEntry], errors: list[OutboxEntry], now: dt.datetime, max_records: int
) -> dict[RecordKey, list[OutboxEntry]]:
    """Due entries per record (id order), at most `max_records` records; a record's refused entries go first."""
    groups: dict[RecordKey, list[OutboxEntry]] = {}
    waiting: set[RecordKey] = set()
    for entry in due:
        k = (entry.entity_type, entry.entity_id)
        if k in waiting:
            continue
        if entry.next_attempt_at is not None and entry.next_attempt_at > now:
            waiting.add(k)  # the record's earliest entry backs off: so do its later ones
            groups.pop(k, None)
            continue
        if k not in groups and len(groups) >= max_records:
            continue
        groups.setdefault(k, []).append(entry)
    # A fresh edit of a record whose earlier change was refused retries that change too.
    for entry in errors:
        k = (entry.entity_type, entry.entity_id)
        if k in groups:
            groups[k].insert(0, entry)
    return groups


def claim_due_entries(
    target: str,
    *,
    worker_id: str,
    now: dt.datetime,
    max_records: int,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> dict[RecordKey, list[OutboxEntry]]:
    """Claim the due entries of up to `max_records` records for `worker_id`; committed on return."""
    db = _database()
    with db.atomic():
        if _is_shared(db):
            groups = _claim_shared(target, worker_id, now, max_records, lease_seconds)
        else:
            due = list(OutboxEntry.select()
                       .where((OutboxEntry.target == target) & (OutboxEntry.state == "pending"))
                       .order_by(OutboxEntry.id))
            errors = list(OutboxEntry.select()
                          .where((OutboxEntry.target == target) & (OutboxEntry.state == "error"))
                          .order_by(OutboxEntry.id))
            groups = _group(due, errors, now, max_records)
        if not groups:
            return {}
        ids = [e.id for es in groups.values() for e in es]
        changes: dict[peewee.Field, object] = {
            OutboxEntry.attempts: OutboxEntry.attempts + 1,
            OutboxEntry.claimed_by: worker_id,
            OutboxEntry.state: "pending",
        }
        if _is_shared(db):
            changes[OutboxEntry.claimed_until] = _db_utc_now() + dt.timedelta(seconds=lease_seconds)
        for start in range(0, len(ids), 1000):
            OutboxEntry.update(changes).where(OutboxEntry.id.in_(ids[start:start + 1000])).execute()
    for entries in groups.values():
        entries.sort(key=lambda e: e.id)
    return groups


def _db_utc_now() -> peewee.Node:
    # The database's clock, not the desk's: desks' clocks disagree, the lease must not.
    return peewee.SQL("(now() AT TIME ZONE 'UTC')")


def _claim_shared(
    target: str, worker_id: str, now: dt.datetime, max_records: int, lease_seconds: float
) -> dict[RecordKey, list[OutboxEntry]]:
    open_entry = (OutboxEntry.target == target) & OutboxEntry.state.in_(_OPEN_STATES)
    foreign_live_claim = (
        OutboxEntry.claimed_by.is_null(False)
        & (OutboxEntry.claimed_by != worker_id)
        & (OutboxEntry.claimed_until > _db_utc_now())
    )
    # Records another desk is pushing right now.
    busy: set[RecordKey] = set(
        OutboxEntry.select(OutboxEntry.entity_type, OutboxEntry.entity_id)
        .where(open_entry & foreign_live_claim)
        .distinct()
        .tuples()
    )
    # Candidates, unlocked: the first records with due entries that nobody holds.
    candidates: list[RecordKey] = []
    seen: set[RecordKey] = set()
    pending = (OutboxEntry.select(OutboxEntry.entity_type, OutboxEntry.entity_id, OutboxEntry.next_attempt_at)
               .where((OutboxEntry.target == target) & (OutboxEntry.state == "pending"))
               .order_by(OutboxEntry.id))
    waiting: set[RecordKey] = set()
    for etype, eid, next_attempt_at in pending.tuples().iterator():
        k = (etype, eid)
        if k in busy or k in seen or k in waiting:
            continue
        if next_attempt_at is not None and next_attempt_at > now:
            waiting.add(k)
            continue
        seen.add(k)
        candidates.append(k)
        if len(candidates) >= max_records:
            break
    if not candidates:
        return {}
    by_type: dict[str, list[int]] = {}
    for etype, eid in candidates:
        by_type.setdefault(etype, []).append(eid)
    of_candidates: peewee.Expression | None = None
    for etype, eids in by_type.items():
        clause = (OutboxEntry.entity_type == etype) & OutboxEntry.entity_id.in_(eids)
        of_candidates = clause if of_candidates is None else of_candidates | clause
    assert of_candidates is not None
    locked = list(OutboxEntry.select()
                  .where(open_entry & of_candidates)
                  .order_by(OutboxEntry.id)
                  .for_update("FOR UPDATE SKIP LOCKED"))
    locked_ids = {e.id for e in locked}
    # Every open entry of a record must be ours to lock: one held elsewhere means another desk is at it.
    blocked: set[RecordKey] = {
        (etype, eid)
        for entry_id, etype, eid in OutboxEntry.select(OutboxEntry.id, OutboxEntry.entity_type, OutboxEntry.entity_id)
        .where(open_entry & of_candidates)
        .tuples()
        if entry_id not in locked_ids
    }
    # The locked rows are the latest committed versions: a claim made since the first look shows here.
    if locked_ids:
        blocked |= set(
            OutboxEntry.select(OutboxEntry.entity_type, OutboxEntry.entity_id)
            .where(OutboxEntry.id.in_(sorted(locked_ids)) & foreign_live_claim)
            .tuples()
        )
    mine = [e for e in locked if (e.entity_type, e.entity_id) not in blocked]
    due = [e for e in mine if e.state == "pending"]
    errors = [e for e in mine if e.state == "error"]
    return _group(due, errors, now, max_records)
