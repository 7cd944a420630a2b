"""The Conflicts view and the Qt adapter that feeds the status bar."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel

from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.sync.engine import SyncEngine
from kapusta_desktop.services.sync.status import SyncStatus
from kapusta_desktop.store.models import Deal, OutboxEntry
from kapusta_desktop.ui.conflicts_view import ConflictsView
from kapusta_desktop.ui.sync_adapter import SyncRuntime, status_text


def _conflicted_deal(title: str, mine: str) -> Deal:
    return Deal.create(
        title=title, b24_id=7, sync_state="conflict", conflicts={"title": {"mine": mine, "theirs": title}}
    )


def test_conflicts_view_lists_and_resolves(qtbot, db) -> None:
    a = _conflicted_deal("Их вариант", "Мой вариант")
    b = Deal.create(
        title="Их 2", b24_id=8, sync_state="conflict", conflicts={"title": {"mine": "Мой 2", "theirs": "Их 2"}}
    )
    changed: list[bool] = []
    view = ConflictsView(on_changed=lambda: changed.append(True))
    qtbot.addWidget(view)
    assert view.table.rowCount() == 2 and not view.apply_mine.isEnabled()
    assert view.table.item(0, 2).text() == "Мой вариант" and view.table.item(0, 3).text() == "Их вариант"

    view.table.selectionModel().select(
        view.table.model().index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert view.apply_mine.isEnabled()
    view.apply_mine.click()
    row = Deal.get_by_id(a.id)
    assert row.title == "Мой вариант" and row.sync_state == "pending" and not row.conflicts
    assert OutboxEntry.get(OutboxEntry.entity_id == a.id).payload == {"fields": ["title"]}
    assert view.table.rowCount() == 1 and changed == [True]

    view.table.selectRow(0)
    view.keep_theirs.click()
    row = Deal.get_by_id(b.id)
    assert row.title == "Их 2" and row.sync_state == "synced" and not row.conflicts
    assert view.table.rowCount() == 0 and view.empty.isVisibleTo(view)


@pytest.mark.parametrize(
    "status, state",
    [
        (SyncStatus(online=False, running=False, pending=3, errors=0, conflicts=0, last_sync=None), "offline"),
        (SyncStatus(online=True, running=False, pending=0, errors=2, conflicts=0, last_sync=None), "error"),
        (SyncStatus(online=True, running=True, pending=0, errors=0, conflicts=0, last_sync=None), "connecting"),
        (
            SyncStatus(online=False, running=False, pending=0, errors=0, conflicts=0, last_sync=None, refused=True),
            "error",
        ),
    ],
)
def test_status_text(status: SyncStatus, state: str) -> None:
    assert status_text(status)[0] == state


def test_runtime_drives_the_main_window_status_bar(qtbot, db, temp_profile) -> None:
    from kapusta_desktop.ui.main_window import MainWindow

    window = MainWindow(profile=temp_profile)
    qtbot.addWidget(window)
    bus = EventBus()
    client = Bitrix24Client(WebhookAuth("https://example.bitrix24.ru/rest/1/abcdef123456/"))
    engine = SyncEngine(client, bus)
    runtime = SyncRuntime(window, bus, engine)
    assert "conflicts" in window.views
    when = dt.datetime(2026, 3, 1, 9, 30)
    bus.publish(SyncStatus(online=False, running=False, pending=4, errors=0, conflicts=0, last_sync=when))
    label = window.connection_labels["bitrix24"]
    assert label.property("state") == "offline" and "4 waiting" in label.text()
    assert window.pending_label.property("count") == 4
    assert "2026" in window.last_sync_label.text()
    assert not engine._wake.is_set()
    window.syncRequested.emit()  # the toolbar's Sync now
    assert engine._wake.is_set()
    runtime.signals.close()
    asyncio.run(client.aclose())
