"""The calculation lines as an editable Qt table: inputs on the left, figures on the right.

Lines live in memory as `LineValues` until the editor saves them; every change
(cell edit, insert, duplicate, delete) is a QUndoCommand, so Ctrl+Z undoes it.
The figures come from domain.calc, the same code the deal amount and the
export use.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QUndoCommand, QUndoStack

from kapusta_desktop.domain.calc import (
    DEFAULT_VAT_RATE,
    CalcInputError,
    GroupTotals,
    LineTotals,
    line_totals,
    sum_totals,
    to_decimal,
    validate_line,
)
from kapusta_desktop.services.tenders import LineValues
from kapusta_desktop.ui.editors import translate_error

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    editable: bool
    kind: str  # text, int, decimal, money, percent, bool


COLUMNS: tuple[Column, ...] = (
    Column("site_name", QT_TRANSLATE_NOOP("CalcLinesModel", "Site / post"), True, "text"),
    Column("posts", QT_TRANSLATE_NOOP("CalcLinesModel", "Posts"), True, "int"),
    Column("guards_per_post", QT_TRANSLATE_NOOP("CalcLinesModel", "Guards per post"), True, "int"),
    Column("hours_per_day", QT_TRANSLATE_NOOP("CalcLinesModel", "Hours a day"), True, "decimal"),
    Column("days_per_month", QT_TRANSLATE_NOOP("CalcLinesModel", "Days a month"), True, "decimal"),
    Column("months", QT_TRANSLATE_NOOP("CalcLinesModel", "Months"), True, "int"),
    Column("hourly_rate", QT_TRANSLATE_NOOP("CalcLinesModel", "Rate per hour"), True, "money"),
    Column("extra_costs", QT_TRANSLATE_NOOP("CalcLinesModel", "Extra costs"), True, "money"),
    Column("margin_pct", QT_TRANSLATE_NOOP("CalcLinesModel", "Margin %"), True, "percent"),
    Column("vat", QT_TRANSLATE_NOOP("CalcLinesModel", "VAT"), True, "bool"),
    Column("hours", QT_TRANSLATE_NOOP("CalcLinesModel", "Hours"), False, "decimal"),
    Column("cost", QT_TRANSLATE_NOOP("CalcLinesModel", "Cost"), False, "money"),
    Column("net", QT_TRANSLATE_NOOP("CalcLinesModel", "Price before VAT"), False, "money"),
    Column("vat_amount", QT_TRANSLATE_NOOP("CalcLinesModel", "VAT amount"), False, "money"),
    Column("gross", QT_TRANSLATE_NOOP("CalcLinesModel", "Price with VAT"), False, "money"),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
FIRST_FIGURE = COLUMN_INDEX["hours"]
_FIGURE_ATTR = {"hours": "hours", "cost": "cost", "net": "net", "vat_amount": "vat", "gross": "gross"}
_READ_ONLY_BG = QColor(245, 245, 245)


def format_decimal(value: Decimal, places: int | None = 2) -> str:
    """Exact Decimal → text with the locale's separators (never through float)."""
    locale = QLocale()
    text = f"{value:,.{places}f}" if places is not None else f"{value.normalize():,f}"
    group, point = locale.groupSeparator(), locale.decimalPoint()
    return text.replace(",", "\x00").replace(".", point).replace("\x00", group)


def format_money(value: Decimal) -> str:
    return format_decimal(value, 2)


def format_quantity(value: Decimal) -> str:
    """Hours and days: as many decimals as they have, none for whole numbers."""
    if value == value.to_integral_value():
        return format_decimal(value, 0)
    return format_decimal(value, None)


def parse_cell(column: Column, value: Any) -> Any:
    """Turn what the operator typed into the line's field value; raises CalcInputError."""
    if column.kind == "text":
        return str(value or "").strip()
    if column.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int):  # a CheckStateRole value
            return value == Qt.CheckState.Checked.value
        return str(value).strip().lower() in {"1", "yes", "y", "true", "да", "д", "+"}
    if isinstance(value, Decimal | int):
        number = to_decimal(value, column.key)
    else:
        text = str(value).strip()
        if "," in text and "." in text:  # both: whichever comes first groups thousands
            text = text.replace("," if text.index(",") < text.index(".") else ".", "")
        number = to_decimal(text, column.key)  # a lone comma is the Russian decimal point
    if column.kind == "int":
        if number != number.to_integral_value():
            raise CalcInputError(column.key, "must be a whole number")
        return int(number)
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise CalcInputError(column.key, "use at most two digits after the decimal point")
    return number


class _SetCell(QUndoCommand):
    def __init__(self, model: CalcLinesModel, row: int, key: str, new: Any) -> None:
        super().__init__(
            QCoreApplication.translate("CalcLinesModel", "edit %1").replace(
                "%1", QCoreApplication.translate("CalcLinesModel", COLUMNS[COLUMN_INDEX[key]].title)
            )
        )
        self.model, self.row, self.key, self.new = model, row, key, new
        self.old = getattr(model.line(row), key)

    def redo(self) -> None:
        self.model._put(self.row, self.key, self.new)

    def undo(self) -> None:
        self.model._put(self.row, self.key, self.old)


class _InsertLine(QUndoCommand):
    def __init__(self, model: CalcLinesModel, row: int, line: LineValues, text: str) -> None:
        super().__init__(text)
        self.model, self.row, self.line = model, row, line

    def redo(self) -> None:
        self.model._insert(self.row, self.line)

    def undo(self) -> None:
        self.model._remove(self.row)


class _RemoveLine(QUndoCommand):
    def __init__(self, model: CalcLinesModel, row: int) -> None:
        super().__init__(QCoreApplication.translate("CalcLinesModel", "delete line"))
        self.model, self.row = model, row
        self.line = model.line(row)

    def redo(self) -> None:
        self.model._remove(self.row)

    def undo(self) -> None:
        self.model._insert(self.row, self.line)


class CalcLinesModel(QAbstractTableModel):
    totalsChanged = Signal()
    inputRejected = Signal(str)  # a message for the operator

    def __init__(
        self,
        lines: list[LineValues] | None = None,
        *,
        vat_rate: Decimal = DEFAULT_VAT_RATE,
        read_only: bool = False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._lines: list[LineValues] = list(lines or [])
        self._figures: list[LineTotals] = [self._figure(x) for x in self._lines]
        self.vat_rate = vat_rate
        self.read_only = read_only
        self.undo_stack = QUndoStack(self)
        self._highlight: set[tuple[int, int]] = set()

    # ---- data --------------------------------------------------------------------------------

    def _figure(self, line: LineValues) -> LineTotals:
        try:
            return line_totals(line.as_input(), getattr(self, "vat_rate", DEFAULT_VAT_RATE))
        except CalcInputError:
            zero = Decimal("0.00")
            return LineTotals(hours=Decimal(0), cost=zero, net=zero, vat=zero, gross=zero)

    def lines(self) -> list[LineValues]:
        return list(self._lines)

    def line(self, row: int) -> LineValues:
        return self._lines[row]

    def line_figures(self, row: int) -> LineTotals:
        return self._figures[row]

    def totals(self) -> GroupTotals:
        return sum_totals(self._figures)

    def set_lines(self, lines: list[LineValues]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self._figures = [self._figure(x) for x in self._lines]
        self.endResetModel()
        self.undo_stack.clear()
        self.totalsChanged.emit()

    def set_highlight(self, cells: set[tuple[int, int]]) -> None:
        """Cells (row, column) shown as different (compare view)."""
        self._highlight = set(cells)
        if self._lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._lines) - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.tr(COLUMNS[section].title) if 0 <= section < len(COLUMNS) else None
        return str(section + 1) if 0 <= section < len(self._lines) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = COLUMNS[index.column()]
        if column.editable and not self.read_only:
            flags |= Qt.ItemFlag.ItemIsUserCheckable if column.kind == "bool" else Qt.ItemFlag.ItemIsEditable
        return flags

    def value(self, row: int, key: str) -> Any:
        if key in _FIGURE_ATTR:
            return getattr(self._figures[row], _FIGURE_ATTR[key])
        return getattr(self._lines[row], key)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._lines)):
            return None
        column = COLUMNS[index.column()]
        value = self.value(index.row(), column.key)
        if role == Qt.ItemDataRole.CheckStateRole and column.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if column.kind == "bool":
                return None
            return self._display(column, value)
        if role == Qt.ItemDataRole.EditRole:
            if column.kind in ("decimal", "money", "percent"):
                return format_quantity(value) if column.kind != "money" else format_money(value)
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind not in ("text", "bool"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if (index.row(), index.column()) in self._highlight:
                return QBrush(QColor(255, 230, 153))
            if not column.editable:
                return QBrush(_READ_ONLY_BG)
        if role == Qt.ItemDataRole.ToolTipRole and (index.row(), index.column()) in self._highlight:
            return self.tr("Differs from the other version")
        return None

    @staticmethod
    def _display(column: Column, value: Any) -> str:
        if column.kind == "money":
            return format_money(value)
        if column.kind == "decimal":
            return format_quantity(value)
        if column.kind == "percent":
            return format_quantity(value) + " %"
        return str(value)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.read_only:
            return False
        column = COLUMNS[index.column()]
        if not column.editable:
            return False
        if role not in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.CheckStateRole):
            return False
        if role == Qt.ItemDataRole.CheckStateRole and column.kind != "bool":
            return False
        try:
            new = parse_cell(column, value)
            candidate = replace(self._lines[index.row()], **{column.key: new})
            if column.key == "site_name":
                if len(new) > 255:
                    raise CalcInputError("site_name", "longer than 255 characters")
            else:
                validate_line(candidate.as_input(), self.vat_rate)
        except CalcInputError as exc:
            self.inputRejected.emit(f"{self.tr(column.title)}: {translate_error(exc.message)}")
            return False
        if new == getattr(self._lines[index.row()], column.key):
            return True
        self.undo_stack.push(_SetCell(self, index.row(), column.key, new))
        return True

    # ---- line operations (undoable) ------------------------------------------------------------

    def add_line(self, row: int | None = None, line: LineValues | None = None) -> int:
        row = len(self._lines) if row is None else max(0, min(row, len(self._lines)))
        self.undo_stack.push(_InsertLine(self, row, line or LineValues(), self.tr("add line")))
        return row

    def duplicate_line(self, row: int) -> int:
        if not 0 <= row < len(self._lines):
            return -1
        copy = replace(self._lines[row])
        self.undo_stack.push(_InsertLine(self, row + 1, copy, self.tr("duplicate line")))
        return row + 1

    def remove_line(self, row: int) -> bool:
        if not 0 <= row < len(self._lines):
            return False
        self.undo_stack.push(_RemoveLine(self, row))
        return True

    # ---- raw changes the commands apply --------------------------------------------------------

    def _put(self, row: int, key: str, value: Any) -> None:
        self._lines[row] = replace(self._lines[row], **{key: value})
        self._figures[row] = self._figure(self._lines[row])
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.totalsChanged.emit()

    def _insert(self, row: int, line: LineValues) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self._lines.insert(row, line)
        self._figures.insert(row, self._figure(line))
        self.endInsertRows()
        self.totalsChanged.emit()

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._lines[row]
        del self._figures[row]
        self.endRemoveRows()
        self.totalsChanged.emit()


def _row_values(line: LineValues, vat_rate: Decimal) -> list[Any]:
    try:
        figures: LineTotals | None = line_totals(line.as_input(), vat_rate)
    except CalcInputError:
        figures = None
    return [
        (getattr(figures, _FIGURE_ATTR[c.key]) if figures else None) if c.key in _FIGURE_ATTR else getattr(line, c.key)
        for c in COLUMNS
    ]


def differing_cells(left: list[LineValues], right: list[LineValues], vat_rate: Decimal) -> set[tuple[int, int]]:
    """Cells (row, column) where two versions differ, lines matched by position; extra lines differ whole."""
    cells: set[tuple[int, int]] = set()
    for row in range(max(len(left), len(right))):
        if row >= len(left) or row >= len(right):
            cells.update((row, col) for col in range(len(COLUMNS)))
            continue
        a, b = _row_values(left[row], vat_rate), _row_values(right[row], vat_rate)
        cells.update((row, col) for col in range(len(COLUMNS)) if a[col] != b[col])
    return cells
