"""A progress bar in the status bar while a sync cycle runs (the first pull of a new desk takes a while)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QProgressBar, QWidget

from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.sync.status import SyncStatus
from kapusta_desktop.ui.sync_adapter import SyncSignals

KIND_NAMES = {"company": "companies", "contact": "contacts", "deal": "deals", "task": "tasks", "lead": "leads"}


class SyncProgressBar(QProgressBar):
    def __init__(self, bus: EventBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProgress")
        self.setMaximumWidth(260)
        self.setTextVisible(True)
        self.hide()
        self.signals = SyncSignals(bus, self)
        self.signals.progress.connect(self.show_progress)
        self.signals.statusChanged.connect(self._status)

    def show_progress(self, kind: str, done: int, total: int) -> None:
        name = QCoreApplication.translate("SyncProgress", KIND_NAMES.get(kind, kind))
        if total > 0:
            self.setRange(0, total)
            self.setValue(min(done, total))
            self.setFormat(f"{name}: %v / %m")
        else:
            self.setRange(0, 0)  # busy: the total is not known
            self.setFormat(f"{name}: {done}")
        self.show()

    def _status(self, status: SyncStatus) -> None:
        if not status.running:
            self.hide()

    def close_signals(self) -> None:
        self.signals.close()
