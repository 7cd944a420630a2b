"""The caller card's SQL: right rows, and every probe on an index (EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kapusta_desktop.domain.sample_data import generate
from kapusta_desktop.store import caller_sql
from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Task
from kapusta_desktop.store.seed import seed


def test_every_probe_uses_an_index(db) -> None:  # type: ignore[no-untyped-def]
    seed(generate(companies=60, seed=3))
    # With statistics SQLite is tempted by the flag indexes, and scans for mostly-NULL foreign keys.
    db.execute_sql("ANALYZE")
    checks = [
        (caller_sql.statement("deals_of_contact"), [1, 1]),
        (caller_sql.statement("deals_of_company"), [1]),
        (caller_sql.statement("last_calls"), ["+79161234567"]),
        (caller_sql._by_ids(db, "contacts", 2, caller_sql._contacts_sql), [1, 2]),
        (caller_sql._by_ids(db, "companies", 1, caller_sql._companies_sql), [1]),
        (caller_sql._by_ids(db, "leads", 1, caller_sql._leads_sql), [1]),
        (caller_sql._tasks_sql(db, "(?, ?)", True), [1, 2, 1]),
    ]
    for sql, params in checks:
        for line in caller_sql.explain(sql, params):
            if line.startswith("SCAN") and "SUBQUERY" not in line and "CONSTANT" not in line:
                raise AssertionError(f"full scan: {line} in {sql}")
            assert "closed" not in line and "deleted" not in line, line


def test_open_deals_and_tasks_newest_first_closed_and_deleted_left_out(db) -> None:  # type: ignore[no-untyped-def]
    company = Company.create(title="ООО «Тест»", is_vip=True)
    other = Company.create(title="Другая")
    contact = Contact.create(name="Анна", last_name="Иванова", company=company)
    day = dt.datetime(2026, 1, 1)
    own = Deal.create(title="своя", company=other, date_create=day + dt.timedelta(days=3), amount=Decimal("10.50"))
    DealContact.create(deal=own, contact=contact)
    newer = Deal.create(title="компании", company=company, date_create=day + dt.timedelta(days=5))
    Deal.create(title="закрыта", company=company, closed=True, date_create=day + dt.timedelta(days=9))
    Deal.create(title="удалена", company=company, deleted=True, date_create=day + dt.timedelta(days=9))
    Task.create(title="позже", deal=own, deadline=day + dt.timedelta(days=2))
    Task.create(title="раньше", contact=contact, deadline=day + dt.timedelta(days=1))
    Task.create(title="без срока", deal=newer)
    Task.create(title="готово", deal=own, status=5)
    Task.create(title="удалена", deal=own, deleted=True)

    [row] = caller_sql.contacts([contact.id])
    assert row[2] == "Иванова Анна" and row[4] == company.id and row[5] == "ООО «Тест»" and row[6] is True
    deals = caller_sql.open_deals_of_contact(contact.id, company.id)
    assert [d[2] for d in deals] == ["компании", "своя"]
    assert deals[1][4] == Decimal("10.50")
    assert [d[2] for d in caller_sql.open_deals_of_company(company.id)] == ["компании"]
    tasks = caller_sql.open_tasks([d[0] for d in deals], contact.id)
    assert [t[1] for t in tasks] == ["раньше", "позже", "без срока"]
    assert tasks[0][2] == day + dt.timedelta(days=1)
    assert caller_sql.open_tasks([], None) == [] and caller_sql.contacts([]) == []
