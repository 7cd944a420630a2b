from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk
from kapusta_desktop.store.models import Contact, Task
from kapusta_desktop.store.setting_values import set_value
from kapusta_desktop.ui.call_popup import CallPopup, PopupManager
from tests.services.calls_fixtures import build_cache

# The offscreen platform plugin cannot do either; real window systems can.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")


@pytest.fixture
def setup(db, qtbot):  # type: ignore[no-untyped-def]
    bus = EventBus()
    set_value("mango.desk_extensions", ["101", "102", "103"])
    desk = CallDesk(bus, db)
    manager = PopupManager(bus, desk, portal_url="https://demo.bitrix24.ru")
    yield bus, desk, manager
    manager.shutdown()


def feed(desk: CallDesk, events: list[scenarios.ScriptedEvent]) -> None:
    for e in events:
        desk.handle(parse_event(e.route, e.payload))


def test_popup_does_not_take_focus_from_a_focused_line_edit(setup, qtbot) -> None:  # type: ignore[no-untyped-def]
    _, desk, manager = setup
    build_cache()
    window = QWidget()
    edit = QLineEdit()
    QVBoxLayout(window).addWidget(edit)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "Roma")
    events = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(1))
    feed(desk, events[:1])
    [popup] = manager.popups.values()
    qtbot.waitExposed(popup)
    assert popup.isVisible()
    flags = popup.windowFlags()
    for flag in (Qt.WindowType.WindowStaysOnTopHint, Qt.WindowType.FramelessWindowHint,
                 Qt.WindowType.WindowDoesNotAcceptFocus):
        assert flags & flag
    assert popup.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert not popup.isModal()
    qtbot.wait(50)
    assert edit.hasFocus() and QApplication.focusWidget() is edit
    assert QApplication.activeWindow() is not popup
    qtbot.keyClicks(edit, "shka")
    assert edit.text() == "Romashka"


def test_popup_shows_the_card_goes_live_and_closes(setup, qtbot) -> None:  # type: ignore[no-untyped-def]
    _, desk, manager = setup
    cache = build_cache()
    events = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(2))
    feed(desk, events[:1])
    [popup] = manager.popups.values()
    assert popup.name.text() == "Сергеев Пётр" and popup.header.text() == "+7 916 123-45-67"
    assert popup.vip.isVisibleTo(popup)
    assert "exact number" in popup.reason.text()
    assert "Охрана склада — Подготовка документов, 1\u00a0250\u00a0000,00 ₽" in popup.details.text()
    assert "Мария Петрова" in popup.details.text()
    assert popup.bitrix24_url() == "https://demo.bitrix24.ru/crm/deal/details/500/"
    with qtbot.waitSignal(manager.open_deal) as opened:
        popup.open_deal_button.click()
    assert opened.args == [cache.deal.id]
    popup.call_back_button.click()
    assert Task.select().where(Task.deal == cache.deal.id).count() == 1
    feed(desk, events[1:2])
    assert popup.status.text().startswith("Talking 00:0")
    feed(desk, events[2:])
    assert popup.status.text() == "Call ended" and not popup.body.isVisibleTo(popup)
    popup._close_timer.setInterval(1)
    qtbot.waitUntil(lambda: not manager.popups)


def test_concurrent_calls_stack_and_unknown_number_creates_a_contact(setup, qtbot) -> None:  # type: ignore[no-untyped-def]
    _, desk, manager = setup
    build_cache()
    queue = scenarios.queue(client="74951234567", extensions=["101", "102"], answered_by=None, rng=random.Random(3))
    unknown = scenarios.incoming(client="79990001122", extension="103", rng=random.Random(4))
    feed(desk, queue[:3] + unknown[:1])
    popups = list(manager.popups.values())
    assert len(popups) == 3
    assert len({p.y() for p in popups}) == 3  # stacked, not on top of each other
    fresh = next(p for p in popups if p.extension == "103")
    assert fresh.name.text() == "Unknown number" and fresh.new_contact_button.isVisibleTo(fresh)
    fresh.new_name.setText("Новый Клиент")
    fresh.new_contact_button.click()
    assert Contact.select().where(Contact.name == "Новый Клиент").count() == 1
    assert fresh.name.text() == "Новый Клиент" and "exact number" in fresh.reason.text()
    fresh.dismiss_button.click()
    qtbot.waitUntil(lambda: len(manager.popups) == 2)
    assert isinstance(popups[0], CallPopup)
