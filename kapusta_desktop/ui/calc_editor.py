"""The calculation editor: versions of a tender's (or deal's) calculation, edited like a spreadsheet.

Keys: Enter moves down, Tab moves right, typing starts editing, Insert adds a
line, Ctrl+D duplicates the line, Ctrl+Delete deletes it, Ctrl+Z / Ctrl+Y
undo and redo, Ctrl+C copies the line (tab-separated), Ctrl+S saves.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.services.calc_export import ExportError, export_group
from kapusta_desktop.services.calc_rows import ordered_lines, vat_rate
from kapusta_desktop.services.editing import ValidationError
from kapusta_desktop.services.tenders import LineValues, TenderError, TenderService
from kapusta_desktop.store.models import CalculationGroup
from kapusta_desktop.ui.calc_compare import CalcCompareWidget, group_label
from kapusta_desktop.ui.calc_model import COLUMNS, CalcLinesModel, format_money, format_quantity
from kapusta_desktop.ui.editors import translate_error
from kapusta_desktop.ui.spreadsheet_view import SpreadsheetView

log = logging.getLogger(__name__)


class CalcEditor(QWidget):
    saved = Signal(int)  # group id
    chosen = Signal(int)  # group id

    def __init__(
        self,
        service: TenderService,
        *,
        tender_id: int | None = None,
        deal_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if (tender_id is None) == (deal_id is None):
            raise ValueError("the editor works on one tender or one deal")
        self.service = service
        self.tender_id = tender_id
        self.deal_id = deal_id
        self.group_id: int | None = None
        self._compare_windows: list[CalcCompareWidget] = []

        self.model = CalcLinesModel(vat_rate=vat_rate(), parent=self)
        self.view = SpreadsheetView(self)
        self.view.setModel(self.model)

        self.versions = QComboBox()
        self.versions.setMinimumWidth(220)
        self.compare_with = QComboBox()
        self.totals_label = QLabel()
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")

        self.toolbar = QToolBar()
        self.act_add = self._action(self.tr("Add line"), QKeySequence(Qt.Key.Key_Insert), self.add_line)
        self.act_duplicate = self._action(self.tr("Duplicate line"), QKeySequence("Ctrl+D"), self.duplicate_line)
        self.act_delete = self._action(self.tr("Delete line"), QKeySequence("Ctrl+Delete"), self.delete_line)
        self.act_copy = self._action(self.tr("Copy line"), QKeySequence.StandardKey.Copy, self.copy_line)
        self.toolbar.addSeparator()
        self.act_undo = self.model.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.model.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        for act in (self.act_undo, self.act_redo):
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(act)
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        self.act_save = self._action(self.tr("Save"), QKeySequence.StandardKey.Save, self.save)

        new_calc = QPushButton(self.tr("New calculation"))
        new_calc.clicked.connect(self._ask_new_group)
        new_version = QPushButton(self.tr("New version"))
        new_version.clicked.connect(self.new_version)
        self.choose_button = QPushButton(self.tr("Use for the deal"))
        self.choose_button.setToolTip(self.tr("Make this version the chosen one: its total becomes the deal amount"))
        self.choose_button.clicked.connect(self.choose)
        export = QPushButton(self.tr("Export to Excel…"))
        export.clicked.connect(self._ask_export)
        compare = QPushButton(self.tr("Compare"))
        compare.clicked.connect(self.compare)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Version:")))
        top.addWidget(self.versions)
        for button in (new_calc, new_version, self.choose_button, export):
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("with")))
        top.addWidget(self.compare_with)
        top.addWidget(compare)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.message)

        self.model.totalsChanged.connect(self._show_totals)
        self.model.inputRejected.connect(self.message.setText)
        self.model.undo_stack.cleanChanged.connect(self._update_title)
        self.versions.currentIndexChanged.connect(self._version_picked)
        self.reload_versions()

    def _action(self, text: str, shortcut: QKeySequence, slot: object) -> QAction:
        act = QAction(text, self)
        act.setShortcut(shortcut)
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(slot)
        self.addAction(act)
        self.toolbar.addAction(act)
        return act

    # ---- versions --------------------------------------------------------------------------

    def _groups(self) -> list[CalculationGroup]:
        query = CalculationGroup.select()
        if self.tender_id is not None:
            query = query.where(CalculationGroup.tender == self.tender_id)
        else:
            query = query.where((CalculationGroup.deal == self.deal_id) & CalculationGroup.tender.is_null())
        return list(query.order_by(CalculationGroup.name, CalculationGroup.version))

    def reload_versions(self, select_id: int | None = None) -> None:
        groups = self._groups()
        target = select_id if select_id is not None else self.group_id
        if target is None and groups:
            target = next((g.id for g in groups if g.is_chosen), groups[-1].id)
        self.versions.blockSignals(True)
        self.versions.clear()
        self.compare_with.clear()
        for g in groups:
            self.versions.addItem(group_label(g), g.id)
            self.compare_with.addItem(group_label(g), g.id)
        self.versions.blockSignals(False)
        if target is not None and (pos := self.versions.findData(target)) >= 0:
            self.versions.setCurrentIndex(pos)
            self._load(target)
        else:
            self.group_id = None
            self.model.set_lines([])
        self.choose_button.setEnabled(self.group_id is not None)

    def _version_picked(self, position: int) -> None:
        group_id = self.versions.itemData(position)
        if group_id is None or group_id == self.group_id:
            return
        if self.is_dirty():
            self.message.setText(self.tr("Save or undo the changes before switching versions."))
            self.versions.blockSignals(True)
            self.versions.setCurrentIndex(self.versions.findData(self.group_id))
            self.versions.blockSignals(False)
            return
        self._load(group_id)

    def _load(self, group_id: int) -> None:
        group = CalculationGroup.get_by_id(group_id)
        self.group_id = group_id
        self.model.vat_rate = vat_rate()
        self.model.set_lines([LineValues.from_row(r) for r in ordered_lines(group)])
        self.message.clear()
        self._update_title()
        if self.model.rowCount():
            self.view.focus_cell(0, 0)

    def is_dirty(self) -> bool:
        return not self.model.undo_stack.isClean()

    def _update_title(self, *_: object) -> None:
        base = self.versions.currentText()
        self.setWindowTitle(base + (" *" if self.is_dirty() else ""))

    def _show_totals(self) -> None:
        t = self.model.totals()
        self.totals_label.setText(
            self.tr("Lines: %1 · hours: %2 · cost: %3 · before VAT: %4 · VAT: %5 · total: %6")
            .replace("%1", str(t.lines))
            .replace("%2", format_quantity(t.hours))
            .replace("%3", format_money(t.cost))
            .replace("%4", format_money(t.net))
            .replace("%5", format_money(t.vat))
            .replace("%6", format_money(t.gross))
        )

    # ---- line actions ----------------------------------------------------------------------

    def add_line(self) -> None:
        if self.group_id is None:
            self.new_group(self.tr("Calculation"))
        row = self.view.current_row()
        at = self.model.add_line(row + 1 if row >= 0 else None)
        self.view.focus_cell(at, 0)

    def duplicate_line(self) -> None:
        row = self.view.current_row()
        if row >= 0:
            self.view.focus_cell(self.model.duplicate_line(row), self.view.currentIndex().column())

    def delete_line(self) -> None:
        row = self.view.current_row()
        if row >= 0 and self.model.remove_line(row):
            self.view.focus_cell(min(row, self.model.rowCount() - 1), self.view.currentIndex().column())

    def copy_line(self) -> None:
        row = self.view.current_row()
        if row < 0:
            return
        cells = [str(self.model.index(row, c).data() or "") for c in range(len(COLUMNS))]
        cells[COLUMNS.index(next(c for c in COLUMNS if c.key == "vat"))] = "1" if self.model.line(row).vat else "0"
        QGuiApplication.clipboard().setText("\t".join(cells))

    # ---- group actions ---------------------------------------------------------------------

    def new_group(self, name: str) -> int | None:
        try:
            group = self.service.new_group(tender_id=self.tender_id, deal_id=self.deal_id, name=name)
        except ValidationError as exc:
            self.message.setText("; ".join(translate_error(v) for v in exc.errors.values()))
            return None
        self.model.undo_stack.clear()
        self.reload_versions(group.id)
        return group.id

    def _ask_new_group(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New calculation"), self.tr("Name:"))
        if ok:
            self.new_group(name)

    def save(self) -> bool:
        if self.group_id is None:
            return False
        try:
            self.service.save_lines(self.group_id, self.model.lines())
        except ValidationError as exc:
            self.message.setText("; ".join(f"{k}: {translate_error(v)}" for k, v in exc.errors.items()))
            return False
        self.model.undo_stack.setClean()
        self.message.clear()
        self.saved.emit(self.group_id)
        return True

    def new_version(self) -> int | None:
        if self.group_id is None or (self.is_dirty() and not self.save()):
            return None
        copy = self.service.new_version(self.group_id)
        self.reload_versions(copy.id)
        return copy.id

    def choose(self) -> None:
        if self.group_id is None or (self.is_dirty() and not self.save()):
            return
        try:
            self.service.choose_group(self.group_id)
        except (ValidationError, TenderError) as exc:
            self.message.setText(str(exc))
            return
        self.reload_versions(self.group_id)
        self.chosen.emit(self.group_id)

    def export_to(self, path: Path) -> Path | None:
        if self.group_id is None or (self.is_dirty() and not self.save()):
            return None
        try:
            written = export_group(CalculationGroup.get_by_id(self.group_id), path)
        except ExportError as exc:
            self.message.setText(str(exc))
            return None
        self.message.setText(self.tr("Exported to %1").replace("%1", str(written)))
        return written

    def _ask_export(self) -> None:
        if self.group_id is None:
            return
        name = self.versions.currentText().replace(" ✓", "").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export calculation"), f"{name}.xlsx", "Excel (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def compare(self) -> CalcCompareWidget | None:
        other = self.compare_with.currentData()
        if self.group_id is None or other is None:
            return None
        widget = CalcCompareWidget(CalculationGroup.get_by_id(other), CalculationGroup.get_by_id(self.group_id))
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        widget.destroyed.connect(lambda *_: self._compare_windows.remove(widget))
        self._compare_windows.append(widget)
        widget.show()
        return widget
