"""The Notices view: what was sent to whom, what is waiting, what failed and why, with retry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.domain.notice_rules import KIND_TITLES, NoticeKind, visible_length
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_events import NoticesChanged, TelegramTargetStopped, TelegramTokenRejected
from kapusta_desktop.store.models import Notice
from kapusta_desktop.ui.local_time import to_local

# Filter key -> the states it shows.
FILTERS: dict[str, tuple[str, ...] | None] = {
    "all": None,
    "waiting": ("held", "pending", "sending"),
    "sent": ("sent",),
    "problems": ("failed", "uncertain", "stopped"),
}
# Shown through NoticesModel.tr(); the NOOP marks let lupdate find them.
STATE_TEXT = {
    "held": QT_TRANSLATE_NOOP("NoticesModel", "held (quiet hours)"),
    "pending": QT_TRANSLATE_NOOP("NoticesModel", "waiting"),
    "sending": QT_TRANSLATE_NOOP("NoticesModel", "sending"),
    "sent": QT_TRANSLATE_NOOP("NoticesModel", "sent"),
    "failed": QT_TRANSLATE_NOOP("NoticesModel", "failed"),
    "uncertain": QT_TRANSLATE_NOOP("NoticesModel", "uncertain"),
    "stopped": QT_TRANSLATE_NOOP("NoticesModel", "chat stopped"),
}
Index = QModelIndex | QPersistentModelIndex


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return f"{to_local(moment):%d.%m %H:%M:%S}"


class NoticesModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("NoticesModel", "Created"),
        QT_TRANSLATE_NOOP("NoticesModel", "Kind"),
        QT_TRANSLATE_NOOP("NoticesModel", "To"),
        QT_TRANSLATE_NOOP("NoticesModel", "State"),
        QT_TRANSLATE_NOOP("NoticesModel", "Tries"),
        QT_TRANSLATE_NOOP("NoticesModel", "Sent"),
        QT_TRANSLATE_NOOP("NoticesModel", "Error"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Notice] = []
        self.states: tuple[str, ...] | None = None

    def reload(self) -> None:
        query = Notice.select().order_by(Notice.id.desc()).limit(2000)
        if self.states is not None:
            query = query.where(Notice.state.in_(self.states))
        self.beginResetModel()
        self._rows = list(query)
        self.endResetModel()

    def notice(self, row: int) -> Notice | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.COLUMNS[section]) if 0 <= section < len(self.COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        n = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return _local(n.created_at)
            if col == 1:
                try:
                    return KIND_TITLES[NoticeKind(n.kind)]
                except ValueError:
                    return n.kind
            if col == 2:
                chat = n.sent_chat_id or n.chat_id
                return f"{n.recipient} ({chat})" if n.recipient else chat
            if col == 3:
                text = self.tr(STATE_TEXT.get(n.state, n.state))
                if n.state == "held" and n.hold_until:
                    text += " " + self.tr("until") + " " + _local(n.hold_until)
                if n.possible_duplicate:
                    text += " · " + self.tr("possible duplicate")
                return text
            if col == 4:
                return n.attempts
            if col == 5:
                return _local(n.sent_at)
            if col == 6:
                return n.error or ""
        if role == Qt.ItemDataRole.ToolTipRole and col == 6:
            return n.error or None
        if role == Qt.ItemDataRole.UserRole:
            return n.id
        return None


class _BusBridge(QObject):
    """Bus events (plain Python) into one Qt signal; the view refreshes on it."""

    changed = Signal()
    alert = Signal(str)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = [
            bus.subscribe(NoticesChanged, lambda _e: self.changed.emit()),
            bus.subscribe(TelegramTargetStopped, lambda e: self.alert.emit(
                QCoreApplication.translate("NoticesView", "chat %1 stopped: %2")
                .replace("%1", str(e.chat_id)).replace("%2", e.reason)
            )),
            bus.subscribe(TelegramTokenRejected, lambda e: self.alert.emit(e.reason)),
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []


class NoticesView(QWidget):
    """`retry(notice_id)` and `resume_chat(chat_id)` come from the notifier; the view never sends itself."""

    def __init__(
        self,
        bus: EventBus,
        retry: Callable[[int], None],
        resume_chat: Callable[[str], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._retry = retry
        self._resume_chat = resume_chat
        self.model = NoticesModel(self)

        self.filter = QComboBox()
        for key, title in (("all", self.tr("All notices")), ("waiting", self.tr("Waiting")), ("sent", self.tr("Sent")),
                           ("problems", self.tr("Failed or stopped"))):
            self.filter.addItem(title, key)
        self.filter.currentIndexChanged.connect(self.refresh)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.resume_button = QPushButton(self.tr("Resume chat"))
        self.resume_button.setToolTip(self.tr("The chat unblocked the bot or added it back: send what waits for it"))
        self.resume_button.clicked.connect(self.resume_selected)
        self.alert = QLabel()
        self.alert.setWordWrap(True)
        self.alert.setStyleSheet("color: #b00020;")
        self.alert.hide()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)

        top = QHBoxLayout()
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(self.retry_button)
        top.addWidget(self.resume_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.alert)
        layout.addWidget(split)

        # Many events arrive in a burst while the worker drains the queue: refresh once per burst.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self._bridge = _BusBridge(bus, self)
        self._bridge.changed.connect(self._debounce.start)
        self._bridge.alert.connect(self.show_alert)
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected_notice()
        self.model.states = FILTERS[self.filter.currentData() or "all"]
        self.model.reload()
        if selected is not None:
            for row in range(self.model.rowCount()):
                n = self.model.notice(row)
                if n is not None and n.id == selected.id:
                    self.table.selectRow(row)
                    break
        self._selection_changed()

    def selected_notice(self) -> Notice | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.notice(rows[0].row()) if rows else None

    def show_alert(self, text: str) -> None:
        self.alert.setText(text)
        self.alert.show()

    def _selection_changed(self, *_: object) -> None:
        n = self.selected_notice()
        self.retry_button.setEnabled(n is not None and n.state in ("failed", "uncertain", "stopped"))
        self.resume_button.setEnabled(n is not None and n.state == "stopped")
        if n is None:
            self.preview.clear()
            return
        button = f"\n[{n.button_text}] {n.button_url}" if n.button_url else ""
        self.preview.setPlainText(f"{n.text}{button}\n\n({visible_length(n.text)} / 4096)")

    def retry_selected(self) -> None:
        n = self.selected_notice()
        if n is None:
            return
        try:
            self._retry(n.id)
        except (LookupError, ValueError) as exc:
            self.show_alert(str(exc))
        self.refresh()

    def resume_selected(self) -> None:
        n = self.selected_notice()
        if n is None:
            return
        self._resume_chat(n.sent_chat_id or n.chat_id)
        self.alert.hide()
        self.refresh()

    def detach(self) -> None:
        self._bridge.detach()
