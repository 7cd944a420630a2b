"""The Conflicts view: every field where Bitrix24 and the operator disagreed, with the two ways out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.services.sync import actions

ENTITY_NAMES = {  # shown through ConflictsView.tr()
    "deal": QT_TRANSLATE_NOOP("ConflictsView", "Deal"),
    "contact": QT_TRANSLATE_NOOP("ConflictsView", "Contact"),
    "company": QT_TRANSLATE_NOOP("ConflictsView", "Company"),
    "task": QT_TRANSLATE_NOOP("ConflictsView", "Task"),
}


def _text(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


class ConflictsView(QWidget):
    def __init__(self, on_changed: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_changed = on_changed or (lambda: None)
        self.rows: list[actions.ConflictRow] = []
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("conflictsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Record"), self.tr("Field"), self.tr("Mine"),
                                              self.tr("Bitrix24's")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.apply_mine = QPushButton(self.tr("Apply mine again"))
        self.keep_theirs = QPushButton(self.tr("Keep Bitrix24's"))
        self.apply_mine.clicked.connect(lambda: self._act(actions.apply_mine_again))
        self.keep_theirs.clicked.connect(lambda: self._act(actions.keep_theirs))
        self.empty = QLabel(self.tr("No conflicts: the cache and Bitrix24 agree."))
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_mine)
        buttons.addWidget(self.keep_theirs)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.rows = actions.list_conflicts()
        self.table.setRowCount(len(self.rows))
        for i, c in enumerate(self.rows):
            record = f"{self.tr(ENTITY_NAMES.get(c.entity_type, c.entity_type))}: {c.title}"
            for col, text in enumerate((record, c.field, _text(c.mine), _text(c.theirs))):
                self.table.setItem(i, col, QTableWidgetItem(text))
        self.empty.setVisible(not self.rows)
        self._selection_changed()

    def selected(self) -> list[actions.ConflictRow]:
        picked = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[i] for i in picked if i < len(self.rows)]

    def _selection_changed(self) -> None:
        has = bool(self.selected())
        self.apply_mine.setEnabled(has)
        self.keep_theirs.setEnabled(has)

    def _act(self, action: Callable[[str, int, str], object]) -> None:
        picked = self.selected()
        try:
            for c in picked:
                action(c.entity_type, c.record_id, c.field)
        except actions.ActionError as exc:  # the row changed under us (a pull resolved it)
            QMessageBox.information(self, self.tr("Conflicts"), str(exc))
        self.reload()
        if picked:
            self._on_changed()
