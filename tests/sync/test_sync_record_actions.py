"""The detail panel's Retry / Discard / Apply mine again / Keep Bitrix24's, in the console, against the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from kapusta_desktop.paths import Profile
from kapusta_desktop.services.editing import DealInput, EditingService, TaskInput
from kapusta_desktop.store.models import Deal, DealContact, OutboxEntry, Task
from kapusta_desktop.ui.main_window import MainWindow
from kapusta_desktop.ui.record_model import RecordIdRole
from kapusta_desktop.ui.sync_adapter import SyncRuntime
from kapusta_desktop.ui.sync_icons import sync_icon
from tests.sync.helpers import rig
from tests.waiting import until

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: Any, db: Any, temp_profile: Profile) -> MainWindow:
    win = MainWindow(temp_profile, settings=QSettings(str(temp_profile.settings_file), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitActive(win)
    return win


def _run(loop: qasync.QEventLoop, body: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return loop.run_until_complete(asyncio.wait_for(body(), 60))


def _row_icon_key(window: MainWindow, entity: str, record_id: int) -> int:
    """The sync icon the table shows on the record's row."""
    model = window.record_views[entity].model
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(RecordIdRole) == record_id:
            return int(index.data(Qt.ItemDataRole.DecorationRole).cacheKey())
    raise AssertionError(f"{entity} {record_id} is not in the table")


def _task_input(task: Task, title: str) -> TaskInput:
    return TaskInput(title=title, deadline=task.deadline, responsible_id=task.responsible_id, deal_id=task.deal_id,
                     description=task.description, status=task.status)


def _shown(panel: Any) -> set[str]:
    buttons = {"retry": panel.retry_button, "discard": panel.discard_button, "mine": panel.apply_mine_button,
               "theirs": panel.keep_theirs_button}
    return {name for name, button in buttons.items() if button.isVisible() and button.isEnabled()}


def test_refused_edit_retry_then_discard(qtbot: Any, qloop: qasync.QEventLoop, window: MainWindow, db: Any) -> None:
    async def body() -> None:
        async with rig() as r:
            await r.engine.sync_now(full=True)
            runtime = SyncRuntime(window, r.bus, r.engine)
            editing = EditingService(db)
            task = Task.select().where(Task.b24_id.is_null(False)).order_by(Task.id).first()
            # Out of our reach (deleted or rights taken away): Bitrix24 answers "not found or access denied".
            hidden = r.sandbox.state.tasks.delete(task.b24_id)
            editing.save_task(task.id, _task_input(task, "Позвонить после обеда"))
            report = await r.engine.sync_now()
            assert report.push.permanent == 1
            assert Task.get_by_id(task.id).sync_state == "error"

            window.show_view("task")
            view = window.record_views["task"]
            view.reload(keep=task.id)
            panel = view.detail
            assert panel.record_id == task.id
            assert _shown(panel) == {"retry", "discard"}
            assert _row_icon_key(window, "task", task.id) == sync_icon("error").cacheKey()

            r.sandbox.state.tasks.insert(hidden, task.b24_id)  # the admin gives it back
            runtime.start()  # the schedule: Retry wakes it
            await until(lambda: not r.engine.running)
            qtbot.keyClick(window, Qt.Key.Key_R, CTRL_SHIFT)  # Retry from the keyboard
            assert Task.get_by_id(task.id).sync_state == "pending"  # until the woken cycle pushes it
            assert _row_icon_key(window, "task", task.id) == sync_icon("pending").cacheKey()
            assert OutboxEntry.select().where(OutboxEntry.entity_id == task.id,
                                              OutboxEntry.state == "error").count() == 0
            await until(lambda: Task.get_by_id(task.id).sync_state == "synced")
            assert r.sandbox.state.tasks.get(task.b24_id)["TITLE"] == "Позвонить после обеда"
            await until(lambda: _row_icon_key(window, "task", task.id) == sync_icon("synced").cacheKey())
            await runtime.engine.stop()  # no schedule from here: each step below is awaited

            hidden = r.sandbox.state.tasks.delete(task.b24_id)
            editing.save_task(task.id, _task_input(Task.get_by_id(task.id), "Не та правка"))
            await r.engine.sync_now()
            view.reload(keep=task.id)
            assert Task.get_by_id(task.id).sync_state == "error" and _shown(panel) == {"retry", "discard"}
            r.sandbox.state.tasks.insert(hidden, task.b24_id)

            qtbot.keyClick(window, Qt.Key.Key_D, CTRL_SHIFT)  # asks first
            box = panel.confirm_discard
            assert box is not None and box.isVisible()
            assert "Не та правка" in box.text() and "Bitrix24's values come back" in box.informativeText()
            box.button(QMessageBox.StandardButton.Cancel).click()
            assert panel.confirm_discard is None and Task.get_by_id(task.id).title == "Не та правка"

            panel.discard_button.click()
            panel.confirm_discard.button(QMessageBox.StandardButton.Discard).click()
            assert not panel.discard_button.isEnabled()  # no second discard while the first reads Bitrix24
            await window.sync_actions.wait()
            row = Task.get_by_id(task.id)
            assert (row.title, row.sync_state, row.sync_error) == ("Позвонить после обеда", "synced", None)
            assert r.sandbox.state.tasks.get(task.b24_id)["TITLE"] == "Позвонить после обеда"  # nothing sent
            assert not OutboxEntry.select().where(OutboxEntry.entity_id == task.id,
                                                  OutboxEntry.state.in_(["pending", "error"])).exists()
            assert _shown(panel) == set()
            assert _row_icon_key(window, "task", task.id) == sync_icon("synced").cacheKey()
            await runtime.stop()

    _run(qloop, body)


def test_conflict_actions_in_the_panel(qtbot: Any, qloop: qasync.QEventLoop, window: MainWindow, db: Any) -> None:
    async def body() -> None:
        async with rig() as r:
            await r.engine.sync_now(full=True)
            runtime = SyncRuntime(window, r.bus, r.engine)
            editing = EditingService(db)
            first, second = list(Deal.select().order_by(Deal.id).limit(2))
            for deal in (first, second):
                contacts = [c.contact_id for c in DealContact.select().where(DealContact.deal == deal.id)]
                editing.save_deal(deal.id, DealInput(
                    title=f"Моё {deal.id}", stage_id=deal.stage_id, amount=deal.amount, currency=deal.currency,
                    company_id=deal.company_id, contact_ids=contacts, responsible_id=deal.responsible_id,
                    comment=deal.comment))
                r.sandbox.act_update("deal", deal.b24_id, {"TITLE": f"Их {deal.id}"}, user_id=3)
            await r.engine.puller.incremental()  # the clash: Bitrix24 wins in the cache
            await r.engine.sync_now()  # the clash waits for the operator: Bitrix24 keeps theirs
            assert r.sandbox.row("deal", first.b24_id)["TITLE"] == f"Их {first.id}"
            window.show_view("deal")
            view = window.record_views["deal"]
            panel = view.detail
            runtime.conflicts_view.reload()
            assert runtime.conflicts_view.table.rowCount() == 2

            view.reload(keep=first.id)
            assert Deal.get_by_id(first.id).sync_state == "conflict"
            assert _shown(panel) == {"mine", "theirs"}
            qtbot.keyClick(window, Qt.Key.Key_A, CTRL_SHIFT)  # Apply mine again
            row = Deal.get_by_id(first.id)
            assert (row.title, row.sync_state, row.conflicts) == (f"Моё {first.id}", "pending", None)
            assert _row_icon_key(window, "deal", first.id) == sync_icon("pending").cacheKey()
            assert runtime.conflicts_view.table.rowCount() == 1  # the Conflicts view follows

            view.reload(keep=second.id)
            assert _shown(panel) == {"mine", "theirs"}
            panel.keep_theirs_button.click()
            row = Deal.get_by_id(second.id)
            assert (row.title, row.sync_state, row.conflicts) == (f"Их {second.id}", "synced", None)
            assert _shown(panel) == set() and runtime.conflicts_view.table.rowCount() == 0

            await r.engine.sync_now()
            assert r.sandbox.row("deal", first.b24_id)["TITLE"] == f"Моё {first.id}"
            assert r.sandbox.row("deal", second.b24_id)["TITLE"] == f"Их {second.id}"
            assert Deal.get_by_id(first.id).sync_state == "synced"
            await runtime.stop()

    _run(qloop, body)


def test_without_a_portal_retry_queues_and_discard_restores_locally(qtbot: Any, window: MainWindow) -> None:
    from kapusta_desktop.store.outbox import enqueue

    deal = Deal.create(title="Сделка из Битрикс24", b24_id=501, sync_state="synced")
    EditingService(Deal._meta.database).save_deal(deal.id, DealInput(title="Моя правка", stage_id=deal.stage_id))
    OutboxEntry.update(state="error", last_error="Access denied").where(OutboxEntry.entity_id == deal.id).execute()
    Deal.update(sync_state="error", sync_error="Access denied").where(Deal.id == deal.id).execute()
    fresh = Deal.create(title="Новая, не отправлена", sync_state="error", sync_error="Access denied")
    enqueue(target="bitrix24", entity_type="deal", entity_id=fresh.id, op="create", payload={})
    OutboxEntry.update(state="error").where(OutboxEntry.entity_id == fresh.id).execute()
    assert window.sync_actions.engine is None  # no portal: no sync runtime

    window.show_view("deal")
    view = window.record_views["deal"]
    view.reload(keep=deal.id)
    panel = view.detail
    assert _shown(panel) == {"retry", "discard"}
    panel.retry_button.click()
    assert Deal.get_by_id(deal.id).sync_state == "pending"
    assert OutboxEntry.get(OutboxEntry.entity_id == deal.id).state == "pending"
    assert _shown(panel) == set() and _row_icon_key(window, "deal", deal.id) == sync_icon("pending").cacheKey()

    # Refused again; this time the operator gives it up: the pre-edit title comes back.
    OutboxEntry.update(state="error").where(OutboxEntry.entity_id == deal.id).execute()
    Deal.update(sync_state="error").where(Deal.id == deal.id).execute()
    view.reload(keep=deal.id)
    panel.discard_button.click()
    panel.confirm_discard.button(QMessageBox.StandardButton.Discard).click()
    row = Deal.get_by_id(deal.id)
    assert (row.title, row.sync_state) == ("Сделка из Битрикс24", "synced")

    view.reload(keep=fresh.id)
    panel.discard_button.click()
    assert "never reached Bitrix24" in panel.confirm_discard.informativeText()
    panel.confirm_discard.button(QMessageBox.StandardButton.Discard).click()
    assert Deal.get_or_none(Deal.id == fresh.id) is None  # never sent: nothing to go back to
    assert panel.record_id is None


def test_retry_with_nothing_refused_says_so(qtbot: Any, window: MainWindow) -> None:
    deal = Deal.create(title="Ошибка без записи в очереди", b24_id=77, sync_state="error", sync_error="x")
    window.show_view("deal")
    view = window.record_views["deal"]
    view.reload(keep=deal.id)
    view.detail.retry_button.click()
    assert view.detail.action_note.isVisibleTo(view.detail)
    assert "Nothing of this record" in view.detail.action_note.text()
    assert Deal.get_by_id(deal.id).sync_state == "error"
