"""The sync engine in the console: bus events -> Qt signals -> the main window's status bar and views.

`SyncRuntime(window, bus, client)` builds the engine, connects the toolbar's
Sync action (`window.syncRequested`), keeps the status bar live
(`set_connection_state`, `set_pending_count`, `set_last_sync`), reloads the
views after a cycle and adds the Conflicts view. `app.py` calls `start()`
after the window is shown and `await stop()` before the store closes.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.sync.engine import SyncEngine
from kapusta_desktop.services.sync.status import RecordsChanged, SyncProgress, SyncStatus

log = logging.getLogger(__name__)


class SyncSignals(QObject):
    """Qt face of the engine's plain events (published on the bus in the GUI thread)."""

    statusChanged = Signal(object)  # SyncStatus
    progress = Signal(str, int, int)  # kind, done, total (-1: unknown)
    recordsChanged = Signal()

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = [
            bus.subscribe(SyncStatus, self.statusChanged.emit),
            bus.subscribe(
                SyncProgress, lambda p: self.progress.emit(p.kind, p.done, -1 if p.total is None else p.total)
            ),
            bus.subscribe(RecordsChanged, lambda _e: self.recordsChanged.emit()),
        ]

    def close(self) -> None:
        while self._unsubscribe:
            self._unsubscribe.pop()()


def status_text(status: SyncStatus) -> tuple[str, str]:
    """(state for set_connection_state, text for the operator)."""
    if status.running:
        return "connecting", "syncing…"
    if status.online is None:
        return "connecting", "not synced yet"
    if not status.online:
        return "offline", f"offline, {status.pending} waiting"
    if status.errors:
        return "error", f"online, {status.errors} refused"
    if status.conflicts:
        return "online", f"online, {status.conflicts} conflicts"
    return "online", "online"


class SyncRuntime:
    def __init__(self, window: Any, bus: EventBus, engine: SyncEngine) -> None:
        from kapusta_desktop.ui.conflicts_view import ConflictsView

        self.window = window
        self.engine = engine
        self.signals = SyncSignals(bus)
        self.signals.statusChanged.connect(self._show_status)
        self.signals.progress.connect(self._show_progress)
        self.signals.recordsChanged.connect(self._reload)
        if hasattr(window, "syncRequested"):
            window.syncRequested.connect(engine.request_sync)
        self.conflicts_view = ConflictsView(on_changed=engine.request_sync)
        self.signals.recordsChanged.connect(self.conflicts_view.reload)
        if hasattr(window, "add_view"):
            window.add_view("conflicts", window.tr("Conflicts"), self.conflicts_view)

    def start(self) -> None:
        """Start the schedule; must run inside the qasync loop."""
        self.engine.start()

    async def stop(self) -> None:
        await self.engine.stop()
        self.signals.close()

    def _show_status(self, status: SyncStatus) -> None:
        state, text = status_text(status)
        if hasattr(self.window, "set_connection_state"):
            self.window.set_connection_state("bitrix24", state, text)
        if hasattr(self.window, "set_pending_count"):
            self.window.set_pending_count(status.pending)
        if hasattr(self.window, "set_last_sync") and status.last_sync is not None:
            self.window.set_last_sync(status.last_sync)

    def _show_progress(self, kind: str, done: int, total: int) -> None:
        if hasattr(self.window, "statusBar"):
            of = f"/{total}" if total >= 0 else ""
            self.window.statusBar().showMessage(f"Sync: {kind} {done}{of}", 3000)

    def _reload(self) -> None:
        if hasattr(self.window, "reload_views"):
            try:
                self.window.reload_views()
            except Exception:  # a view failing to reload must not stop the sync status
                log.exception("reloading views after sync failed")
