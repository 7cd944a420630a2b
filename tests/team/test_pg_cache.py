"""The cache on PostgreSQL: the whole schema, the console's lists and searches (ILIKE), the editing service."""

from __future__ import annotations

from decimal import Decimal

import peewee
import pytest

from kapusta_desktop.services.editing import (
    CompanyInput,
    ContactInput,
    DealInput,
    EditingService,
    PhoneInput,
    TaskInput,
    ValidationError,
)
from kapusta_desktop.store.listing import LISTINGS, ListQuery
from kapusta_desktop.store.migrations import current_version, latest_version, migrate
from kapusta_desktop.store.models import ALL_MODELS, Company, Deal, OutboxEntry, Phone, Task, UserManager
from kapusta_desktop.store.search_index import has_search_index


def test_a_new_postgresql_database_gets_the_whole_schema_at_the_current_version(pg_db: peewee.Database) -> None:
    assert isinstance(pg_db, peewee.PostgresqlDatabase)
    assert current_version(pg_db) == latest_version()
    tables = set(pg_db.get_tables())
    for model in ALL_MODELS:
        name = model._meta.table_name
        assert name in tables, name
        columns = {c.name for c in pg_db.get_columns(name)}
        assert {f.column_name for f in model._meta.sorted_fields} <= columns, name
    assert not has_search_index(pg_db)  # FTS5 is SQLite's; the lists fall back to ILIKE
    assert migrate(pg_db) == latest_version()  # opening again changes nothing
    assert current_version(pg_db) == latest_version()


@pytest.fixture
def records(pg_db: peewee.Database) -> dict[str, object]:
    ivan = UserManager.create(name="Иван Петров", b24_user_id=1)
    olga = UserManager.create(name="Ольга Смирнова", b24_user_id=2)
    romashka = Company.create(title="ООО Ромашка", inn="7707083893", b24_id=10, responsible=ivan)
    vasilek = Company.create(title="АО Василёк", b24_id=11, responsible=olga)
    Phone.create(owner_type="company", owner_id=romashka.id, raw="+7 495 123-45-67", e164="+74951234567")
    deals = [
        Deal.create(title="Охрана склада", stage_id="NEW", amount=Decimal("100"), company=romashka, responsible=ivan),
        Deal.create(title="ОХРАНА офиса", stage_id="WON", amount=Decimal("300"), company=vasilek, responsible=olga),
        Deal.create(title="Видеонаблюдение", stage_id="NEW", amount=Decimal("200"), company=vasilek,
                    responsible=ivan, sync_state="error", sync_error="refused"),
    ]
    return {"ivan": ivan, "olga": olga, "romashka": romashka, "vasilek": vasilek, "deals": deals}


def _titles(rows: list[tuple]) -> list[str]:
    return [row[3] for row in rows]


def test_deal_list_searches_any_case_by_ilike_and_filters_sorts_and_pages(records: dict) -> None:
    listing = LISTINGS["deal"]()
    assert not listing.uses_fts()
    everything = ListQuery()
    assert listing.count(everything) == 3
    assert _titles(listing.page(everything, 0, 10)) == ["Видеонаблюдение", "ОХРАНА офиса", "Охрана склада"]

    # Cyrillic in any case, a word of the company's title, two words that must both match.
    assert sorted(_titles(listing.page(ListQuery(search="охрана"), 0, 10))) == ["ОХРАНА офиса", "Охрана склада"]
    assert _titles(listing.page(ListQuery(search="ромашка"), 0, 10)) == ["Охрана склада"]
    assert _titles(listing.page(ListQuery(search="охрана ВАСИЛЁК"), 0, 10)) == ["ОХРАНА офиса"]
    assert listing.count_upto(ListQuery(search="охрана"), 1) == 1
    assert listing.count(ListQuery(search="нет такого")) == 0

    # A phone in human format finds the company's deals.
    assert _titles(listing.page(ListQuery(search="8 (495) 123-45-67"), 0, 10)) == ["Охрана склада"]

    # Filters, sorting, paging and keyset paging.
    ivan = records["ivan"]
    assert listing.count(ListQuery(responsible_id=ivan.id)) == 2
    assert _titles(listing.page(ListQuery(stage_id="WON"), 0, 10)) == ["ОХРАНА офиса"]
    assert _titles(listing.page(ListQuery(sync_states=frozenset({"error"})), 0, 10)) == ["Видеонаблюдение"]
    by_amount = ListQuery(sort_key="amount", descending=True)
    assert _titles(listing.page(by_amount, 0, 10)) == ["ОХРАНА офиса", "Видеонаблюдение", "Охрана склада"]
    assert _titles(listing.page(by_amount, 1, 1)) == ["Видеонаблюдение"]
    newest = listing.page(everything, 0, 1)
    assert _titles(listing.page(everything, 0, 10, before_id=newest[0][0])) == ["ОХРАНА офиса", "Охрана склада"]
    assert listing.position_of(by_amount, records["deals"][0].id) == 2
    assert Deal.select().where(listing.where(ListQuery(search="склад"))).count() == 1


def test_company_contact_and_task_lists_work_on_postgresql(records: dict, pg_db: peewee.Database) -> None:
    service = EditingService(pg_db)
    service.save_contact(None, ContactInput(name="Пётр", last_name="Сидоров", company_id=records["romashka"].id,
                                            phones=[PhoneInput("+7 916 000-11-22", "MOBILE")]))
    service.save_task(None, TaskInput(title="Позвонить по охране", deal_id=records["deals"][0].id,
                                      responsible_id=records["ivan"].id))

    companies = LISTINGS["company"]()
    assert _titles(companies.page(ListQuery(search="ромаш"), 0, 10)) == ["ООО Ромашка"]
    assert _titles(companies.page(ListQuery(search="7707"), 0, 10)) == ["ООО Ромашка"]  # INN prefix
    assert companies.count(ListQuery(sort_key="inn")) == 2

    contacts = LISTINGS["contact"]()
    rows = contacts.page(ListQuery(search="СИДОРОВ"), 0, 10)
    assert [(row[3], row[5], row[6]) for row in rows] == [("Сидоров Пётр", "ООО Ромашка", "+7 916 000-11-22")]
    assert len(contacts.page(ListQuery(search="+7 916 000 11 22"), 0, 10)) == 1
    assert len(contacts.page(ListQuery(sort_key="name"), 0, 10)) == 1

    tasks = LISTINGS["task"]()
    assert _titles(tasks.page(ListQuery(search="охран"), 0, 10)) == ["Позвонить по охране"]
    assert tasks.count(ListQuery(stage_id="2", sort_key="deal")) == 1


def test_editing_service_saves_in_one_transaction_with_one_outbox_entry(records: dict, pg_db: peewee.Database) -> None:
    service = EditingService(pg_db)
    deal = records["deals"][0]
    deal.b24_id = 5
    deal.save()
    service.save_deal(deal.id, DealInput(title="Охрана склада на Ленина", stage_id="WON", amount="150 000,50",
                                         company_id=deal.company_id, responsible_id=deal.responsible_id))
    saved = Deal.get_by_id(deal.id)
    assert (saved.title, saved.stage_id, saved.amount, saved.sync_state) == (
        "Охрана склада на Ленина", "WON", Decimal("150000.50"), "pending")
    assert saved.base_values == {"title": "Охрана склада", "stage_id": "NEW", "amount": "100.00"}
    entries = list(OutboxEntry.select())
    assert [(e.entity_type, e.entity_id, e.op) for e in entries] == [("deal", deal.id, "update")]
    assert sorted(entries[0].payload["fields"]) == ["amount", "stage_id", "title"]

    company = service.save_company(None, CompanyInput(title="ИП Новиков", phones=[PhoneInput("8 812 555-00-00")]))
    assert Phone.get((Phone.owner_type == "company") & (Phone.owner_id == company.id)).e164 == "+78125550000"
    with pytest.raises(ValidationError):
        service.save_deal(deal.id, DealInput(title=""))
    assert OutboxEntry.select().count() == 2  # the refused save queued nothing
    task = service.save_task(None, TaskInput(title="Встреча", responsible_id=records["olga"].id))
    service.delete("task", task.id)
    assert Task.get_by_id(task.id).deleted
