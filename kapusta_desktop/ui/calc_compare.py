"""Two calculation versions side by side, with the cells that differ highlighted."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from kapusta_desktop.services.calc_rows import ordered_lines, vat_rate
from kapusta_desktop.services.tenders import LineValues
from kapusta_desktop.store.models import CalculationGroup
from kapusta_desktop.ui.calc_model import CalcLinesModel, differing_cells, format_money


def group_label(group: CalculationGroup) -> str:
    mark = " ✓" if group.is_chosen else ""
    return f"{group.name} v{group.version}{mark}"


class CalcCompareWidget(QWidget):
    def __init__(self, left: CalculationGroup, right: CalculationGroup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("Compare: %1 ↔ %2").replace("%1", group_label(left)).replace("%2", group_label(right))
        )
        rate = vat_rate()
        left_lines = [LineValues.from_row(r) for r in ordered_lines(left)]
        right_lines = [LineValues.from_row(r) for r in ordered_lines(right)]
        self.left_model = CalcLinesModel(left_lines, vat_rate=rate, read_only=True, parent=self)
        self.right_model = CalcLinesModel(right_lines, vat_rate=rate, read_only=True, parent=self)
        cells = differing_cells(left_lines, right_lines, rate)
        self.left_model.set_highlight({c for c in cells if c[0] < len(left_lines)})
        self.right_model.set_highlight({c for c in cells if c[0] < len(right_lines)})
        self.differences = len(cells)

        layout = QHBoxLayout()
        for model, group in ((self.left_model, left), (self.right_model, right)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{group_label(group)}</b>"))
            view = QTableView()
            view.setModel(model)
            view.resizeColumnsToContents()
            column.addWidget(view)
            totals = model.totals()
            column.addWidget(QLabel(self.tr("Total with VAT: %1").replace("%1", format_money(totals.gross))))
            layout.addLayout(column)
        outer = QVBoxLayout(self)
        outer.addLayout(layout)
        delta: Decimal = self.right_model.totals().gross - self.left_model.totals().gross
        sign = "+" if delta > 0 else ""
        self.delta_label = QLabel(
            self.tr("Difference: %1 (cells that differ are highlighted: %2)")
            .replace("%1", sign + format_money(delta))
            .replace("%2", str(self.differences))
        )
        outer.addWidget(self.delta_label)
        self.resize(1400, 500)
