"""A pop-up of a call a colleague answered says who took it, stays readable a moment, then closes for good."""

from __future__ import annotations

import random
from collections.abc import Iterator

import peewee
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import (
    CallAnswered,
    CallDesk,
    CallEnded,
    CallRinging,
    CallTakenElsewhere,
)
from kapusta_desktop.services.caller_lookup import CallerLookup
from kapusta_desktop.ui import call_popup
from kapusta_desktop.ui.call_popup import CallPopup, PopupManager
from tests.services.calls_fixtures import build_cache

# The offscreen platform plugin cannot do either; real window systems can.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")

KNOWN = "79161234567"  # Сергеев Пётр, with the deal "Охрана склада"
UNKNOWN = "79990001122"


@pytest.fixture
def bus(db: peewee.Database, qtbot: QtBot) -> Iterator[tuple[EventBus, PopupManager]]:
    build_cache()
    events = EventBus()
    manager = PopupManager(events, portal_url="https://demo.bitrix24.ru")
    yield events, manager
    manager.shutdown()


def ring(bus: EventBus, manager: PopupManager, number: str = KNOWN, entry: str = "e1") -> CallPopup:
    bus.publish(CallRinging(entry, f"{entry}-101", "101", CallerLookup().card(number)))
    return manager.popups[(entry, f"{entry}-101")]


def test_the_popup_names_the_colleague_and_keeps_the_card(bus, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    events, manager = bus
    popup = ring(events, manager)
    assert popup.status.text() == "Ringing at 101" and popup.call_back_button.isVisibleTo(popup)
    ringing_height = popup.height()
    events.publish(CallTakenElsewhere("e1", "102", "Мария Петрова"))
    assert popup.status.text() == "Taken by Мария Петрова (ext. 102)"
    assert "bold" in popup.status.styleSheet()
    assert popup.isVisible() and popup.body.isVisibleTo(popup)  # the caller's card stays readable
    assert popup.name.text() == "Сергеев Пётр" and "Охрана склада" in popup.details.text()
    assert popup.open_deal_button.isVisibleTo(popup) and popup.open_b24_button.isVisibleTo(popup)
    assert not popup.call_back_button.isVisibleTo(popup) and not popup.offer_button.isVisibleTo(popup)
    assert not popup._timer.isActive()  # no talk clock on this desk
    assert popup._close_timer.isActive() and popup._close_timer.interval() == call_popup.CLOSE_AFTER_TAKEN_MS
    assert popup.height() < ringing_height  # re-stacked at its new size, without the task buttons


def test_an_unknown_manager_and_an_unknown_number(bus) -> None:  # type: ignore[no-untyped-def]
    events, manager = bus
    popup = ring(events, manager, UNKNOWN)
    assert popup.new_contact_button.isVisibleTo(popup)
    events.publish(CallTakenElsewhere("e1", "104", None))
    assert popup.status.text() == "Taken at ext. 104"
    # the colleague on the line makes the contact; a second one from this desk would be a duplicate
    for w in (popup.new_name, popup.new_contact_button, popup.new_contact_deal_button):
        assert not w.isVisibleTo(popup)
    assert popup.taken_text(None, "Ольга") == "Taken by Ольга"
    assert popup.taken_text(None, None) == "Taken by a colleague"


def test_it_closes_by_itself_and_a_later_call_ended_is_harmless(bus, qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(call_popup, "CLOSE_AFTER_TAKEN_MS", 150)
    events, manager = bus
    popup = ring(events, manager)
    events.publish(CallTakenElsewhere("e1", "102", "Мария Петрова"))
    events.publish(CallEnded("e1", "e1-101", "101", answered=False))  # this desk's leg drops as 102 answers
    assert popup.status.text() == "Taken by Мария Петрова (ext. 102)"  # not "Call ended: missed"
    assert popup.body.isVisibleTo(popup)
    assert popup._close_timer.interval() == 150  # the ended leg did not reschedule it
    qtbot.waitUntil(lambda: not manager.popups, timeout=2000)
    assert not popup.isVisible() and popup in manager._spare  # back in the pool
    events.publish(CallEnded("e1", "e1-101", "101", answered=True))
    events.publish(CallTakenElsewhere("e1", "103", "Олег Сидоров"))  # a late repeat shows nothing either
    assert not manager.popups and not any(p.isVisible() for p in manager._spare)
    # the pooled pop-up comes back as a plain ringing one
    again = ring(events, manager, entry="e2")
    assert again.status.text() == "Ringing at 101" and again.status.styleSheet() == ""
    assert again.call_back_button.isVisibleTo(again)
    assert not again._close_timer.isActive()


def test_call_ended_first_then_taken_ends_the_same(bus) -> None:  # type: ignore[no-untyped-def]
    events, manager = bus
    popup = ring(events, manager)
    events.publish(CallEnded("e1", "e1-101", "101", answered=False))
    assert popup.status.text() == "Call ended: missed" and not popup.body.isVisibleTo(popup)
    events.publish(CallTakenElsewhere("e1", "102", "Мария Петрова"))
    assert popup.status.text() == "Taken by Мария Петрова (ext. 102)" and popup.body.isVisibleTo(popup)
    assert popup._close_timer.interval() == call_popup.CLOSE_AFTER_TAKEN_MS


def test_a_dismissed_popup_is_not_shown_again(bus, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    events, manager = bus
    popup = ring(events, manager)
    popup.dismiss_button.click()
    assert not manager.popups
    events.publish(CallTakenElsewhere("e1", "102", "Мария Петрова"))
    assert not manager.popups and not popup.isVisible()


def test_a_call_answered_here_keeps_its_talk_clock(bus) -> None:  # type: ignore[no-untyped-def]
    """Answered at this desk, then transferred to a colleague: this leg ends by itself."""
    events, manager = bus
    popup = ring(events, manager)
    events.publish(CallAnswered("e1", "e1-101", "101", at=None))  # type: ignore[arg-type]
    events.publish(CallTakenElsewhere("e1", "102", "Мария Петрова"))
    assert popup.status.text().startswith("Talking 00:0") and popup._timer.isActive()


def test_russian_by_default(bus, russian: QApplication) -> None:  # type: ignore[no-untyped-def]
    events, manager = bus
    popup = ring(events, manager)
    events.publish(CallTakenElsewhere("e1", "102", "Мария Петрова"))
    assert popup.status.text() == "Ответил(а): Мария Петрова (доб. 102)"
    assert popup.taken_text("104", None) == "Ответили на доб. 104"
    assert popup.reason.text() == "Найден по: точному номеру"  # the lookup's reason code, translated


def test_a_queue_call_answered_at_102_names_the_colleague_on_desk_101(db: peewee.Database, qtbot: QtBot) -> None:
    build_cache()
    bus = EventBus()
    desk = CallDesk(bus, db, desk_extensions=lambda: ["101"])
    manager = PopupManager(bus, desk)
    try:
        events = scenarios.queue(
            client="74951234567", extensions=["101", "102", "103"], answered_by="102", rng=random.Random(3)
        )
        for event in events:  # the whole call, summary included
            desk.handle(parse_event(event.route, event.payload))
        [popup] = manager.popups.values()
        assert popup.extension == "101" and popup.isVisible()
        assert popup.status.text() == "Taken by Мария Петрова (ext. 102)"
        assert popup.header.text() == "+7 495 123-45-67"  # the caller's card is still there
    finally:
        manager.shutdown()
