"""The caller card's hand-written SQL: a handful of index probes per incoming call.

Each statement is built once per database from the models' own table and
column names and kept. Filters on the low-selectivity indexed flags
(`closed`, `deleted`, task `status`) are written `+col`, and the foreign-key
probes name their index, so SQLite never walks a flag index or scans a table,
even after ANALYZE (checked with EXPLAIN QUERY PLAN in
tests/store/test_caller_sql.py). Rows come back as tuples;
values are converted with the models' own field converters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import peewee

from kapusta_desktop.store.db import database_proxy
from kapusta_desktop.store.models import CallRecord, Company, Contact, Deal, DealContact, Lead, Task, UserManager
from kapusta_desktop.store.rawsql import quote_name

MAX_DEALS = 8
MAX_TASKS = 8
MAX_CALLS = 5
OPEN_TASK_STATUSES = (2, 3, 4, 6)

ContactRow = tuple[int, int | None, str, int | None, int | None, str | None, bool, int | None]
CompanyRow = tuple[int, int | None, str, bool, int | None]
LeadRow = tuple[int, int | None, str, str | None, int | None]
DealRow = tuple[int, int | None, str, str, Decimal, str, bool, int | None]
TaskRow = tuple[int, str, dt.datetime | None, int]
CallRow = tuple[int, dt.datetime, int, str, int, str | None]

_CACHE: dict[tuple[int, str], str] = {}


def _db() -> peewee.Database:
    db = database_proxy.obj
    if db is None:
        raise RuntimeError("the database is not initialised")
    return db


def _t(db: peewee.Database, model: type[peewee.Model]) -> str:
    return quote_name(db, model._meta.table_name)


def _c(db: peewee.Database, field: peewee.Field) -> str:
    return quote_name(db, field.column_name)


def _statement(db: peewee.Database, name: str) -> str:
    key = (id(db), name)
    sql = _CACHE.get(key)
    if sql is None:
        sql = _CACHE[key] = _BUILDERS[name](db)
    return sql


def _on_index(db: peewee.Database, field: peewee.Field) -> str:
    """` INDEXED BY <the field's index>` on SQLite: once `ANALYZE` has seen a foreign key that is mostly
    NULL, SQLite would rather scan the table than probe that index (EXPLAIN QUERY PLAN showed it)."""
    if not isinstance(db, peewee.SqliteDatabase):
        return ""
    table = field.model._meta.table_name
    name = f"{table}_{field.column_name}"
    key = (id(db), f"indexes:{table}")
    known = _CACHE.get(key)
    if known is None:
        known = _CACHE[key] = "\n".join(i.name for i in db.get_indexes(table))
    return f" INDEXED BY {quote_name(db, name)}" if name in known.split("\n") else ""


def _unindexed(db: peewee.Database, column: str) -> str:
    """`+col` on SQLite (an expression: no index walked for it); PostgreSQL has no unary plus for every type."""
    return f"+{column}" if isinstance(db, peewee.SqliteDatabase) else column


def _off(db: peewee.Database, column: str) -> str:
    """A boolean flag is false: `+col = 0` on SQLite, `col = FALSE` on PostgreSQL (no boolean = integer there)."""
    return f"{_unindexed(db, column)} = 0" if isinstance(db, peewee.SqliteDatabase) else f"{column} = FALSE"


def _deal_columns(db: peewee.Database, alias: str) -> str:
    cols = (Deal.id, Deal.b24_id, Deal.title, Deal.stage_id, Deal.amount, Deal.currency, Deal.is_vip,
            Deal.responsible, Deal.date_create)
    return ", ".join(f"{alias}.{_c(db, f)}" for f in cols)


def _open_deal(db: peewee.Database, alias: str) -> str:
    return f"{_off(db, f'{alias}.{_c(db, Deal.closed)}')} AND {_off(db, f'{alias}.{_c(db, Deal.deleted)}')}"


def _deals_of_contact(db: peewee.Database) -> str:
    p = db.param
    return (
        f"SELECT {_deal_columns(db, 'd')} FROM {_t(db, Deal)} d "
        f"WHERE d.{_c(db, Deal.id)} IN (SELECT {_c(db, DealContact.deal)} FROM {_t(db, DealContact)}"
        f"{_on_index(db, DealContact.contact)} WHERE {_c(db, DealContact.contact)} = {p}) AND {_open_deal(db, 'd')} "
        f"UNION SELECT {_deal_columns(db, 'd')} FROM {_t(db, Deal)} d{_on_index(db, Deal.company)} "
        f"WHERE d.{_c(db, Deal.company)} = {p} AND {_open_deal(db, 'd')} "
        f"ORDER BY 9 DESC, 1 DESC LIMIT {MAX_DEALS}"  # DESC puts a missing date last
    )


def _deals_of_company(db: peewee.Database) -> str:
    return (
        f"SELECT {_deal_columns(db, 'd')} FROM {_t(db, Deal)} d{_on_index(db, Deal.company)} "
        f"WHERE d.{_c(db, Deal.company)} = {db.param} AND {_open_deal(db, 'd')} "
        f"ORDER BY 9 DESC, 1 DESC LIMIT {MAX_DEALS}"  # DESC puts a missing date last
    )


def _task_select(db: peewee.Database, probe: peewee.Field) -> str:
    # `+deadline`: an expression, so SQLite cannot answer the ORDER BY by walking the deadline index.
    cols = (f"t.{_c(db, Task.id)}, t.{_c(db, Task.title)}, {_unindexed(db, f't.{_c(db, Task.deadline)}')}, "
            f"t.{_c(db, Task.status)}")
    statuses = ", ".join(str(s) for s in OPEN_TASK_STATUSES)
    return (f"SELECT {cols} FROM {_t(db, Task)} t{_on_index(db, probe)} "
            f"WHERE {_unindexed(db, f't.{_c(db, Task.status)}')} IN ({statuses}) "
            f"AND {_off(db, f't.{_c(db, Task.deleted)}')} AND ")


def _tasks_sql(db: peewee.Database, deal_ids: str | None, by_contact: bool) -> str:
    """Two index probes joined by UNION (an OR would let SQLite scan the table)."""
    parts: list[str] = []
    if deal_ids is not None:
        parts.append(_task_select(db, Task.deal) + f"t.{_c(db, Task.deal)} IN {deal_ids}")
    if by_contact:
        parts.append(_task_select(db, Task.contact) + f"t.{_c(db, Task.contact)} = {db.param}")
    return " UNION ".join(parts) + f" ORDER BY 3 NULLS LAST, 1 LIMIT {MAX_TASKS}"


def _last_calls(db: peewee.Database) -> str:
    cols = ", ".join(_c(db, f) for f in (CallRecord.id, CallRecord.started_at, CallRecord.direction,
                                          CallRecord.result, CallRecord.talk_seconds, CallRecord.extension))
    return (f"SELECT {cols} FROM {_t(db, CallRecord)}{_on_index(db, CallRecord.e164)} "
            f"WHERE {_c(db, CallRecord.e164)} = {db.param} "
            f"ORDER BY {_c(db, CallRecord.started_at)} DESC LIMIT {MAX_CALLS}")


def _managers(db: peewee.Database) -> str:
    return f"SELECT {_c(db, UserManager.id)}, {_c(db, UserManager.name)} FROM {_t(db, UserManager)}"


_BUILDERS = {
    "deals_of_contact": _deals_of_contact,
    "deals_of_company": _deals_of_company,
    "last_calls": _last_calls,
    "managers": _managers,
}


def _in(db: peewee.Database, count: int) -> str:
    return "(" + ", ".join([db.param] * count) + ")"


def _by_ids(db: peewee.Database, name: str, count: int, build: Callable[[peewee.Database, str], str]) -> str:
    """A statement with `IN (?, ?, ...)` for `count` ids, built once per count."""
    key = (id(db), f"{name}:{count}")
    sql = _CACHE.get(key)
    if sql is None:
        sql = _CACHE[key] = build(db, _in(db, count))
    return sql


def _contacts_sql(db: peewee.Database, ids: str) -> str:
    c, co = "c", "co"
    return (
        f"SELECT {c}.{_c(db, Contact.id)}, {c}.{_c(db, Contact.b24_id)}, {c}.{_c(db, Contact.last_name)}, "
        f"{c}.{_c(db, Contact.name)}, {c}.{_c(db, Contact.second_name)}, {c}.{_c(db, Contact.responsible)}, "
        f"{co}.{_c(db, Company.id)}, {co}.{_c(db, Company.title)}, {co}.{_c(db, Company.is_vip)}, "
        f"{co}.{_c(db, Company.responsible)} "
        f"FROM {_t(db, Contact)} {c} LEFT JOIN {_t(db, Company)} {co} "
        f"ON {co}.{_c(db, Company.id)} = {c}.{_c(db, Contact.company)} "
        f"WHERE {c}.{_c(db, Contact.id)} IN {ids} AND {_off(db, f'{c}.{_c(db, Contact.deleted)}')}"
    )


def _companies_sql(db: peewee.Database, ids: str) -> str:
    cols = ", ".join(_c(db, f) for f in (Company.id, Company.b24_id, Company.title, Company.is_vip,
                                         Company.responsible))
    return (f"SELECT {cols} FROM {_t(db, Company)} WHERE {_c(db, Company.id)} IN {ids} "
            f"AND {_off(db, _c(db, Company.deleted))}")


def _leads_sql(db: peewee.Database, ids: str) -> str:
    cols = ", ".join(_c(db, f) for f in (Lead.id, Lead.b24_id, Lead.name, Lead.title, Lead.company_title,
                                         Lead.responsible))
    return f"SELECT {cols} FROM {_t(db, Lead)} WHERE {_c(db, Lead.id)} IN {ids}"


def contacts(ids: Sequence[int]) -> list[ContactRow]:
    """(id, b24_id, full name, responsible, company id, company title, company VIP, company responsible)."""
    if not ids:
        return []
    db = _db()
    sql = _by_ids(db, "contacts", len(ids), _contacts_sql)
    out: list[ContactRow] = []
    for cid, b24, last, first, second, resp, co_id, co_title, co_vip, _co_resp in db.execute_sql(sql, list(ids)):
        name = " ".join(p for p in (last, first, second) if p)
        out.append((cid, b24, name, resp, co_id, co_title, bool(co_vip), _co_resp))
    return out


def companies(ids: Sequence[int]) -> list[CompanyRow]:
    """(id, b24_id, title, VIP, responsible) of companies not deleted."""
    if not ids:
        return []
    db = _db()
    sql = _by_ids(db, "companies", len(ids), _companies_sql)
    return [(i, b, t, bool(v), r) for i, b, t, v, r in db.execute_sql(sql, list(ids))]


def leads(ids: Sequence[int]) -> list[LeadRow]:
    """(id, b24_id, name or title, company title, responsible)."""
    if not ids:
        return []
    db = _db()
    sql = _by_ids(db, "leads", len(ids), _leads_sql)
    return [(i, b, n or t, ct, r) for i, b, n, t, ct, r in db.execute_sql(sql, list(ids))]


def _deal_row(row: tuple[Any, ...]) -> DealRow:
    i, b24, title, stage, amount, currency, vip, resp, _created = row
    return (i, b24, title, stage, Deal.amount.python_value(amount), currency, bool(vip), resp)


def open_deals_of_contact(contact_id: int, company_id: int | None) -> list[DealRow]:
    """Open deals the contact is on or its company has, newest first (at most MAX_DEALS)."""
    db = _db()
    # A contact without a company: the second probe asks for company NULL, which matches nothing.
    rows = db.execute_sql(_statement(db, "deals_of_contact"), (contact_id, company_id))
    return [_deal_row(r) for r in rows]


def open_deals_of_company(company_id: int) -> list[DealRow]:
    db = _db()
    return [_deal_row(r) for r in db.execute_sql(_statement(db, "deals_of_company"), (company_id,))]


def open_tasks(deal_ids: Sequence[int], contact_id: int | None) -> list[TaskRow]:
    """Open tasks on these deals or this contact, earliest deadline first (at most MAX_TASKS)."""
    db = _db()
    params: list[Any] = [*deal_ids] + ([contact_id] if contact_id is not None else [])
    if not params:
        return []
    sql = _by_ids(db, f"tasks:{contact_id is not None}", len(deal_ids),
                  lambda d, ids: _tasks_sql(d, ids if deal_ids else None, contact_id is not None))
    convert = Task.deadline.python_value
    return [(i, title, convert(deadline), status) for i, title, deadline, status in db.execute_sql(sql, params)]


def last_calls(e164: str) -> list[CallRow]:
    db = _db()
    convert = CallRecord.started_at.python_value
    return [(i, convert(at), d, r, talk, ext) for i, at, d, r, talk, ext in
            db.execute_sql(_statement(db, "last_calls"), (e164,))]


def manager_names() -> dict[int, str]:
    db = _db()
    return {i: n for i, n in db.execute_sql(_statement(db, "managers"))}


def explain(sql: str, params: Sequence[Any]) -> list[str]:
    """EXPLAIN QUERY PLAN details (SQLite), for the tests that keep these probes on their indexes."""
    return [str(row[-1]) for row in _db().execute_sql("EXPLAIN QUERY PLAN " + sql, list(params))]


def statement(name: str) -> str:
    return _statement(_db(), name)
