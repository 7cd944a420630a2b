"""After a keystroke the first page shows at once; the capped count follows from the event loop."""

from __future__ import annotations

from decimal import Decimal

import peewee
import pytest

from kapusta_desktop.store.listing import LISTINGS, ListQuery
from kapusta_desktop.store.models import Deal
from kapusta_desktop.ui.record_model import RecordTableModel


@pytest.fixture
def deals(db: peewee.Database) -> None:
    Deal.insert_many(
        [{"title": f"Охрана №{n}", "amount": Decimal(n), "origin_id": f"o{n}"} for n in range(60)]
    ).execute()


def _counting_model(calls: list[str], **kwargs: object) -> RecordTableModel:
    listing = LISTINGS["deal"]()
    real_count = listing.count_upto
    listing.count_upto = lambda *a, **k: calls.append("count") or real_count(*a, **k)  # type: ignore[method-assign]
    return RecordTableModel(listing, {}, page_size=10, fetch_chunk=25, **kwargs)  # type: ignore[arg-type]


def test_keystroke_shows_the_page_and_counts_later(qtbot, deals: None) -> None:
    calls: list[str] = []
    model = _counting_model(calls, count_later=True)
    assert model.rowCount() == 25 and calls == ["count"]  # the first look counts at once
    calls.clear()
    model.set_query(ListQuery(search="охрана"))
    assert calls == [] and model.rowCount() == 10 and model.count_pending() and model.has_more()
    assert not model.canFetchMore()  # the queued count comes first
    counts: list[int] = []
    model.countChanged.connect(counts.append)
    qtbot.waitUntil(lambda: not model.count_pending())
    assert calls == ["count"] and model.rowCount() == 25 and model.has_more() and counts == [25]
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 60


def test_model_tester_through_a_queued_count(qtbot, qtmodeltester, deals: None) -> None:
    model = _counting_model([], count_later=True)
    qtmodeltester.check(model, force_py=True)
    model.set_query(ListQuery(search="охрана"))
    qtbot.waitUntil(lambda: not model.count_pending())  # the tester stays connected and checks the insert
    assert model.rowCount() >= 25


def test_a_newer_keystroke_replaces_the_queued_count(qtbot, deals: None) -> None:
    calls: list[str] = []
    model = _counting_model(calls, count_later=True)
    model.rowCount()
    calls.clear()
    model.set_query(ListQuery(search="охрана"))
    model.set_query(ListQuery(search="охрана №1"))  # 11 rows: a full first page, counted later too
    qtbot.waitUntil(lambda: not model.count_pending())
    qtbot.wait(20)
    assert calls == ["count"] and model.rowCount() == 11 and not model.has_more()


def test_queued_count_is_dropped_when_the_cache_is_closed(qtbot, db: peewee.Database, deals: None) -> None:
    calls: list[str] = []
    model = _counting_model(calls, count_later=True)
    model.rowCount()
    calls.clear()
    model.set_query(ListQuery(search="охрана"))
    db.close()
    try:
        model.finish_count()
        assert calls == [] and model.rowCount() == 10
    finally:
        db.connect()


def test_without_count_later_a_refresh_counts_at_once(deals: None) -> None:
    calls: list[str] = []
    model = _counting_model(calls)
    model.rowCount()
    model.set_query(ListQuery(search="охрана"))
    assert calls == ["count", "count"] and model.rowCount() == 25 and not model.count_pending()
