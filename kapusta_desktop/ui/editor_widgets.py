"""Small editor parts: a record picker that searches the cache, and a list of typed values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

Search = Callable[[str], list[tuple[int, str]]]


class RecordPicker(QWidget):
    """A line edit that offers matching cache records as you type; keeps the chosen record's id."""

    picked = Signal(int, str)

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._choices: dict[str, int] = {}
        self._id: int | None = None
        self._label = ""
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(self.tr("Type to search…"))
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(self.completer)
        self.edit.textEdited.connect(self._refresh)
        self.completer.activated.connect(self._choose)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)

    def _refresh(self, text: str) -> None:
        text = text.strip()
        found = self._search(text) if len(text) >= 2 else []
        self._choices = {label: rid for rid, label in found}
        self._model.setStringList(list(self._choices))

    def _choose(self, label: str) -> None:
        if label in self._choices:
            self.set_record(self._choices[label], label)
            self.picked.emit(self._choices[label], label)

    def set_record(self, record_id: int | None, label: str = "") -> None:
        self._id = record_id
        self._label = label if record_id is not None else ""
        self.edit.setText(self._label)

    def record_id(self) -> int | None:
        return self._id if self._id is not None and self.edit.text() == self._label else None

    def unresolved(self) -> bool:
        """Text typed but no record chosen for it."""
        return bool(self.edit.text().strip()) and self.record_id() is None


class RecordList(QWidget):
    """Several picked records (a deal's contacts), in order; the first is the primary one."""

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        self.picker = RecordPicker(search)
        self.picker.picked.connect(self._add)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self._remove)
        row = QHBoxLayout()
        row.addWidget(self.picker, 1)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)

    def _add(self, record_id: int, label: str) -> None:
        if record_id not in self.ids():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            self.list.addItem(item)
        self.picker.set_record(None)

    def _remove(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def set_records(self, records: Sequence[tuple[int, str]]) -> None:
        self.list.clear()
        for rid, label in records:
            self._add(rid, label)

    def ids(self) -> list[int]:
        return [int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())]


class TypedValueList(QWidget):
    """Rows of (value, type) such as phones or e-mails; remembers each row's Bitrix24 item id."""

    def __init__(self, types: Sequence[tuple[str, str]], add_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._types = list(types)
        self._rows: list[tuple[QLineEdit, QComboBox, QToolButton, int | None]] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(lambda: self.add_row())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def add_row(self, value: str = "", value_type: str | None = None, item_id: int | None = None) -> QLineEdit:
        edit = QLineEdit(value)
        combo = QComboBox()
        for code, label in self._types:
            combo.addItem(label, code)
        if value_type is not None:
            pos = combo.findData(value_type)
            if pos < 0:  # a type from Bitrix24 we do not list: keep it rather than change it silently
                combo.addItem(value_type, value_type)
                pos = combo.count() - 1
            combo.setCurrentIndex(pos)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(self.tr("Remove"))
        entry = (edit, combo, remove, item_id)
        remove.clicked.connect(lambda: self._remove(entry))
        r = len(self._rows)
        self._grid.addWidget(edit, r, 0)
        self._grid.addWidget(combo, r, 1)
        self._grid.addWidget(remove, r, 2)
        self._rows.append(entry)
        return edit

    def _remove(self, entry: tuple[QLineEdit, QComboBox, QToolButton, int | None]) -> None:
        self._rows.remove(entry)
        for w in entry[:3]:
            self._grid.removeWidget(w)  # type: ignore[arg-type]
            w.deleteLater()  # type: ignore[union-attr]

    def set_values(self, values: Sequence[tuple[str, str, int | None]]) -> None:
        for entry in list(self._rows):
            self._remove(entry)
        for value, value_type, item_id in values:
            self.add_row(value, value_type, item_id)

    def values(self) -> list[tuple[str, str, int | None]]:
        return [(e.text(), str(c.currentData()), item_id) for e, c, _, item_id in self._rows]

    def edits(self) -> list[QLineEdit]:
        return [e for e, *_ in self._rows]
