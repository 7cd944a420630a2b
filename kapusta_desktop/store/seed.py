"""Load generated sample data into the local cache, fast.

Used by `db seed`, `--demo` and the benchmarks. Rows go in as parameterised
multi-row batches inside one transaction (all or nothing); local ids are the
sample ids, and every mirrored row is `synced` with `b24_id` = that id, as if it
had just been pulled from a Bitrix24 portal holding the same sample data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

import peewee

from kapusta_desktop.domain.phones import DEFAULT_REGION, normalise
from kapusta_desktop.domain.sample_data import SampleData
from kapusta_desktop.domain.stages import DEFAULT_STAGES, derive_kapusta_stage
from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.store.db import database_proxy
from kapusta_desktop.store.models import (
    BaseModel,
    Company,
    Contact,
    Deal,
    DealContact,
    Email,
    Lead,
    Phone,
    Pipeline,
    Stage,
    Task,
    UserManager,
)
from kapusta_desktop.store.rawsql import quote_name
from kapusta_desktop.store.search_index import bulk_loading

CHUNK = 2000
DEFAULT_PIPELINE_NAME = "Общая"
SEEDED_OWNER_TYPES = ("contact", "company", "lead", "manager")
# Child tables first, so deleting for --replace never trips a foreign key.
_REPLACE_ORDER: tuple[type[BaseModel], ...] = (DealContact, Task, Deal, Contact, Company, Lead, UserManager)
_CHECK_EMPTY: tuple[type[BaseModel], ...] = (UserManager, Company, Contact, Deal, Task, Lead)


class SeedError(RuntimeError):
    pass


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    invalid_phones: int = 0

    def lines(self) -> list[str]:
        out = [f"{name}: {count}" for name, count in self.counts.items()]
        if self.invalid_phones:
            out.append(f"phones not recognised as numbers (kept as typed): {self.invalid_phones}")
        out.append(f"time: {self.seconds:.1f} s")
        return out


def _utc(moment: dt.datetime) -> str:
    """The store keeps naive UTC; written in peewee's own text form so both SQLite and PostgreSQL take it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return str(moment)[:19]  # "YYYY-MM-DD HH:MM:SS"; str() is several times faster than strftime


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def bulk_insert(db: peewee.Database, model: type[BaseModel], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert value tuples (already in database form) in chunks; returns the row count."""
    meta = model._meta
    names = ", ".join(quote_name(db, meta.fields[c].column_name) for c in columns)
    sql = f"INSERT INTO {quote_name(db, meta.table_name)} ({names}) VALUES ({', '.join([db.param] * len(columns))})"
    total = 0
    cursor = db.cursor()
    for chunk in _chunks(rows, CHUNK):
        cursor.executemany(sql, chunk)
        total += len(chunk)
    return total


def _uuid_factory() -> Callable[[], str]:
    """Random version-4 UUID strings, without uuid.uuid4()'s per-call os.urandom and object cost."""
    bits = random.Random(os.urandom(32)).getrandbits
    clear = ~((0xF000 << 64) | (0xC000 << 48))
    mark = (0x4000 << 64) | (0x8000 << 48)

    def make() -> str:
        h = f"{(bits(128) & clear) | mark:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    return make


def _synced_columns() -> list[str]:
    return ["b24_id", "origin_id", "sync_state", "remote_modified", "local_modified", "deleted"]


def _synced_values(item_id: int, modified: dt.datetime, new_uuid: Callable[[], str]) -> tuple:
    moment = _utc(modified)
    return (item_id, new_uuid(), SyncState.SYNCED.value, moment, moment, False)


def _is_empty(model: type[BaseModel]) -> bool:
    return not model.select(peewee.SQL("1")).limit(1).exists()


def _ensure_default_pipeline() -> int:
    pipeline, _created = Pipeline.get_or_create(b24_id=0, defaults={"name": DEFAULT_PIPELINE_NAME, "sort": 0})
    mapping = derive_kapusta_stage(DEFAULT_STAGES)
    existing = {s.status_id for s in Stage.select(Stage.status_id).where(Stage.pipeline == pipeline)}
    added = 0
    for stage in DEFAULT_STAGES:
        if stage.status_id in existing:
            continue
        Stage.create(
            pipeline=pipeline,
            status_id=stage.status_id,
            name=stage.name,
            sort=stage.sort,
            semantics=stage.semantics,
            kapusta_stage=mapping[stage.status_id],
        )
        added += 1
    return added


def _fix_sequences(db: peewee.Database, models: Iterable[type[BaseModel]]) -> None:
    """Explicit ids do not move PostgreSQL's id sequences; move them past the seeded rows."""
    if not isinstance(db, peewee.PostgresqlDatabase):
        return
    for model in models:
        table = model._meta.table_name
        top = f"COALESCE((SELECT MAX(id) FROM {quote_name(db, table)}), 1)"
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})")


@contextlib.contextmanager
def _indexes_suspended(db: peewee.Database, models: Iterable[type[BaseModel]]) -> Iterator[None]:
    """Drop the tables' secondary indexes for the load and build them once at the end (SQLite only).

    Building an index over loaded rows is several times faster than keeping a
    dozen of them up to date row by row. Runs inside the caller's transaction,
    so a failure restores them with everything else.
    """
    if not isinstance(db, peewee.SqliteDatabase):
        yield
        return
    tables = [m._meta.table_name for m in models]
    marks = ", ".join("?" for _ in tables)
    saved = db.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for name, _sql in saved:
        db.execute_sql(f"DROP INDEX {quote_name(db, name)}")
    yield
    for _name, sql in saved:
        db.execute_sql(sql)


def seed(
    data: SampleData,
    *,
    replace: bool = False,
    region: str = DEFAULT_REGION,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Load `data` into the bound cache in one transaction.

    Refuses a cache that already holds managers, companies, contacts, deals,
    tasks or leads unless `replace` is set, which first deletes those rows and
    their phones and e-mails (tenders, calls and outbox entries stay, their
    links to deleted rows are cleared by the foreign keys).
    """
    db = database_proxy.obj
    if db is None:
        raise SeedError("the database is not initialised")
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    report = SeedReport()
    new_uuid = _uuid_factory()

    with db.atomic(), contextlib.ExitStack() as stack:
        if not replace:
            busy = [m._meta.table_name for m in _CHECK_EMPTY if not _is_empty(m)]
            if busy:
                raise SeedError(f"the cache already holds data ({', '.join(busy)}); seed with replace to wipe it first")
        # The search tables' per-row triggers would cost more than the load itself: suspend them
        # and refill the tables once at the end, still inside this transaction.
        stack.enter_context(bulk_loading(db))
        if replace:
            Phone.delete().where(Phone.owner_type.in_(SEEDED_OWNER_TYPES)).execute()
            Email.delete().where(Email.owner_type.in_(SEEDED_OWNER_TYPES)).execute()
            for model in _REPLACE_ORDER:
                model.delete().execute()
        # After the deletes: those need the indexes to find the rows that point at what they delete.
        stack.enter_context(_indexes_suspended(db, (*_REPLACE_ORDER, Phone, Email)))

        report.counts["stages"] = _ensure_default_pipeline()

        say("managers")
        report.counts["managers"] = bulk_insert(
            db,
            UserManager,
            ["id", "name", "email", "phone", "telegram_id", "b24_user_id", "mango_extension", "role", "active",
             "department"],
            (
                (m.id, f"{m.name} {m.last_name}", m.email, m.phone, m.telegram_id, m.id, m.extension,
                 "admin" if m.is_admin else "manager", True, m.department)
                for m in data.managers
            ),
        )

        say("companies")
        synced = _synced_columns()
        report.counts["companies"] = bulk_insert(
            db,
            Company,
            ["id", *synced, "title", "inn", "kpp", "site", "is_vip", "responsible"],
            (
                (c.id, *_synced_values(c.id, c.modified, new_uuid), c.title, c.inn, c.kpp or None, c.site, c.is_vip,
                 c.responsible_id)
                for c in data.companies
            ),
        )

        say("contacts")
        report.counts["contacts"] = bulk_insert(
            db,
            Contact,
            ["id", *synced, "name", "second_name", "last_name", "position", "company", "responsible"],
            (
                (c.id, *_synced_values(c.id, c.modified, new_uuid), c.name, c.second_name, c.last_name, c.position,
                 c.company_id, c.responsible_id)
                for c in data.contacts
            ),
        )

        say("deals")
        semantics = {s.status_id: s.semantics for s in DEFAULT_STAGES}
        vip = {c.id for c in data.companies if c.is_vip}
        report.counts["deals"] = bulk_insert(
            db,
            Deal,
            ["id", *synced, "title", "pipeline_id", "stage_id", "amount", "currency", "company", "responsible",
             "source_id", "is_vip", "closed", "date_create"],
            (
                (d.id, *_synced_values(d.id, d.modified, new_uuid), d.title, d.pipeline_id, d.stage_id, str(d.amount),
                 d.currency, d.company_id, d.responsible_id, d.source_id, d.company_id in vip,
                 semantics.get(d.stage_id, "process") != "process", _utc(d.created))
                for d in data.deals
            ),
        )
        report.counts["deal_contacts"] = bulk_insert(
            db,
            DealContact,
            ["deal", "contact", "is_primary", "sort"],
            (
                (d.id, contact_id, i == 0, 10 * (i + 1))
                for d in data.deals
                for i, contact_id in enumerate(d.contact_ids)
            ),
        )

        say("tasks")
        report.counts["tasks"] = bulk_insert(
            db,
            Task,
            ["id", *synced, "title", "description", "deadline", "status", "responsible", "deal"],
            (
                (t.id, *_synced_values(t.id, t.modified, new_uuid), t.title, t.description, _utc(t.deadline),
                 t.status, t.responsible_id, t.deal_id)
                for t in data.tasks
            ),
        )

        say("leads")
        report.counts["leads"] = bulk_insert(
            db,
            Lead,
            ["id", "b24_id", "title", "name", "company_title", "status_id", "source_id", "responsible", "currency",
             "date_create", "remote_modified"],
            (
                (x.id, x.id, x.title, f"{x.name} {x.last_name}", x.company_title, x.status_id, x.source_id,
                 x.responsible_id, "RUB", _utc(x.created), _utc(x.modified))
                for x in data.leads
            ),
        )

        say("phones")
        invalid = [0]

        def phone_values() -> Iterator[tuple]:
            owners: list[tuple[str, Iterable]] = [
                ("manager", ((m.id, ((m.phone, "MOBILE"),)) for m in data.managers)),
                ("company", ((c.id, ((p.value, p.value_type) for p in c.phones)) for c in data.companies)),
                ("contact", ((c.id, ((p.value, p.value_type) for p in c.phones)) for c in data.contacts)),
                ("lead", ((x.id, ((p.value, p.value_type) for p in x.phones)) for x in data.leads)),
            ]
            for owner_type, items in owners:
                for owner_id, phones in items:
                    for raw, value_type in phones:
                        norm = normalise(raw, region)
                        if norm.e164 is None:
                            invalid[0] += 1
                        yield (owner_type, owner_id, raw[:100], norm.e164, norm.extension if norm.e164 else None,
                               value_type)

        report.counts["phones"] = bulk_insert(
            db, Phone, ["owner_type", "owner_id", "raw", "e164", "extension", "value_type"], phone_values()
        )
        report.invalid_phones = invalid[0]

        say("emails")
        report.counts["emails"] = bulk_insert(
            db,
            Email,
            ["owner_type", "owner_id", "value", "value_type"],
            (
                *(("manager", m.id, m.email, "WORK") for m in data.managers),
                *(("company", c.id, e, "WORK") for c in data.companies for e in c.emails),
                *(("contact", c.id, e, "WORK") for c in data.contacts for e in c.emails),
            ),
        )
        _fix_sequences(db, (UserManager, Company, Contact, Deal, Task, Lead))

    report.seconds = time.perf_counter() - started
    return report
