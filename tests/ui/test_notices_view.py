from __future__ import annotations

from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_events import NoticesChanged
from kapusta_desktop.store.models import Notice
from kapusta_desktop.ui.notices_view import NoticesView


def test_view_lists_filters_and_retries(qtbot, qtmodeltester, db) -> None:
    Notice.create(event_key="a", chat_id="1", kind="deal_won", recipient="Иванова", text="<b>x</b>", state="sent")
    failed = Notice.create(event_key="b", chat_id="-2", kind="missed_call", text="y", state="failed",
                           error="Bad Request: message is too long")
    retried: list[int] = []
    bus = EventBus()
    view = NoticesView(bus, retry=retried.append, resume_chat=lambda chat: 0)
    qtbot.addWidget(view)
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == 2
    view.filter.setCurrentIndex(view.filter.findData("problems"))
    assert view.model.rowCount() == 1
    assert view.model.data(view.model.index(0, 6)) == "Bad Request: message is too long"
    view.table.selectRow(0)
    assert view.retry_button.isEnabled() and not view.resume_button.isEnabled()
    view.retry_selected()
    assert retried == [failed.id]
    Notice.create(event_key="c", chat_id="3", kind="deal_won", text="z", state="stopped", error="chat stopped")
    bus.publish(NoticesChanged())
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=2000)
    view.detach()
