from __future__ import annotations

import random

import pytest

from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk
from kapusta_desktop.store.setting_values import set_value
from kapusta_desktop.ui.calls_view import CallsView, MissedCallsView
from tests.services.calls_fixtures import build_cache

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def feed(desk: CallDesk, events: list[scenarios.ScriptedEvent]) -> None:
    for e in events:
        desk.handle(parse_event(e.route, e.payload))


def test_calls_and_missed_views_follow_the_desk(db, qtbot) -> None:  # type: ignore[no-untyped-def]
    bus = EventBus()
    set_value("mango.desk_extensions", ["101"])
    desk = CallDesk(bus, db)
    build_cache()
    calls, missed = CallsView(desk, bus), MissedCallsView(desk, bus)
    qtbot.addWidget(calls)
    qtbot.addWidget(missed)
    feed(desk, scenarios.incoming(client="79161234567", extension="101", answered=False, rng=random.Random(1)))
    feed(desk, scenarios.incoming(client="79990001122", extension="101", answered=True, start=1_767_250_000,
                                  rng=random.Random(2)))
    assert calls.table.rowCount() == 2
    assert missed.table.rowCount() == 1 and missed.table.item(0, 2).text() == "Сергеев Пётр"
    calls.result.setCurrentIndex(calls.result.findData("missed"))
    assert calls.table.rowCount() == 1 and calls.table.item(0, 2).text() == "+79161234567"
    calls.result.setCurrentIndex(0)
    calls.number.setText("999000")
    assert calls.table.rowCount() == 1 and calls.table.item(0, 3).text() == "Answered"
    # A later answered call from the same number closes the missed one.
    feed(desk, scenarios.incoming(client="79161234567", extension="101", start=1_767_260_000, rng=random.Random(3)))
    assert missed.table.rowCount() == 0
    feed(desk, scenarios.incoming(client="79161234567", extension="101", answered=False, start=1_767_270_000,
                                  rng=random.Random(4)))
    assert missed.table.rowCount() == 1
    missed.table.selectRow(0)
    missed.close_button.click()
    assert missed.table.rowCount() == 0


@pytest.mark.anyio
async def test_call_back_says_plainly_why_it_cannot_start(db, qtbot) -> None:  # type: ignore[no-untyped-def]
    bus = EventBus()
    desk = CallDesk(bus, db)
    build_cache()
    missed = MissedCallsView(desk, bus)
    qtbot.addWidget(missed)
    failures: list[str] = []
    missed.call_back_failed.connect(failures.append)
    await missed._dial("79161234567")  # no Mango client on this desk
    assert missed.status.text() == "Cannot call back: Mango Office is not connected on this desk."

    class Pbx:
        async def callback(self, *, extension: str, to_number: str) -> str:
            raise RuntimeError("3102: bad sign")

    desk.mango = Pbx()  # type: ignore[assignment]
    await missed._dial("79161234567")  # connected, but this desk has no extension
    assert missed.status.text() == "Cannot call back: this desk has no extension (Settings, Mango)."
    set_value("mango.desk_extensions", ["101"])
    await missed._dial("12")
    assert missed.status.text() == "Cannot call back: 12 is not a phone number."
    await missed._dial("79161234567")  # the PBX refuses: its words after ours
    assert missed.status.text() == "Call to 79161234567 failed: 3102: bad sign"
    assert len(failures) == 4 and failures[-1] == missed.status.text()
