"""A narrow filter drives the search: same rows as the trigram walk, found through the filter's index."""

from __future__ import annotations

import peewee
import pytest

from kapusta_desktop.store import listing as listing_module
from kapusta_desktop.store.listing import LISTINGS, ListQuery
from kapusta_desktop.store.models import Company, Contact, Deal

ERRORS = frozenset({"error", "conflict"})


@pytest.fixture
def desk(db: peewee.Database) -> dict[str, int]:
    romashka = Company.create(title="ООО «Ромашка»")
    sever = Company.create(title="АО Северсталь")
    ids: dict[str, int] = {}
    for n in range(30):
        Deal.create(title=f"Охрана объекта {n}", company=romashka if n % 2 else sever)
    ids["bad"] = Deal.create(title="Пультовая ОХРАНА склада", company=sever, sync_state="error").id
    ids["conflict"] = Deal.create(title="Монтаж камер", company=romashka, sync_state="conflict").id
    ids["other_bad"] = Deal.create(title="Поставка", company=romashka, sync_state="error").id
    ids["gone"] = Deal.create(title="Охрана", company=sever, sync_state="error", deleted=True).id
    ids["anna"] = Contact.create(name="Анна", last_name="Петрова", company=sever, sync_state="conflict").id
    Contact.create(name="Анна", last_name="Петрова", company=romashka)
    return ids


def _ids(entity: str, text: str, states: frozenset[str] = ERRORS) -> list[int]:
    return [row[0] for row in LISTINGS[entity]().page(ListQuery(search=text, sync_states=states), 0, 100)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("охран", ["bad"]),
        ("оХрАнА СКЛ", ["bad"]),  # any case, Cyrillic too, short word anywhere
        ("ромаш", ["other_bad", "conflict"]),  # the company's name, newest first
        ("север охр", ["bad"]),
        ("склад камер", []),  # every word in the same row
    ],
)
def test_narrow_filter_matches_like_the_index(desk: dict[str, int], text: str, expected: list[str]) -> None:
    assert _ids("deal", text) == [desk[k] for k in expected]
    assert LISTINGS["deal"]().count_upto(ListQuery(search=text, sync_states=ERRORS), 100) == len(expected)


def test_contacts_by_name_and_company(desk: dict[str, int]) -> None:
    assert _ids("contact", "петрова сев") == [desk["anna"]]
    assert len(_ids("contact", "петрова", frozenset())) == 2


def test_narrow_filter_uses_its_index_not_the_trigram_walk(db: peewee.Database, desk: dict[str, int]) -> None:
    listing = LISTINGS["deal"]()
    q = ListQuery(search="охран", sync_states=ERRORS)
    select, _rowid = listing._build(q, listing._select())
    sql, params = select.sql()
    plan = " ".join(str(row[3]) for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "MATCH" not in sql and "deal_sync_state" in plan
    broad = ListQuery(search="охран")
    assert "MATCH" in listing._build(broad, listing._select())[0].sql()[0]


def test_wide_filter_keeps_the_trigram_walk(monkeypatch: pytest.MonkeyPatch, desk: dict[str, int]) -> None:
    monkeypatch.setattr(listing_module, "NARROW_FILTER_CAP", 1)  # 3 error rows: too many to drive the search
    listing = LISTINGS["deal"]()
    q = ListQuery(search="охран", sync_states=ERRORS)
    assert "MATCH" in listing._build(q, listing._select())[0].sql()[0]
    assert _ids("deal", "охран") == [desk["bad"]]
