"""Pushing the outbox to Bitrix24.

One round: claim the due `bitrix24` entries in id order, group them per
record (a record's entries coalesce into ONE command: create + updates = a
create of the current row, updates = one update of the union of fields, a
delete wins), pack up to 50 commands per `batch`, and settle each record by
its own answer:

- success: `b24_id`, `synced` (unless newer edits wait), merge bases of the
  pushed fields cleared, entries done;
- transient failure: entries back off (`next_attempt_at`), the row stays pending;
- permanent failure: entries and row `error` with the reason; other records go on.

Claims raise `attempts` and are committed BEFORE the request goes out, so
after a crash a create with `attempts > 0` is first looked up by ORIGIN_ID
(with ORIGINATOR_ID "kapusta"): if Bitrix24 has it, it is not created again.
Tasks have no ORIGIN_ID in Bitrix24: a task carries `XML_ID = "kapusta:<uuid>"`
instead, and is looked up by it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import Bitrix24Error, NotFound
from kapusta_desktop.services.editing import deal_contact_ids
from kapusta_desktop.services.sync.cache import MODELS, canonical_row, learn_item_ids, now_utc
from kapusta_desktop.store.models import (
    Company,
    Contact,
    Deal,
    Email,
    OutboxEntry,
    Phone,
    SyncedModel,
    UserManager,
)
from kapusta_desktop.store.outbox_claims import DEFAULT_LEASE_SECONDS, claim_due_entries

log = logging.getLogger(__name__)

TARGET = "bitrix24"
MAX_COMMANDS = 50
CRM_KINDS = ("deal", "contact", "company")


class Deferred(Exception):
    """The record refers to one Bitrix24 does not have yet; it goes in a later round."""


@dataclass
class PushReport:
    records: int = 0  # records settled successfully
    entries: int = 0  # outbox entries done
    transient: int = 0  # records put back for a retry
    permanent: int = 0  # records marked error
    requests: int = 0  # batch requests sent
    offline: bool = False  # a whole request failed after the client's retries
    last_error: str | None = None

    def add(self, other: PushReport) -> None:
        for name in ("records", "entries", "transient", "permanent", "requests"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.offline = self.offline or other.offline
        self.last_error = other.last_error or self.last_error


@dataclass
class Job:
    """One record's coalesced entries and the command they became."""

    entity_type: str
    entity_id: int
    entries: list[OutboxEntry]
    row: SyncedModel | None = None
    op: str = "update"  # create, update, delete, noop
    fields: dict[str, Any] = field(default_factory=dict)  # Bitrix24 fields sent
    pushed: dict[str, Any] = field(default_factory=dict)  # local field -> canonical value pushed
    multi: bool = False  # phones/e-mails sent: read item ids back
    lookup: bool = False  # a create that may already exist (answer lost)

    @property
    def key(self) -> str:
        return f"{self.entity_type[:2]}{self.entity_id}"


def _retry_delay(attempts: int, base: float, ceiling: float) -> dt.timedelta:
    return dt.timedelta(seconds=min(ceiling, base * (2 ** max(0, attempts - 1))))


class Pusher:
    def __init__(
        self,
        client: Bitrix24Client,
        *,
        worker_id: str = "desk",
        backoff_base: float = 2.0,
        backoff_max: float = 300.0,
        max_records_per_round: int = 500,
        clock: Callable[[], dt.datetime] = now_utc,
        call_logger: Callable[..., Any] | None = None,
        connection_kind: str = "webhook",
        claim_lease: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self.client = client
        self.worker_id = worker_id  # unique per desk in team mode: the outbox's claims name it
        self.claim_lease = claim_lease
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_records = max_records_per_round
        self.clock = clock
        self.call_logger = call_logger
        self.connection_kind = connection_kind
        self._refs: dict[tuple[str, int | None], int | None] = {}
        self._rows: dict[tuple[str, int], SyncedModel] = {}
        self._newer: set[tuple[str, int]] = set()
        self._done_ids: list[int] = []
        self._fresh: dict[tuple[str, int], SyncedModel] = {}

    # ------------------------------------------------------------------ rounds

    async def push_all(self) -> PushReport:
        """Rounds until nothing is due, Bitrix24 is unreachable, or a round makes no progress."""
        total = PushReport()
        while True:
            report = await self.push_round()
            total.add(report)
            if report.offline or (report.records == 0 and report.entries == 0 and report.permanent == 0):
                return total

    async def push_round(self) -> PushReport:
        report = PushReport()
        jobs = self._claim()
        if not jobs:
            return report
        calls = [j for j in jobs if j.entity_type == "call"]
        crm = [j for j in jobs if j.entity_type != "call"]
        if calls:
            await self._push_calls(calls, report)
        ready: list[Job] = []
        self._refs = {}
        self._rows = {}
        for etype in {j.entity_type for j in crm}:
            model = MODELS.get(etype)
            if model is not None:
                ids = [j.entity_id for j in crm if j.entity_type == etype]
                for start in range(0, len(ids), 500):
                    for row in model.select().where(model.id.in_(ids[start:start + 500])):
                        self._rows[(etype, row.id)] = row
        for job in crm:
            try:
                self._plan(job)
            except Deferred as exc:
                self._release(job, str(exc))
                continue
            except (m.MappingError, ValueError) as exc:
                self._fail(job, f"cannot be sent: {exc}", report)
                continue
            if job.op == "noop":
                self._settle_noop(job, report)
            else:
                ready.append(job)
        lookups = [j for j in ready if j.lookup]
        if lookups and not await self._lookup_origins(lookups, report):
            return report
        for chunk in self._pack([j for j in ready if j.op in ("create", "update", "delete")]):
            if not await self._send(chunk, report):
                break
        return report

    def _pack(self, jobs: list[Job]) -> list[list[Job]]:
        """Jobs into batches of at most 50 commands (a job is one command, two with a read-back)."""
        chunks: list[list[Job]] = []
        current: list[Job] = []
        size = 0
        for job in jobs:
            n = len(self._commands(job))
            if current and size + n > MAX_COMMANDS:
                chunks.append(current)
                current, size = [], 0
            current.append(job)
            size += n
        if current:
            chunks.append(current)
        return chunks

    # ------------------------------------------------------------------ claiming

    def _claim(self) -> list[Job]:
        # Whole records, id order; on PostgreSQL row locks and leases keep other desks off them.
        groups = claim_due_entries(TARGET, worker_id=self.worker_id, now=self.clock(), max_records=self.max_records,
                                   lease_seconds=self.claim_lease)
        return [Job(etype, eid, entries) for (etype, eid), entries in groups.items()]

    def _release(self, job: Job, reason: str) -> None:
        """Put a deferred record back without counting the attempt."""
        OutboxEntry.update(attempts=OutboxEntry.attempts - 1, claimed_by=None).where(
            OutboxEntry.id.in_([e.id for e in job.entries])).execute()
        log.debug("%s %s deferred: %s", job.entity_type, job.entity_id, reason)

    # ------------------------------------------------------------------ planning

    def _plan(self, job: Job) -> None:
        model = MODELS.get(job.entity_type)
        if model is None:
            raise ValueError(f"unknown entity type {job.entity_type!r}")
        row = self._rows.get((job.entity_type, job.entity_id))
        job.row = row
        ops = [e.op for e in job.entries]
        if row is None:
            job.op = "noop"  # the row is gone from the cache; nothing left to say
            return
        if "delete" in ops:
            job.op = "delete" if row.b24_id else "noop"
            return
        spec = m.SPECS[job.entity_type]
        if row.b24_id is None:
            job.op = "create"
            names = [f.local for f in spec.fields if f.writable]
            names += list(spec.multi) + (["contacts"] if job.entity_type == "deal" else [])
            # A create that went out before (this worker died, or the answer was lost) may exist already.
            job.lookup = spec.idempotent_creates and any(e.attempts > 0 for e in job.entries if e.op == "create")
        else:
            job.op = "update"
            names = []
            for e in job.entries:
                for name in (e.payload or {}).get("fields", []):
                    if name not in names:
                        names.append(_field_name(name))
            names = [n for n in names if n not in (row.conflicts or {})]  # a clash waits for the operator
        job.fields, job.pushed, job.multi = self._build_fields(spec, row, names, job.entries, create=job.op == "create")
        if job.op == "update" and not job.fields:
            job.op = "noop"

    def _build_fields(self, spec: m.EntitySpec, row: SyncedModel, names: list[str], entries: list[OutboxEntry],
                      *, create: bool) -> tuple[dict[str, Any], dict[str, Any], bool]:
        values: dict[str, Any] = {}
        for name in names:
            f = spec.field(name)
            if f is None or not f.writable or name not in row._meta.fields:
                continue
            raw = _row_value(row, name)
            value = self._remote_ref(f.kind, raw) if f.kind in m.REF_KINDS else raw
            if f.kind == m.REF_USER and raw is not None and value is None:
                continue  # a manager Bitrix24 does not know: leave the portal's value alone
            values[name] = value
        pushed = canonical_row(spec, row, values)
        kw: dict[str, Any] = {}
        multi = False
        deleted_phones = [i for e in entries for i in (e.payload or {}).get("deleted_phone_items", [])]
        deleted_emails = [i for e in entries for i in (e.payload or {}).get("deleted_email_items", [])]
        if "phones" in names and "phones" in spec.multi:
            kw["phones"] = _multi_items(Phone, spec.entity_type, row.id, "raw")
            kw["deleted_phone_items"] = deleted_phones
            multi = multi or bool(kw["phones"])
        if "emails" in names and "emails" in spec.multi:
            kw["emails"] = _multi_items(Email, spec.entity_type, row.id, "value")
            kw["deleted_email_items"] = deleted_emails
            multi = multi or bool(kw["emails"])
        if "contacts" in names and spec.entity_type == "deal":
            kw["contact_ids"] = [self._remote_ref(m.REF_CONTACT_BINDING, cid) for cid in deal_contact_ids(row.id)]
        if spec.entity_type == "company" and "site" in values and not create:
            kw["web_item_id"] = row.site_item_id  # change that item rather than add another
        if spec.entity_type == "company" and values.get("site"):
            multi = True  # read the WEB item id back
        if create and spec.idempotent_creates:
            kw["origin_id"] = row.origin_id
        return m.fields_to_remote(spec, values, **kw), pushed, multi

    def _remote_ref(self, kind: str, local_id: int | None) -> int | None:
        """Local id -> Bitrix24 id of a referenced record, remembered for the round."""
        key = (kind, local_id)
        if key not in self._refs:
            self._refs[key] = _remote_ref_uncached(kind, local_id)  # Deferred propagates, nothing cached
        return self._refs[key]

    # ------------------------------------------------------------------ idempotent creates

    async def _lookup_origins(self, jobs: list[Job], report: PushReport) -> bool:
        cmds = {}
        for job in jobs:
            origin = job.row.origin_id  # type: ignore[union-attr]
            spec = m.SPECS[job.entity_type]
            if spec.origin_marker:
                cmds[job.key] = ("tasks.task.list", {
                    "filter": {spec.origin_marker: m.origin_marker(origin)},
                    "select": ["ID", spec.origin_marker], "order": {"ID": "ASC"}})
                continue
            select = ["ID", "ORIGIN_ID", *(["PHONE", "EMAIL"] if job.entity_type != "deal" else [])]
            cmds[job.key] = (f"crm.{job.entity_type}.list", {
                "filter": {"=ORIGINATOR_ID": m.ORIGINATOR_ID, "=ORIGIN_ID": origin},
                "select": select, "order": {"ID": "ASC"}, "start": -1})
        try:
            res = await self.client.batch(cmds)
        except Bitrix24Error as exc:
            self._offline(jobs, exc, report)
            return False
        report.requests += res.http_requests
        for job in jobs:
            if job.key in res.errors:
                self._settle_error(job, res.errors[job.key], report)
                job.op = "skip"
                continue
            rows = res.results.get(job.key) or []
            if isinstance(rows, dict):  # tasks.task.list answers {"tasks": [...]}
                rows = rows.get("tasks") or []
            if not rows:
                continue
            found = rows[0]
            b24_id = m.parse_int(found.get("ID", found.get("id")))
            row = job.row
            assert row is not None
            log.info("%s %s already in Bitrix24 as %s (create answer was lost)", job.entity_type, row.id, b24_id)
            type(row).update(b24_id=b24_id).where(type(row).id == row.id).execute()
            row.b24_id = b24_id
            learn_item_ids(job.entity_type, row.id, m.parse_multi(found.get("PHONE")) if "PHONE" in found else None,
                           m.parse_multi(found.get("EMAIL")) if "EMAIL" in found else None)
            # Send the whole current row as an update: it may have changed since that create.
            spec = m.SPECS[job.entity_type]
            names = [f.local for f in spec.fields if f.writable] + list(spec.multi)
            if job.entity_type == "deal":
                names.append("contacts")
            job.op = "update"
            job.fields, job.pushed, job.multi = self._build_fields(spec, row, names, job.entries, create=False)
        return True

    # ------------------------------------------------------------------ sending

    def _commands(self, job: Job) -> dict[str, tuple[str, dict[str, Any]]]:
        row = job.row
        assert row is not None
        etype, key = job.entity_type, job.key
        cmds: dict[str, tuple[str, dict[str, Any]]] = {}
        if etype == "task":
            if job.op == "create":
                cmds[key] = ("tasks.task.add", {"fields": job.fields})
            elif job.op == "update":
                cmds[key] = ("tasks.task.update", {"taskId": row.b24_id, "fields": job.fields})
            else:
                cmds[key] = ("tasks.task.delete", {"taskId": row.b24_id})
            return cmds
        fields = job.fields
        clear_contacts = etype == "deal" and fields.get("CONTACT_IDS") == []
        if clear_contacts:
            # An empty CONTACT_IDS vanishes from the batch query string; the documented way to
            # unlink every contact is crm.deal.contact.items.delete.
            fields = {k: v for k, v in fields.items() if k != "CONTACT_IDS"}
        if job.op == "create":
            cmds[key] = (f"crm.{etype}.add", {"fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}})
        elif job.op == "update" and clear_contacts and not fields:
            cmds[key] = ("crm.deal.contact.items.delete", {"id": row.b24_id})
        elif job.op == "update":
            cmds[key] = (f"crm.{etype}.update", {"id": row.b24_id, "fields": fields})
            if clear_contacts:
                cmds[key + "c"] = ("crm.deal.contact.items.delete", {"id": row.b24_id})
        else:
            cmds[key] = (f"crm.{etype}.delete", {"id": row.b24_id})
        if job.multi:
            # Read the record back in the same request to learn the ids Bitrix24 gave new phone/e-mail items.
            ref = f"$result[{key}]" if job.op == "create" else row.b24_id
            cmds[key + "g"] = (f"crm.{etype}.get", {"id": ref})
        return cmds

    async def _send(self, jobs: list[Job], report: PushReport) -> bool:
        jobs = [j for j in jobs if j.op in ("create", "update", "delete")]
        if not jobs:
            return True
        cmds: dict[str, tuple[str, dict[str, Any]]] = {}
        for job in jobs:
            cmds.update(self._commands(job))
        try:
            # A create must not be re-sent blindly: its answer may be lost after Bitrix24 made it.
            # The next round looks it up by its origin marker first (attempts > 0).
            res = await self.client.batch(cmds, retries=0 if any(j.op == "create" for j in jobs) else None)
        except Bitrix24Error as exc:
            self._offline(jobs, exc, report)
            return False
        report.requests += res.http_requests
        claimed = [e.id for j in jobs for e in j.entries]
        with OutboxEntry._meta.database.atomic():  # one commit for the whole answer
            # Edits saved while the request was out keep their records pending.
            self._newer = set(OutboxEntry.select(OutboxEntry.entity_type, OutboxEntry.entity_id).where(
                (OutboxEntry.target == TARGET) & (OutboxEntry.state == "pending")
                & OutboxEntry.entity_id.in_([j.entity_id for j in jobs]) & OutboxEntry.id.not_in(claimed)).tuples())
            self._done_ids = []
            self._fresh = {}
            for etype in {j.entity_type for j in jobs}:
                model = MODELS[etype]
                ids = [j.entity_id for j in jobs if j.entity_type == etype]
                self._fresh.update(((etype, r.id), r) for r in model.select().where(model.id.in_(ids)))
            for job in jobs:
                if job.key in res.errors:
                    self._settle_error(job, res.errors[job.key], report)
                elif job.key + "c" in res.errors:  # the contacts clear of an update failed alone
                    self._settle_error(job, res.errors[job.key + "c"], report)
                elif job.key in res.results:
                    try:
                        self._settle_ok(job, res.results[job.key], res.results.get(job.key + "g"), report, bulk=True)
                    except m.MappingError as exc:
                        self._fail(job, str(exc), report)
                else:
                    self._settle_error(job, Bitrix24Error("no answer for this command in the batch"), report)
            for start in range(0, len(self._done_ids), 500):
                OutboxEntry.update(state="done", done_at=self.clock(), last_error=None, claimed_by=None).where(
                    OutboxEntry.id.in_(self._done_ids[start:start + 500])).execute()
            self._done_ids = []
        return True

    # ------------------------------------------------------------------ settling

    def _settle_ok(self, job: Job, result: Any, readback: Any, report: PushReport, *, bulk: bool = False) -> None:
        model = MODELS[job.entity_type]
        entry_ids = [e.id for e in job.entries]
        now = self.clock()
        new_id = _created_id(job.entity_type, result) if job.op == "create" else None  # may refuse the answer
        with model._meta.database.atomic():
            # The row as it is now (an edit may have been saved while the request was out).
            row = self._fresh.get((job.entity_type, job.entity_id)) if bulk else None
            if row is None:
                row = model.get_or_none(model.id == job.entity_id)
            if job.op == "delete":
                if row is not None:
                    _drop_row(job.entity_type, row)
            elif row is not None:
                changed = ["base_values", "sync_state", "sync_error"]
                if new_id is not None:
                    row.b24_id = new_id
                    changed.append("b24_id")
                self._clear_bases(job, row)
                if isinstance(readback, dict):
                    learn_item_ids(job.entity_type, row.id, m.parse_multi(readback.get("PHONE")),
                                   m.parse_multi(readback.get("EMAIL")))
                    if job.entity_type == "company":
                        web = m.parse_multi(readback.get("WEB"))
                        row.site_item_id = next((w.item_id for w in web if w.value == row.site), row.site_item_id)
                        changed.append("site_item_id")
                if (job.entity_type, job.entity_id) in self._newer:
                    row.sync_state = SyncState.PENDING.value
                elif row.conflicts:
                    row.sync_state = SyncState.CONFLICT.value
                else:
                    row.sync_state = SyncState.SYNCED.value
                row.sync_error = None
                row.save(only=[model._meta.fields[n] for n in changed])
            if bulk:
                self._done_ids.extend(entry_ids)
            else:
                OutboxEntry.update(state="done", done_at=now, last_error=None, claimed_by=None).where(
                    OutboxEntry.id.in_(entry_ids)).execute()
        report.records += 1
        report.entries += len(entry_ids)

    @staticmethod
    def _clear_bases(job: Job, row: SyncedModel) -> None:
        """Bitrix24 now holds what we pushed: that is the new merge base for fields edited again since."""
        spec = m.SPECS[job.entity_type]
        base = dict(row.base_values or {})
        now = canonical_row(spec, row, job.pushed)
        for name, sent in job.pushed.items():
            if name in base:
                if now.get(name) == sent:
                    del base[name]
                else:
                    base[name] = sent
        for name in ("phones", "emails", "contacts"):
            base.pop(name, None)
        if job.op == "create":
            base = {k: v for k, v in base.items() if k in job.pushed and now.get(k) != job.pushed[k]}
        row.base_values = base or None

    def _settle_noop(self, job: Job, report: PushReport) -> None:
        entry_ids = [e.id for e in job.entries]
        db = OutboxEntry._meta.database
        with db.atomic():
            row = job.row
            if row is not None and job.op == "noop" and any(e.op == "delete" for e in job.entries):
                _drop_row(job.entity_type, row)  # created and deleted before it ever reached Bitrix24
            elif row is not None and row.sync_state != SyncState.CONFLICT.value:
                type(row).update(sync_state=SyncState.SYNCED.value, sync_error=None).where(
                    type(row).id == row.id).execute()
            OutboxEntry.update(state="done", done_at=self.clock(), claimed_by=None).where(
                OutboxEntry.id.in_(entry_ids)).execute()
        report.entries += len(entry_ids)

    def _settle_error(self, job: Job, exc: Bitrix24Error, report: PushReport) -> None:
        if job.op == "delete" and isinstance(exc, NotFound):
            self._settle_ok(job, True, None, report)  # already gone: that is what we wanted
            return
        if exc.transient:
            self._backoff(job.entries, str(exc))
            report.transient += 1
            report.last_error = str(exc)
            return
        reason = "deleted in Bitrix24" if isinstance(exc, NotFound) else str(exc)
        self._fail(job, reason, report)

    def _fail(self, job: Job, reason: str, report: PushReport) -> None:
        model = MODELS.get(job.entity_type)
        with OutboxEntry._meta.database.atomic():
            OutboxEntry.update(state="error", last_error=reason[:2000], claimed_by=None).where(
                OutboxEntry.id.in_([e.id for e in job.entries])).execute()
            if model is not None:
                model.update(sync_state=SyncState.ERROR.value, sync_error=reason[:2000]).where(
                    model.id == job.entity_id).execute()
        report.permanent += 1
        report.last_error = reason
        log.warning("%s %s refused by Bitrix24: %s", job.entity_type, job.entity_id, reason)

    def _backoff(self, entries: Iterable[OutboxEntry], reason: str) -> None:
        now = self.clock()
        for entry in entries:
            attempts = OutboxEntry.select(OutboxEntry.attempts).where(OutboxEntry.id == entry.id).scalar() or 1
            OutboxEntry.update(
                next_attempt_at=now + _retry_delay(attempts, self.backoff_base, self.backoff_max),
                last_error=reason[:2000], claimed_by=None,
            ).where(OutboxEntry.id == entry.id).execute()

    def _offline(self, jobs: list[Job], exc: Bitrix24Error, report: PushReport) -> None:
        report.last_error = str(exc)
        if exc.transient:
            report.offline = True
            with OutboxEntry._meta.database.atomic():
                for job in jobs:
                    self._backoff(job.entries, str(exc))
            report.transient += len(jobs)
        else:
            # Not one record's fault (auth, scope): leave the entries pending and say so.
            report.offline = True
            OutboxEntry.update(claimed_by=None, last_error=str(exc)[:2000]).where(
                OutboxEntry.id.in_([e.id for j in jobs for e in j.entries])).execute()

    # ------------------------------------------------------------------ calls

    async def _push_calls(self, jobs: list[Job], report: PushReport) -> None:
        """`log_call` entries go to the call-logging service (one call record each)."""
        if self.call_logger is None:
            for job in jobs:
                self._release(job, "no call logger configured")
            return
        from kapusta_desktop.store.models import CallRecord

        for job in jobs:
            record = CallRecord.get_or_none(CallRecord.id == job.entity_id)
            if record is None:
                self._settle_noop(job, report)
                continue
            try:
                await self.call_logger(self.client, record, self.connection_kind)
            except Bitrix24Error as exc:
                if exc.transient:  # e.g. the call's deal is not in Bitrix24 yet: later
                    self._backoff(job.entries, str(exc))
                    report.transient += 1
                    continue
                OutboxEntry.update(state="error", last_error=str(exc)[:2000], claimed_by=None).where(
                    OutboxEntry.id.in_([e.id for e in job.entries])).execute()
                report.permanent += 1
                continue
            OutboxEntry.update(state="done", done_at=self.clock(), claimed_by=None).where(
                OutboxEntry.id.in_([e.id for e in job.entries])).execute()
            report.entries += len(job.entries)


# ---------------------------------------------------------------------- helpers

def _field_name(name: str) -> str:
    """The editor names FK fields by attribute ("company"); accept "company_id" too."""
    return name[:-3] if name.endswith("_id") and name not in ("pipeline_id", "stage_id", "source_id") else name


def _row_value(row: peewee.Model, name: str) -> Any:
    fld = row._meta.fields[name]
    return getattr(row, fld.object_id_name) if isinstance(fld, peewee.ForeignKeyField) else getattr(row, name)


def _b24_of(model: type[peewee.Model], local_id: int | None, what: str) -> int | None:
    if local_id is None:
        return None
    if model is UserManager:
        found = UserManager.select(UserManager.b24_user_id).where(UserManager.id == local_id).scalar()
        return found  # a manager not in Bitrix24: the field goes empty, Bitrix24 keeps its default
    found = model.select(model.b24_id).where(model.id == local_id).scalar()
    if found is None:
        raise Deferred(f"{what} {local_id} is not in Bitrix24 yet")
    return found


def _remote_ref_uncached(kind: str, local_id: int | None) -> int | None:
    if kind == m.REF_USER:
        return _b24_of(UserManager, local_id, "manager")
    if kind == m.REF_COMPANY:
        return _b24_of(Company, local_id, "company")
    if kind == m.REF_DEAL_BINDING:
        return _b24_of(Deal, local_id, "deal")
    if kind == m.REF_CONTACT_BINDING:
        return _b24_of(Contact, local_id, "contact")
    raise ValueError(kind)


def _multi_items(model: type[peewee.Model], owner_type: str, owner_id: int, value_attr: str) -> list[m.MultiItem]:
    rows = model.select().where((model.owner_type == owner_type) & (model.owner_id == owner_id)).order_by(model.id)
    return [m.MultiItem(r.b24_item_id, getattr(r, value_attr), r.value_type) for r in rows]


def _created_id(entity_type: str, result: Any) -> int:
    if entity_type == "task" and isinstance(result, dict):
        task = result.get("task", result)
        found = m.parse_int(task.get("id", task.get("ID")))
    else:
        found = m.parse_int(result)
    if not found:
        raise m.MappingError(f"the {entity_type} create answered no id: {result!r}")
    return found


def _drop_row(entity_type: str, row: SyncedModel) -> None:
    Phone.delete().where((Phone.owner_type == entity_type) & (Phone.owner_id == row.id)).execute()
    Email.delete().where((Email.owner_type == entity_type) & (Email.owner_id == row.id)).execute()
    row.delete_instance()
