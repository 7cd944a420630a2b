"""Pulling Bitrix24 into the cache: first (full) sync, incremental pulls, id reconciliation.

- Full: managers, pipelines and stages, companies, contacts, deals (with
  contact links), tasks bound to deals, leads; fast `start=-1` listing, up to
  2,500 rows per request.
- Incremental: every kind's `>DATE_MODIFY` list in ONE batch, so a pull that
  finds nothing costs one request; a kind whose first page is full continues
  with fast listing from there. Cursors (per kind, the newest modification
  seen, never later than when the pull started) live in SyncCursor; each pull
  looks back an overlap window before the cursor so nothing saved while a pull
  ran is missed.
- Reconcile: lists every kind's ids and removes rows Bitrix24 no longer has.
- Single records (`pull_records`): the records a Bitrix24 event named, read by
  id and applied like an incremental pull's rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kapusta_desktop.domain.events import DomainEvent
from kapusta_desktop.domain.stages import StageInfo, derive_kapusta_stage
from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.integrations.bitrix24.client import PAGE_SIZE, Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import NotFound
from kapusta_desktop.integrations.bitrix24.methods import Bitrix24Api
from kapusta_desktop.services.sync.cache import MODELS, ApplyStats, CacheWriter, EventRules, Resolver, now_utc
from kapusta_desktop.store.models import (
    Deal,
    Email,
    Lead,
    Phone,
    Pipeline,
    Stage,
    SyncCursor,
    UserManager,
)

log = logging.getLogger(__name__)

# Pull order matters: rows reference those pulled before them.
KINDS: tuple[str, ...] = ("company", "contact", "deal", "task", "lead")
FULL_DONE_CURSOR = "b24.full_done"
WRITE_CHUNK = 2500

ProgressCallback = Callable[[str, int, int | None], None]  # kind, rows done, rows expected (None: unknown)


@dataclass(frozen=True)
class KindQuery:
    kind: str
    method: str
    spec: m.EntitySpec
    date_field: str
    items_key: str | None = None
    result_id: str = "ID"

    def select(self) -> list[str]:
        keys = self.spec.select
        if self.kind == "deal":
            keys = [*keys, "CONTACT_ID", "CONTACT_IDS"]
        if self.kind == "task":
            keys = [k for k in keys if k != "CHANGED_DATE"] + ["CHANGED_DATE"]
        return keys


QUERIES: dict[str, KindQuery] = {
    "company": KindQuery("company", "crm.company.list", m.COMPANY, "DATE_MODIFY"),
    "contact": KindQuery("contact", "crm.contact.list", m.CONTACT, "DATE_MODIFY"),
    "deal": KindQuery("deal", "crm.deal.list", m.DEAL, "DATE_MODIFY"),
    "task": KindQuery("task", "tasks.task.list", m.TASK, "CHANGED_DATE", items_key="tasks", result_id="id"),
    "lead": KindQuery("lead", "crm.lead.list", m.LEAD, "DATE_MODIFY"),
}


@dataclass
class PullReport:
    full: bool = False
    rows: dict[str, int] = field(default_factory=dict)  # rows received per kind
    created: int = 0
    updated: int = 0
    merged: int = 0
    conflicts: int = 0
    deleted: int = 0
    bad_rows: int = 0  # rows that could not be read (logged, skipped)
    events: list[DomainEvent] = field(default_factory=list)

    def absorb(self, stats: ApplyStats) -> None:
        self.created += stats.created
        self.updated += stats.updated
        self.merged += stats.merged
        self.conflicts += stats.conflicts
        self.events.extend(stats.events)


def _cursor_get(name: str) -> str | None:
    row = SyncCursor.get_or_none(SyncCursor.name == name)
    return row.value if row else None


def _cursor_set(name: str, value: str) -> None:
    SyncCursor.insert(name=name, value=value, updated_at=now_utc()).on_conflict(
        conflict_target=[SyncCursor.name], update={SyncCursor.value: value, SyncCursor.updated_at: now_utc()}
    ).execute()


def contact_ids(items: list[dict[str, Any]]) -> list[int]:
    """A deal's contacts from `crm.deal.contact.items.get`: the primary first, then by SORT."""
    ordered = sorted(items, key=lambda i: (str(i.get("IS_PRIMARY")) != "Y", m.parse_int(i.get("SORT")) or 0))
    return [c for c in (m.parse_int(i.get("CONTACT_ID")) for i in ordered) if c]


def has_full_sync() -> bool:
    return _cursor_get(FULL_DONE_CURSOR) is not None


class Puller:
    def __init__(
        self,
        client: Bitrix24Client,
        *,
        overlap: dt.timedelta = dt.timedelta(seconds=60),
        rules: EventRules | None = None,
        on_progress: ProgressCallback | None = None,
        clock: Callable[[], dt.datetime] = now_utc,
    ) -> None:
        self.client = client
        self.api = Bitrix24Api(client)
        self.overlap = overlap
        self.rules = rules or EventRules()
        self.on_progress = on_progress or (lambda kind, done, total: None)
        self.clock = clock

    # ------------------------------------------------------------------ full

    async def full(self) -> PullReport:
        report = PullReport(full=True)
        started = self.clock()
        announce = has_full_sync()  # a first sync must not flood the desk with notices
        await self.pull_users()
        await self.pull_stages()
        totals = await self._totals()
        resolver = Resolver()
        writer = CacheWriter(resolver, announce=announce, rules=self.rules)
        for kind in KINDS:
            q = QUERIES[kind]
            newest: dt.datetime | None = None
            done = 0
            self.on_progress(kind, 0, totals.get(kind))
            buffered: list[m.RemoteRecord] = []
            async for page in self.client.list_all(
                q.method, select=q.select(), items_key=q.items_key, result_id_field=q.result_id
            ):
                buffered += self._parse(q, page, report)
                done += len(page)
                if len(buffered) >= WRITE_CHUNK:  # a request's worth of rows per transaction, not a page's
                    newest = max(newest, self._apply(writer, q, buffered, report), key=lambda d: d or dt.datetime.min)
                    buffered = []
                    self.on_progress(kind, done, totals.get(kind))
            if buffered:
                newest = max(newest, self._apply(writer, q, buffered, report), key=lambda d: d or dt.datetime.min)
            self.on_progress(kind, done, totals.get(kind))
            report.rows[kind] = done
            self._advance_cursor(kind, newest, started, replace=True)
        _cursor_set(FULL_DONE_CURSOR, started.isoformat())
        return report

    async def _totals(self) -> dict[str, int]:
        """Row counts for the progress bar: one batch of `start=0` pages (the only way to get `total`)."""
        cmds = {k: (QUERIES[k].method, {"select": ["ID"], "order": {"ID": "ASC"}, "start": 0}) for k in KINDS}
        try:
            res = await self.client.batch(cmds)
        except Exception as exc:  # progress is a nicety; the pull itself reports real failures
            log.info("row counts unavailable: %s", exc)
            return {}
        return dict(res.totals)

    async def pull_users(self) -> int:
        rows = await self.api.users()
        with UserManager._meta.database.atomic():
            for payload in rows:
                try:
                    u = m.user_from_remote(payload)
                except m.MappingError as exc:
                    log.warning("skipping a user: %s", exc)
                    continue
                data = {
                    "name": u.name[:200],
                    "email": u.email,
                    "phone": u.phone,
                    "active": u.active,
                    "department": u.department,
                }
                if u.extension:
                    data["mango_extension"] = u.extension
                row = UserManager.get_or_none(UserManager.b24_user_id == u.b24_id)
                if row is None:
                    UserManager.create(b24_user_id=u.b24_id, **data)
                else:
                    UserManager.update(**data).where(UserManager.id == row.id).execute()
        return len(rows)

    async def pull_stages(self) -> int:
        categories = await self.api.deal_categories()
        ids = {0: ("Общая", 0)}
        for cat in categories:
            cid = m.parse_int(cat.get("id", cat.get("ID")))
            if cid is not None:
                ids[cid] = (str(cat.get("name") or cat.get("NAME") or f"#{cid}"), m.parse_int(cat.get("sort")) or 500)
        stage_cmds = {
            cid: (
                "crm.status.list",
                {"filter": {"ENTITY_ID": "DEAL_STAGE" if cid == 0 else f"DEAL_STAGE_{cid}"}, "order": {"SORT": "ASC"}},
            )
            for cid in ids
        }
        res = await self.client.batch(stage_cmds)
        if res.errors:
            raise next(iter(res.errors.values()))
        count = 0
        with Stage._meta.database.atomic():
            for cid, (name, sort) in ids.items():
                pipeline = Pipeline.get_or_none(Pipeline.b24_id == cid)
                if pipeline is None:
                    pipeline = Pipeline.create(b24_id=cid, name=name[:200], sort=sort)
                elif (pipeline.name, pipeline.sort) != (name, sort):
                    pipeline.name, pipeline.sort = name[:200], sort
                    pipeline.save()
                stages = [m.stage_from_remote({**row, "CATEGORY_ID": cid}) for row in (res.results.get(cid) or [])]
                derived = derive_kapusta_stage(StageInfo(s.status_id, s.name, s.sort, s.semantics) for s in stages)
                for s in stages:
                    row = Stage.get_or_none(Stage.status_id == s.status_id)
                    if row is None:
                        row = Stage(status_id=s.status_id)
                    row.pipeline = pipeline.id
                    row.name, row.sort, row.semantics = s.name[:200], s.sort, s.semantics
                    if not row.mapping_edited:  # the operator's own mapping survives every pull
                        row.kapusta_stage = derived[s.status_id]
                    row.save()
                    count += 1
        return count

    # ------------------------------------------------------------------ incremental

    async def incremental(self) -> PullReport:
        """What changed since the cursors; one request when nothing did."""
        if not has_full_sync():
            return await self.full()
        report = PullReport()
        started = self.clock()
        since: dict[str, str] = {}
        cmds: dict[str, tuple[str, dict[str, Any]]] = {}
        for kind in KINDS:
            q = QUERIES[kind]
            since[kind] = self._since(kind)
            cmds[kind] = (
                q.method,
                {
                    "select": q.select(),
                    "order": {"ID": "ASC"},
                    "start": -1,
                    "filter": {f">{q.date_field}": since[kind]},
                },
            )
        res = await self.client.batch(cmds)
        if res.errors:
            raise next(iter(res.errors.values()))
        writer = CacheWriter(Resolver(), announce=True, rules=self.rules)
        for kind in KINDS:
            q = QUERIES[kind]
            page = res.results.get(kind) or []
            if q.items_key and isinstance(page, dict):
                page = page.get(q.items_key) or []
            newest = await self._apply_changed(writer, q, page, report) if page else None
            done = len(page)
            if len(page) >= PAGE_SIZE:  # more than one page changed: continue with fast listing
                last = m.parse_int(page[-1].get(q.result_id))
                async for more in self.client.list_all(
                    q.method,
                    select=q.select(),
                    items_key=q.items_key,
                    result_id_field=q.result_id,
                    filter={f">{q.date_field}": since[kind], ">ID": last},
                ):
                    n = await self._apply_changed(writer, q, more, report)
                    newest = max(newest, n, key=lambda d: d or dt.datetime.min)
                    done += len(more)
                    self.on_progress(kind, done, None)
            report.rows[kind] = done
            self._advance_cursor(kind, newest, started, paged=done >= PAGE_SIZE)
        return report

    async def _apply_changed(
        self, writer: CacheWriter, q: KindQuery, page: list[dict[str, Any]], report: PullReport
    ) -> dt.datetime | None:
        records = self._parse(q, page, report)
        if q.kind == "deal" and records:
            # Only deals that really changed: the overlap window brings back ones we already hold.
            known = dict(Deal.select(Deal.b24_id, Deal.remote_modified)
                         .where(Deal.b24_id.in_([r.b24_id for r in records])).tuples())
            await self._fill_contact_links([r for r in records if r.b24_id not in known
                                            or known[r.b24_id] != r.modified])
        return self._apply(writer, q, records, report) if records else None

    # ------------------------------------------------------------------ single records

    async def pull_records(self, wanted: Mapping[str, Iterable[int]]) -> PullReport:
        """Fetch these records by Bitrix24 id ({kind: ids}) and apply them as an incremental pull would.

        For a Bitrix24 event naming a record: one batch request per 50 reads (a deal takes two: the record and
        its contact set), the same merge with local edits, the same domain events. A record Bitrix24 no longer
        has is removed as reconcile would. The cursors stay: the next incremental pull looks from where it was.
        """
        report = PullReport()
        ids = {kind: sorted(set(wanted.get(kind, ()))) for kind in KINDS}
        cmds: dict[str, tuple[str, dict[str, Any]]] = {}
        for kind in KINDS:
            for b24 in ids[kind]:
                if kind == "task":
                    cmds[f"task:{b24}"] = ("tasks.task.get", {"taskId": b24, "select": QUERIES[kind].select()})
                else:
                    cmds[f"{kind}:{b24}"] = (f"crm.{kind}.get", {"id": b24})
                if kind == "deal":
                    cmds[f"links:{b24}"] = ("crm.deal.contact.items.get", {"id": b24})
        if not cmds:
            return report
        res = await self.client.batch(cmds)
        writer = CacheWriter(Resolver(), announce=True, rules=self.rules)
        for kind in KINDS:  # companies before the contacts and deals that name them
            q = QUERIES[kind]
            page: list[dict[str, Any]] = []
            gone: list[int] = []
            for b24 in ids[kind]:
                key = f"{kind}:{b24}"
                payload = res.results.get(key)
                if kind == "task" and isinstance(payload, dict):
                    payload = payload.get("task")
                if isinstance(res.errors.get(key), NotFound) or (kind == "task" and key in res.results and not payload):
                    gone.append(b24)  # deleted by the time we asked
                elif isinstance(payload, dict):
                    page.append(payload)
                else:
                    log.info("%s %s not read (%s); the next pull brings it", kind, b24, res.errors.get(key))
            records = self._parse(q, page, report)
            for rec in records if kind == "deal" else ():
                items = res.results.get(f"links:{rec.b24_id}")
                if isinstance(items, list):
                    rec.contact_ids = contact_ids(items)
            if records:
                self._apply(writer, q, records, report)
            if page:
                report.rows[kind] = len(page)
            report.deleted += self.remove_records(kind, gone)
        return report

    # Cursor per kind: the newest DATE_MODIFY taken in ("stamp") and when it last moved ("set_at", our clock).
    # For `overlap` after it moves, pulls look back `overlap` before the stamp, so a row whose save became
    # visible late (an older DATE_MODIFY) is still caught; after that, pulls ask strictly for newer rows, so
    # an idle desk costs one request with nothing in it.

    def _cursor(self, kind: str) -> tuple[dt.datetime | None, dt.datetime | None]:
        raw = _cursor_get(f"b24.{kind}.modified")
        if not raw:
            return None, None
        stamp, _, set_at = raw.partition("|")
        return dt.datetime.fromisoformat(stamp), (dt.datetime.fromisoformat(set_at) if set_at else None)

    def _since(self, kind: str) -> str:
        stamp, set_at = self._cursor(kind)
        if stamp is None:
            return "2000-01-01T00:00:00+00:00"
        if set_at is None or self.clock() - set_at < self.overlap:
            return m.format_datetime(stamp - self.overlap)
        return m.format_datetime(stamp)

    def _advance_cursor(
        self, kind: str, newest: dt.datetime | None, started: dt.datetime, *, replace: bool = False,
        paged: bool = False,
    ) -> None:
        old, _ = (None, None) if replace else self._cursor(kind)
        candidates = [d for d in (newest, old) if d is not None]
        if not candidates:
            value = started
        else:
            value = max(candidates)
            if replace or paged:
                # Listing took several requests: a row saved meanwhile may carry an older stamp than the
                # newest we saw. Never past the moment the pull started (and the look-back covers skew).
                value = min(value, started)
        if value != old:
            _cursor_set(f"b24.{kind}.modified", f"{value.isoformat()}|{self.clock().isoformat()}")

    @staticmethod
    def _parse(q: KindQuery, page: list[dict[str, Any]], report: PullReport) -> list[m.RemoteRecord]:
        records: list[m.RemoteRecord] = []
        for payload in page:
            try:
                records.append(m.record_from_remote(q.spec, payload))
            except m.MappingError as exc:
                report.bad_rows += 1
                log.warning("skipping a %s from Bitrix24: %s", q.kind, exc)
        if q.kind == "task":
            # Only tasks bound to a deal (or a contact) belong in the desk's cache.
            records = [r for r in records if r.values.get("deal") or r.values.get("contact")]
        return records

    async def _fill_contact_links(self, records: list[m.RemoteRecord]) -> None:
        """The whole contact set of changed deals (lists carry only the primary), 50 deals per request."""
        for start in range(0, len(records), 50):
            chunk = records[start : start + 50]
            res = await self.client.batch({r.b24_id: ("crm.deal.contact.items.get", {"id": r.b24_id}) for r in chunk})
            for rec in chunk:
                items = res.results.get(rec.b24_id)
                if isinstance(items, list):
                    rec.contact_ids = contact_ids(items)

    def _apply(
        self, writer: CacheWriter, q: KindQuery, records: list[m.RemoteRecord], report: PullReport
    ) -> dt.datetime | None:
        stats = ApplyStats()
        writer.apply_page(q.spec, records, stats)
        report.absorb(stats)
        stamps = [r.modified for r in records if r.modified is not None]
        return max(stamps) if stamps else None

    # ------------------------------------------------------------------ deletions

    async def reconcile(self, kinds: tuple[str, ...] = KINDS) -> int:
        """Remove cached rows whose Bitrix24 record is gone; returns how many."""
        removed = 0
        for kind in kinds:
            q = QUERIES[kind]
            remote: set[int] = set()
            async for page in self.client.list_all(
                q.method, select=["ID"], items_key=q.items_key, result_id_field=q.result_id
            ):
                remote.update(i for i in (m.parse_int(r.get(q.result_id)) for r in page) if i)
            removed += self._remove_missing(kind, remote)
        return removed

    @staticmethod
    def _remove_missing(kind: str, remote: set[int]) -> int:
        model = Lead if kind == "lead" else MODELS[kind]
        rows = model.select(model.b24_id).where(model.b24_id.is_null(False)).tuples()
        return Puller.remove_records(kind, [b24 for (b24,) in rows if b24 not in remote])

    @staticmethod
    def remove_records(kind: str, b24_ids: list[int]) -> int:
        """Drop cached rows of records deleted in Bitrix24; returns how many went.

        A row with an edit waiting to go out is not dropped but marked (the operator decides).
        """
        if not b24_ids:
            return 0
        if kind == "lead":
            gone = [lid for (lid,) in Lead.select(Lead.id).where(Lead.b24_id.in_(b24_ids)).tuples()]
            with Lead._meta.database.atomic():
                for start in range(0, len(gone), 500):
                    chunk = gone[start : start + 500]
                    Phone.delete().where((Phone.owner_type == "lead") & Phone.owner_id.in_(chunk)).execute()
                    Lead.delete().where(Lead.id.in_(chunk)).execute()
            return len(gone)
        model = MODELS[kind]
        gone_synced, gone_edited = [], []
        wanted = sorted(set(b24_ids))
        for start in range(0, len(wanted), 500):
            rows = model.select(model.id, model.sync_state).where(model.b24_id.in_(wanted[start : start + 500]))
            for local_id, state in rows.tuples():
                (gone_synced if state in (SyncState.SYNCED.value, SyncState.CONFLICT.value) else gone_edited).append(
                    local_id
                )
        with model._meta.database.atomic():
            for start in range(0, len(gone_synced), 500):
                chunk = gone_synced[start : start + 500]
                Phone.delete().where((Phone.owner_type == kind) & Phone.owner_id.in_(chunk)).execute()
                Email.delete().where((Email.owner_type == kind) & Email.owner_id.in_(chunk)).execute()
                model.delete().where(model.id.in_(chunk)).execute()
            if gone_edited:
                # An edit is waiting for a record someone deleted in Bitrix24: the operator decides.
                model.update(sync_state=SyncState.ERROR.value, sync_error="deleted in Bitrix24").where(
                    model.id.in_(gone_edited)
                ).execute()
        if gone_synced or gone_edited:
            log.info("%s: %d removed as deleted in Bitrix24, %d edited rows marked", kind, len(gone_synced),
                     len(gone_edited))
        return len(gone_synced)
