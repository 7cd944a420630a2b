"""A QTableView that moves like a spreadsheet: Enter goes down, Tab goes right over editable cells."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget


class SpreadsheetView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        triggers = (
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setEditTriggers(triggers)
        self.setTabKeyNavigation(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)

    def _step_down(self) -> None:
        index = self.currentIndex()
        model = self.model()
        if index.isValid() and model is not None and index.row() + 1 < model.rowCount():
            self.setCurrentIndex(index.sibling(index.row() + 1, index.column()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self._step_down()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter inside an editor commits (SubmitModelCache); like a spreadsheet, it then moves down.
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._step_down()
            return
        super().closeEditor(editor, hint)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Tab / Shift+Tab visit editable cells only, wrapping to the next or previous line."""
        forward = action == QAbstractItemView.CursorAction.MoveNext
        if not forward and action != QAbstractItemView.CursorAction.MovePrevious:
            return super().moveCursor(action, modifiers)
        model = self.model()
        current = self.currentIndex()
        if model is None or not current.isValid():
            return super().moveCursor(action, modifiers)
        rows, cols = model.rowCount(), model.columnCount()
        position = current.row() * cols + current.column()
        for _ in range(rows * cols):
            position = (position + (1 if forward else -1)) % (rows * cols)
            candidate = model.index(position // cols, position % cols)
            if candidate.flags() & (Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable):
                return candidate
        return current

    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def focus_cell(self, row: int, column: int) -> None:
        model: Any = self.model()
        if model is not None and 0 <= row < model.rowCount():
            self.setCurrentIndex(model.index(row, column))
