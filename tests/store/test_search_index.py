"""FTS5 trigram search tables: substring, Cyrillic case, kept current by triggers, rebuilt after bulk loads."""

from __future__ import annotations

from decimal import Decimal

import peewee
import pytest

from kapusta_desktop.store.listing import LISTINGS, ListQuery
from kapusta_desktop.store.models import Company, Contact, Deal, Phone, Task
from kapusta_desktop.store.search_index import bulk_loading, has_search_index, rebuild_search_index


def _fts_ids(db: peewee.Database, table: str, text: str) -> set[int]:
    rows = db.execute_sql(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (f'"{text}"',)).fetchall()
    return {r[0] for r in rows}


def _found(entity: str, text: str) -> list[int]:
    listing = LISTINGS[entity]()
    q = ListQuery(search=text)
    return [row[0] for row in listing.page(q, 0, 100)]


@pytest.fixture
def sample(db: peewee.Database) -> dict[str, object]:
    romashka = Company.create(title="ООО «Ромашка»", inn="7707083893")
    vasilek = Company.create(title="АО Василёк")
    anna = Contact.create(name="Анна", last_name="Смирнова", company=romashka)
    guard = Deal.create(title="Охрана склада", company=romashka, amount=Decimal(10))
    cams = Deal.create(title="Поставка камер", company=vasilek)
    task = Task.create(title="Позвонить", deal=guard)
    return {"romashka": romashka, "vasilek": vasilek, "anna": anna, "guard": guard, "cams": cams, "task": task}


def test_new_database_has_the_search_tables(db: peewee.Database) -> None:
    assert has_search_index(db)
    tables = set(db.get_tables())
    assert {"deal_fts", "contact_fts", "company_fts", "task_fts"} <= tables


def test_substring_any_case_cyrillic(db: peewee.Database, sample: dict[str, object]) -> None:
    guard, cams = sample["guard"], sample["cams"]
    assert _found("deal", "хран") == [guard.id]  # type: ignore[attr-defined]
    assert _found("deal", "ОХРАНА") == [guard.id]  # type: ignore[attr-defined]
    assert _found("deal", "васил") == [cams.id]  # the company's name finds its deals  # type: ignore[attr-defined]
    assert _found("deal", "ВАСИЛЁК") == [cams.id]  # type: ignore[attr-defined]
    assert _found("contact", "смирн ромаш") == [sample["anna"].id]  # every word somewhere  # type: ignore[attr-defined]
    assert _found("contact", "смирн василёк") == []
    assert _found("company", "07083") == [sample["romashka"].id]  # part of the INN  # type: ignore[attr-defined]
    assert _found("task", "склад") == [sample["task"].id]  # the deal's title finds its tasks  # type: ignore[attr-defined]


def test_short_words_narrow_and_short_queries_match_the_start(db: peewee.Database, sample: dict[str, object]) -> None:
    guard = sample["guard"]
    assert _found("deal", "охрана ск") == [guard.id]  # type: ignore[attr-defined]
    assert _found("deal", "охрана ab") == []
    assert _found("deal", "ох") == [guard.id]  # two letters: titles starting so, any case  # type: ignore[attr-defined]
    assert _found("deal", "ПО") == [sample["cams"].id]  # type: ignore[attr-defined]
    assert sorted(_found("deal", "о")) == sorted([guard.id, sample["cams"].id])  # one letter filters nothing  # type: ignore[attr-defined]


def test_short_word_in_the_middle_counts(db: peewee.Database, sample: dict[str, object]) -> None:
    assert _found("deal", "охрана кл") == [sample["guard"].id]  # type: ignore[attr-defined]


def test_triggers_keep_the_index_current(db: peewee.Database, sample: dict[str, object]) -> None:
    guard, romashka, anna = sample["guard"], sample["romashka"], sample["anna"]
    guard.title = "Видеонаблюдение склада"  # type: ignore[attr-defined]
    guard.save()  # type: ignore[attr-defined]
    assert _found("deal", "охран") == []
    assert _found("deal", "видеонаблюд") == [guard.id]  # type: ignore[attr-defined]
    assert _found("task", "видеонаблюд") == [sample["task"].id]  # the task row follows its deal  # type: ignore[attr-defined]
    romashka.title = "ООО Лютик"  # type: ignore[attr-defined]
    romashka.save()  # type: ignore[attr-defined]
    assert _found("deal", "лютик") == [guard.id]  # type: ignore[attr-defined]
    assert _found("contact", "лютик") == [anna.id]  # type: ignore[attr-defined]
    assert _found("contact", "ромашк") == []
    Contact.update(last_name="Кузнецова").where(Contact.id == anna.id).execute()  # type: ignore[attr-defined]
    assert _found("contact", "кузнец") == [anna.id]  # type: ignore[attr-defined]


def test_delete_removes_the_row(db: peewee.Database, sample: dict[str, object]) -> None:
    cams, vasilek = sample["cams"], sample["vasilek"]
    assert _fts_ids(db, "deal_fts", "камер") == {cams.id}  # type: ignore[attr-defined]
    cams.delete_instance()  # type: ignore[attr-defined]
    assert _fts_ids(db, "deal_fts", "камер") == set()
    vasilek.delete_instance()  # type: ignore[attr-defined]
    assert _fts_ids(db, "company_fts", "васил") == set()


def test_soft_deleted_rows_are_not_listed(db: peewee.Database, sample: dict[str, object]) -> None:
    Deal.update(deleted=True).where(Deal.id == sample["guard"].id).execute()  # type: ignore[attr-defined]
    assert _found("deal", "охран") == []


def test_bulk_loading_rebuilds_once(db: peewee.Database, sample: dict[str, object]) -> None:
    with bulk_loading(db):
        Deal.insert_many([{"title": f"Пультовая охрана №{n}", "origin_id": f"bulk{n}"} for n in range(50)]).execute()
        assert _fts_ids(db, "deal_fts", "пультов") == set()  # no per-row upkeep during the load
    assert len(_fts_ids(db, "deal_fts", "пультов")) == 50
    Deal.create(title="Пультовая охрана, новая")  # triggers are back
    assert len(_fts_ids(db, "deal_fts", "пультов")) == 51
    db.execute_sql("DELETE FROM deal_fts")
    rebuild_search_index(db)
    assert len(_fts_ids(db, "deal_fts", "пультов")) == 51


def test_phone_in_any_format_and_while_typing(db: peewee.Database, sample: dict[str, object]) -> None:
    anna = sample["anna"]
    Phone.create(owner_type="contact", owner_id=anna.id, raw="+79161234567", e164="+79161234567")  # type: ignore[attr-defined]
    for typed in ("8 (916) 123-45-67", "+7 916 123 45 67", "89161234567"):
        assert _found("contact", typed) == [anna.id], typed  # type: ignore[attr-defined]
    assert _found("contact", "8 (916) 123") == [anna.id]  # a number being typed: its beginning  # type: ignore[attr-defined]
    assert _found("deal", "8 916 123-45-67") == []  # Anna has no deals linked
    assert _found("company", "+7 916 123-45-67") == [sample["romashka"].id]  # her company  # type: ignore[attr-defined]


def test_capped_count(db: peewee.Database, sample: dict[str, object]) -> None:
    listing = LISTINGS["deal"]()
    assert listing.count_upto(ListQuery(), 1) == 1
    assert listing.count_upto(ListQuery(), 10) == 2
    assert listing.count_upto(ListQuery(search="охран"), 10) == 1
