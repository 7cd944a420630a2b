"""The Calls history (with filters) and the Missed Calls list, as views the main window can add."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.redact import redact
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallbackOutcome, CallDesk, CallLogged, DialError, MissedCallsChanged
from kapusta_desktop.store.models import CallRecord
from kapusta_desktop.ui.local_time import to_local

log = logging.getLogger(__name__)

# Shown through CallsView.tr(); the NOOP marks let lupdate find them.
RESULTS = {"answered": QT_TRANSLATE_NOOP("CallsView", "Answered"), "missed": QT_TRANSLATE_NOOP("CallsView", "Missed")}
DIRECTIONS = {
    1: QT_TRANSLATE_NOOP("CallsView", "Incoming"),
    2: QT_TRANSLATE_NOOP("CallsView", "Outgoing"),
    0: QT_TRANSLATE_NOOP("CallsView", "Internal"),
}


def _number(record: CallRecord) -> str:
    return record.e164 or (record.from_number if record.direction == 1 else record.to_number) or ""


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class CallsView(QWidget):
    """Call history: result, direction and number filters; refreshed as calls are logged."""

    def __init__(self, desk: CallDesk, bus: EventBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.result = QComboBox()
        self.result.addItem(self.tr("All results"), None)
        for key, text in RESULTS.items():
            self.result.addItem(self.tr(text), key)
        self.direction = QComboBox()
        self.direction.addItem(self.tr("All directions"), None)
        for key, text in DIRECTIONS.items():
            self.direction.addItem(self.tr(text), key)
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.tr("Number contains…"))
        self.table = _table([self.tr("Started"), self.tr("Direction"), self.tr("Number"), self.tr("Result"),
                             self.tr("Talk, s"), self.tr("Extension"), self.tr("Contact / company"),
                             self.tr("Bitrix24")])
        filters = QHBoxLayout()
        for w in (self.result, self.direction, self.number):
            filters.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.result.currentIndexChanged.connect(self.refresh)
        self.direction.currentIndexChanged.connect(self.refresh)
        self.number.textChanged.connect(self.refresh)
        self._unsubscribe = bus.subscribe(CallLogged, lambda _e: self.refresh())
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh()

    def refresh(self) -> None:
        records = self.desk.call_history(
            result=self.result.currentData(), direction=self.direction.currentData(), number=self.number.text()
        )
        rows = []
        for r in records:
            who = r.contact.full_name if r.contact_id else (r.company.title if r.company_id else "")
            rows.append([
                f"{to_local(r.started_at):%d.%m.%Y %H:%M}", self.tr(DIRECTIONS.get(r.direction, "?")), _number(r),
                self.tr(RESULTS.get(r.result, r.result)), str(r.talk_seconds), r.extension or "", who,
                {"synced": "✓", "pending": "…", "error": "!"}.get(r.sync_state, r.sync_state),
            ])
        _fill(self.table, rows)


class MissedCallsView(QWidget):
    """Open missed calls; Call back (click-to-call) and Close. Closes itself on a later answered call."""

    call_back_failed = Signal(str)

    def __init__(self, desk: CallDesk, bus: EventBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.records: list[CallRecord] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.table = _table([self.tr("When"), self.tr("Number"), self.tr("Caller"), self.tr("Extension"),
                             self.tr("Callback task")])
        self.call_back_button = QPushButton(self.tr("Call back"))
        self.close_button = QPushButton(self.tr("Close"))
        self.status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.call_back_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.call_back_button.clicked.connect(self._call_back)
        self.close_button.clicked.connect(self._close_selected)
        self._unsubscribe = [
            bus.subscribe(MissedCallsChanged, lambda _e: self.refresh()),
            bus.subscribe(CallbackOutcome, self._outcome),
        ]
        self.destroyed.connect(lambda *_: [u() for u in self._unsubscribe])
        self.refresh()

    def refresh(self) -> None:
        self.records = self.desk.missed_calls()
        rows = []
        for r in self.records:
            who = r.contact.full_name if r.contact_id else (r.company.title if r.company_id else "")
            task = r.callback_task.title if r.callback_task_id else ""
            rows.append([f"{to_local(r.started_at):%d.%m.%Y %H:%M}", _number(r), who, r.extension or "", task])
        _fill(self.table, rows)

    def _selected(self) -> CallRecord | None:
        row = self.table.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def _close_selected(self) -> None:
        record = self._selected()
        if record is not None:
            self.desk.close_missed(record.id)

    def _call_back(self) -> None:
        record = self._selected()
        if record is None or not record.e164:
            return
        task = asyncio.ensure_future(self._dial(record.e164))
        self._tasks.add(task)  # keep a reference: qasync does not
        task.add_done_callback(self._tasks.discard)

    async def _dial(self, number: str) -> None:
        try:
            await self.desk.call_client(number)
            self.status.setText(self.tr("Calling %1: your phone rings first").replace("%1", number))
        except Exception as exc:
            text = self._dial_failure(number, exc)
            self.status.setText(text)
            self.call_back_failed.emit(text)

    def _dial_failure(self, number: str, exc: Exception) -> str:
        if isinstance(exc, DialError):
            texts = {
                DialError.NOT_CONNECTED: self.tr("Cannot call back: Mango Office is not connected on this desk."),
                DialError.NOT_A_NUMBER: self.tr("Cannot call back: %1 is not a phone number.").replace("%1", number),
                DialError.NO_EXTENSION: self.tr("Cannot call back: this desk has no extension (Settings, Mango)."),
            }
            if exc.reason in texts:
                return texts[exc.reason]
        # the PBX refused or did not answer: its own words (English, from the client) after ours
        return self.tr("Call to %1 failed: ").replace("%1", number) + redact(str(exc))

    def _outcome(self, event: CallbackOutcome) -> None:
        self.status.setText(
            (self.tr("Call to %1: ") if event.ok else self.tr("Call to %1 failed: ")).replace("%1", event.number or "")
            + event.text
        )
