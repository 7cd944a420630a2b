"""CallsRuntime: stale calls closed by its timer; the demo's simulate-call menu items play at the listener."""

from __future__ import annotations

import asyncio
import random
import time

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from kapusta_desktop.demo_calls import SimulationError, simulate_call
from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.store.models import CallRecord, Task
from kapusta_desktop.store.setting_values import set_value
from kapusta_desktop.ui.calls_wiring import CallsRuntime
from tests.services.calls_fixtures import build_cache

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")


async def _until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()  # the loop here is plain asyncio: Qt timers need a hand
        await asyncio.sleep(0.01)


@pytest.mark.anyio
async def test_demo_menu_plays_a_missed_and_an_answered_call_at_the_listener(db, qtbot) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    set_value("mango.listener_port", 0)  # no desk extensions set: the demo desk takes 101
    window = QMainWindow()
    qtbot.addWidget(window)
    runtime = CallsRuntime(window, EventBus(), db, demo=True)
    shown: list[object] = []
    runtime.popups.popup_shown.connect(shown.append)
    menu = QMenu(window)
    rng = random.Random(3)
    await runtime.start()
    try:
        assert runtime.listener is not None
        url = runtime.listener.url
        runtime.add_simulation_actions(menu, lambda missed: simulate_call(url, missed=missed, pace=0, rng=rng))
        actions = {a.objectName(): a for a in menu.actions()}
        assert [a.text() for a in menu.actions()] == ["Simulate incoming call", "Simulate missed call"]
        actions["simulateMissedCall"].trigger()
        await _until(lambda: CallRecord.select().count() == 1)
        missed = CallRecord.get()
        assert missed.result == "missed" and missed.extension == "101" and missed.callback_task_id is not None
        assert len(shown) == 1  # it rang at this (demo) desk
        assert Task.get_by_id(missed.callback_task_id).title.startswith("Перезвонить")
        actions["simulateIncomingCall"].trigger()
        await _until(lambda: CallRecord.select().where(CallRecord.result == "answered").count() == 1)
    finally:
        await runtime.stop()
    with pytest.raises(SimulationError):
        await simulate_call(None, missed=True)


@pytest.mark.anyio
async def test_expiry_timer_closes_a_call_whose_summary_never_came(db, qtbot) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    set_value("mango.enabled", True)
    set_value("mango.listener_port", 0)
    set_value("mango.desk_extensions", ["101"])
    window = QMainWindow()
    qtbot.addWidget(window)
    runtime = CallsRuntime(window, EventBus(), db, demo=True)
    await runtime.start()
    try:
        assert runtime._expire_timer.isActive()
        hour_ago = int(time.time()) - 3600
        events = scenarios.incoming(client="79161234567", extension="101", answered=False, start=hour_ago,
                                    rng=random.Random(9))
        for e in events[:-1]:  # the summary is lost
            runtime.desk.handle(parse_event(e.route, e.payload))
        assert CallRecord.select().count() == 0
        runtime._expire_timer.setInterval(10)
        await _until(lambda: CallRecord.select().count() == 1)
        record = CallRecord.get()
        assert record.result == "missed" and record.callback_task_id is not None
    finally:
        await runtime.stop()
    assert not runtime._expire_timer.isActive()
