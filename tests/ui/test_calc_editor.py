from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.editing import EditingService
from kapusta_desktop.services.tenders import LineValues, TenderInput, TenderService
from kapusta_desktop.store.models import CalculationGroup, Deal, GuardCalcLine
from kapusta_desktop.ui.calc_editor import CalcEditor
from kapusta_desktop.ui.calc_model import COLUMN_INDEX, CalcLinesModel, format_money

D = Decimal
# The offscreen platform says this for any shown top-level window; it is not our warning.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def service(db) -> TenderService:
    return TenderService(db, EventBus(), EditingService(db))


@pytest.fixture
def editor(qtbot, service: TenderService) -> CalcEditor:
    tender = service.create_tender(TenderInput(number="T-1", title="Охрана склада", max_price="100")).tender
    group = service.new_group(tender_id=tender.id, name="Базовый")
    service.save_lines(
        group.id,
        [
            LineValues(
                site_name="КПП", posts=2, months=12, hourly_rate=D("250"), extra_costs=D("15000"), margin_pct=D("15")
            ),
            LineValues(site_name="Патруль", days_per_month=D("1"), months=1, hourly_rate=D("100"), vat=False),
        ],
    )
    widget = CalcEditor(service, tender_id=tender.id)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_model_passes_the_model_tester(qtmodeltester) -> None:
    model = CalcLinesModel([LineValues(site_name="A", hourly_rate=D("100")), LineValues()])
    qtmodeltester.check(model, force_py=True)
    model.add_line()
    model.duplicate_line(0)
    model.setData(model.index(0, COLUMN_INDEX["posts"]), "3")
    model.remove_line(1)
    qtmodeltester.check(model, force_py=True)


def test_editing_a_cell_updates_totals_live_and_refuses_bad_input(editor: CalcEditor) -> None:
    model = editor.model
    # VAT at the default 22%: КПП 4985250 + 1096755 = 6082005.00; Патруль 2400.00 without VAT.
    assert model.totals().gross == D("6084405.00")
    assert format_money(D("6084405.00")) in editor.totals_label.text()
    assert model.setData(model.index(1, COLUMN_INDEX["hourly_rate"]), "200,00")
    assert model.totals().gross == D("6082005.00") + D("4800.00")
    assert model.line_figures(1).gross == D("4800.00")
    assert model.index(1, COLUMN_INDEX["gross"]).data() == format_money(D("4800.00"))
    assert format_money(D("6086805.00")) in editor.totals_label.text()
    assert not model.setData(model.index(1, COLUMN_INDEX["hours_per_day"]), "25")
    assert "between 0 and 24" in editor.message.text()  # the reason is shown
    assert not model.setData(model.index(1, COLUMN_INDEX["posts"]), "1.5")
    assert not model.setData(model.index(1, COLUMN_INDEX["gross"]), "1")  # figures are computed, not typed
    assert model.setData(
        model.index(1, COLUMN_INDEX["vat"]), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert model.line(1).vat is True


def test_enter_moves_down_and_tab_moves_over_editable_cells(qtbot, editor: CalcEditor) -> None:
    view = editor.view
    view.setFocus()
    view.focus_cell(0, COLUMN_INDEX["posts"])
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (1, COLUMN_INDEX["posts"])
    view.focus_cell(0, COLUMN_INDEX["vat"])
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (1, 0)  # skips computed columns

    # Typing starts editing; Enter commits and moves down.
    view.focus_cell(0, COLUMN_INDEX["months"])
    qtbot.keyClicks(view, "6")
    editor_widget = QGuiApplication.focusObject()
    qtbot.keyClick(editor_widget, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.model.line(0).months == 6)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 1)


def test_duplicate_delete_and_undo(qtbot, editor: CalcEditor) -> None:
    view = editor.view
    view.setFocus()
    view.focus_cell(0, 0)
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert [ln.site_name for ln in editor.model.lines()] == ["КПП", "КПП", "Патруль"]
    assert editor.model.totals().gross == D("6082005.00") * 2 + D("2400.00")  # КПП at the default 22% VAT
    view.focus_cell(2, 0)
    qtbot.keyClick(view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert [ln.site_name for ln in editor.model.lines()] == ["КПП", "КПП"]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [ln.site_name for ln in editor.model.lines()] == ["КПП", "КПП", "Патруль"]
    assert editor.is_dirty()
    view.focus_cell(2, 0)
    editor.act_copy.trigger()
    assert QGuiApplication.clipboard().text().split("\t")[0] == "Патруль"


def test_save_choose_new_version_and_compare(qtbot, editor: CalcEditor) -> None:
    first = editor.group_id
    editor.model.add_line(line=LineValues(site_name="Ночь", hourly_rate=D("10"), months=1))
    assert editor.save()
    assert GuardCalcLine.select().where(GuardCalcLine.group == first).count() == 3
    assert not editor.is_dirty()

    editor.choose()
    deal = Deal.get()
    # 6084405.00 (see above) + Ночь: 720 h × 10 = 7200 + 22% VAT 1584 = 8784.00.
    assert deal.amount == D("6084405.00") + D("8784.00") and deal.sync_state == "pending"
    assert "✓" in editor.versions.currentText()

    second = editor.new_version()
    assert second is not None and editor.group_id == second
    assert CalculationGroup.get_by_id(second).version == 2
    editor.model.setData(editor.model.index(0, COLUMN_INDEX["margin_pct"]), "20")
    editor.save()
    editor.compare_with.setCurrentIndex(editor.compare_with.findData(first))
    window = editor.compare()
    qtbot.addWidget(window)
    assert window.differences == 4  # margin, price before VAT, VAT, total on line 1
    assert (0, COLUMN_INDEX["margin_pct"]) in window.right_model._highlight
    assert window.right_model.index(0, COLUMN_INDEX["margin_pct"]).data(Qt.ItemDataRole.ToolTipRole)
    assert "+" in window.delta_label.text()
    window.close()


def test_switching_versions_with_unsaved_changes_is_refused(editor: CalcEditor) -> None:
    first = editor.group_id
    second = editor.new_version()
    editor.model.setData(editor.model.index(0, COLUMN_INDEX["posts"]), "5")
    editor.versions.setCurrentIndex(editor.versions.findData(first))
    assert editor.group_id == second and editor.versions.currentData() == second
    assert "Save" in editor.message.text()


def test_export_from_the_editor(editor: CalcEditor, tmp_path: Path) -> None:
    path = editor.export_to(tmp_path / "calc.xlsx")
    assert path is not None and load_workbook(path).active["A1"].value.startswith("Тендер № T-1")
    assert editor.export_to(tmp_path / "calc.txt") is None and ".xlsx" in editor.message.text()
