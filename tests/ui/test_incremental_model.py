"""The table model reads lazily, counts only up to a cap and grows with fetchMore; pages stay bounded."""

from __future__ import annotations

from decimal import Decimal

import peewee
import pytest

from kapusta_desktop.store.listing import LISTINGS, ListQuery
from kapusta_desktop.store.models import Deal
from kapusta_desktop.ui.record_model import RecordIdRole, RecordTableModel


@pytest.fixture
def deals(db: peewee.Database) -> list[int]:
    Deal.insert_many(
        [{"title": f"Охрана №{n}", "amount": Decimal(n), "origin_id": f"o{n}"} for n in range(120)]
    ).execute()
    return [d for (d,) in Deal.select(Deal.id).order_by(Deal.id.desc()).tuples()]


def test_nothing_is_read_before_the_first_look(qtmodeltester, deals: list[int]) -> None:
    listing = LISTINGS["deal"]()
    calls: list[str] = []
    real_page, real_count = listing.page, listing.count_upto
    listing.page = lambda *a, **k: calls.append("page") or real_page(*a, **k)  # type: ignore[method-assign]
    listing.count_upto = lambda *a, **k: calls.append("count") or real_count(*a, **k)  # type: ignore[method-assign]
    model = RecordTableModel(listing, {}, page_size=10, fetch_chunk=25)
    model.set_query(ListQuery(search="охрана"))
    assert calls == []
    assert model.rowCount() == 25 and model.has_more()
    assert calls == ["page", "count"]


def test_fetch_more_doubles_until_everything_is_known(qtmodeltester, deals: list[int]) -> None:
    model = RecordTableModel(LISTINGS["deal"](), {}, page_size=10, max_pages=3, fetch_chunk=25)
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 120 and not model.has_more()
    ids = [model.index(r, 0).data(RecordIdRole) for r in range(model.rowCount())]
    assert ids == deals  # keyset pages continue exactly where the previous one stopped
    assert model.cached_rows() <= 30


def test_short_first_page_needs_no_count(deals: list[int]) -> None:
    listing = LISTINGS["deal"]()
    listing.count_upto = lambda *a, **k: pytest.fail("counted")  # type: ignore[method-assign]
    model = RecordTableModel(listing, {}, page_size=200)
    assert model.rowCount() == 120 and not model.canFetchMore()


def test_sorted_pages_use_offsets(deals: list[int]) -> None:
    model = RecordTableModel(LISTINGS["deal"](), {}, page_size=7, fetch_chunk=1000)
    model.set_query(ListQuery(sort_key="amount", descending=False))
    amounts = [Deal.get_by_id(model.record_id(r)).amount for r in range(model.rowCount())]
    assert amounts == sorted(amounts) and len(amounts) == 120
