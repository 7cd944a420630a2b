"""The console: models under Qt's model tester, search, filters, editors, shortcuts, remembered layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from kapusta_desktop.store.listing import LISTINGS, ListQuery
from kapusta_desktop.store.models import Deal, OutboxEntry
from kapusta_desktop.ui.editors import ContactEditor, DealEditor
from kapusta_desktop.ui.record_model import RecordIdRole, RecordTableModel, SyncStateRole

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _ids(model: RecordTableModel) -> list[int]:
    return [model.index(r, 0).data(RecordIdRole) for r in range(model.rowCount())]


@pytest.mark.parametrize("entity", sorted(LISTINGS))
def test_every_model_passes_the_model_tester(qtmodeltester, crm, entity: str) -> None:
    model = RecordTableModel(LISTINGS[entity](), {}, page_size=7, max_pages=2)
    qtmodeltester.check(model, force_py=True)
    model.set_query(ListQuery(search="Ромашка", sort_key=model.column_key(0), descending=True))
    qtmodeltester.check(model, force_py=True)


def test_paging_keeps_only_a_few_pages(crm) -> None:
    model = RecordTableModel(LISTINGS["deal"](), {}, page_size=5, max_pages=2)
    assert model.rowCount() == 31
    ids = _ids(model)
    assert len(set(ids)) == 31
    assert ids == sorted(ids, reverse=True)  # newest first by default
    assert model.cached_rows() <= 10


def test_phone_typed_any_way_finds_the_contact(window, qtbot, crm) -> None:
    window.show_view("contact")
    window.search.setText("8 (916) 123-45-67")
    window.apply_search()
    model = window.record_views["contact"].model
    assert _ids(model) == [crm["anna"].id]
    # The same number finds Anna's deals too.
    window.show_view("deal")
    deal_ids = set(_ids(window.record_views["deal"].model))
    assert deal_ids == {crm["deals"][1].id, crm["special"].id}
    # A company phone finds the company's contacts.
    window.show_view("contact")
    window.search.setText("+7 (495) 765 43 21")
    window.apply_search()
    assert _ids(model) == [crm["oleg"].id]


def test_search_by_text_is_case_insensitive_for_cyrillic(window, crm) -> None:
    view = window.record_views["deal"]
    window.search.setText("поставка")
    window.apply_search()
    assert _ids(view.model) == [crm["special"].id]
    window.search.setText("ВАСИЛЁК")  # a company name finds its deals
    window.apply_search()
    assert len(_ids(view.model)) == 15


def test_search_is_debounced(window, qtbot) -> None:
    view = window.record_views["deal"]
    qtbot.keyClicks(window.search, "9161234")  # QTest types ASCII only; a phone fragment
    assert view.model.query.search == ""  # nothing ran per keystroke
    qtbot.waitUntil(lambda: view.model.query.search == "9161234", timeout=2000)
    assert view.model.rowCount() == 2  # Anna's two deals


def test_filters_mine_stage_and_sync_state(window, crm) -> None:
    view = window.record_views["deal"]
    view.only_mine.setChecked(True)
    assert view.model.rowCount() == 16  # 15 odd deals + the special one are Ivan's
    view.only_mine.setChecked(False)
    view.stage.setCurrentIndex(view.stage.findData("EXECUTING"))
    assert {Deal.get_by_id(i).stage_id for i in _ids(view.model)} == {"EXECUTING"}
    assert view.model.rowCount() == 10
    view.stage.setCurrentIndex(0)
    view.sync_filter.setCurrentIndex(1)  # errors and conflicts
    states = {view.model.index(r, 0).data(SyncStateRole) for r in range(view.model.rowCount())}
    assert states == {"error", "conflict"}
    assert view.model.rowCount() == 14  # n % 4 in (2, 3) for n < 30
    assert "14" in view.count_label.text()


def test_every_row_shows_its_sync_state(window, crm) -> None:
    view = window.record_views["deal"]
    view.sync_filter.setCurrentIndex(view.sync_filter.findText(view.tr("Errors and conflicts")))
    for r in range(view.model.rowCount()):
        index = view.model.index(r, 0)
        assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        if index.data(SyncStateRole) == "error":
            assert "Поле TITLE обязательно" in tip
        else:
            assert "Conflict" in tip


def test_detail_panel_shows_error_and_conflict(window, crm) -> None:
    view = window.record_views["deal"]
    err = crm["deals"][2]
    view.select_record(err.id)
    assert "Поле TITLE обязательно" in view.detail.body.toPlainText()
    assert view.detail.state_text.text() == "Error"
    conflict = crm["deals"][3]
    view.select_record(conflict.id)
    text = view.detail.body.toPlainText()
    assert "Conflicting fields" in text and "theirs" not in text and "B" in text


def test_sorting_runs_in_sql(window, crm) -> None:
    view = window.record_views["deal"]
    view.table.horizontalHeader().setSortIndicator(view.model.column_of("amount"), Qt.SortOrder.DescendingOrder)
    first = Deal.get_by_id(view.model.record_id(0))
    assert first.amount == max(d.amount for d in Deal.select())
    assert view.model.query.sort_key == "amount"


def test_deal_editor_validation_shown_next_to_the_field(window, qtbot, crm) -> None:
    deal = crm["deals"][0]
    dialog = window.open_record("deal", deal.id)
    assert isinstance(dialog, DealEditor)
    qtbot.waitExposed(dialog)
    dialog.title.setText("   ")
    dialog.amount.setText("много")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.error_text("title") == "Enter a title."
    assert "number" in dialog.error_text("amount")
    assert OutboxEntry.select().count() == 0
    dialog.title.setText("Охрана объекта — продлить")
    dialog.amount.setText("250 000")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    row = Deal.get_by_id(deal.id)
    assert row.sync_state == "pending" and row.title == "Охрана объекта — продлить"
    entry = OutboxEntry.get()
    assert (entry.entity_type, entry.entity_id, entry.op) == ("deal", deal.id, "update")
    assert "Pending changes: 1" in window.pending_label.text()


def test_contact_editor_marks_the_bad_phone_row(window, qtbot, crm) -> None:
    dialog = window.open_record("contact", crm["anna"].id)
    assert isinstance(dialog, ContactEditor)
    dialog.phones.add_row("перезвонить", "WORK")
    dialog.save()
    assert "not a phone number" in dialog.error_text("phones")
    assert "c62828" in dialog.phones.edits()[1].styleSheet()
    assert dialog.phones.edits()[0].styleSheet() == ""
    dialog.close()


def test_company_picker_must_be_resolved(window, qtbot, crm) -> None:
    dialog = window.open_record("deal", None)
    dialog.title.setText("Новая")
    dialog.company.edit.setText("Нет такой")
    dialog.save()
    assert dialog.error_text("company_id") == "Choose a company from the list."
    dialog.company.edit.setText("")
    dialog.company.edit.textEdited.emit("Рома")
    dialog.company.completer.activated.emit(dialog.company.completer.model().index(0, 0).data())
    assert dialog.company.record_id() == crm["romashka"].id
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    assert OutboxEntry.get().op == "create"


def test_shortcuts(window, qtbot, crm) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    with qtbot.waitSignal(window.syncRequested):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "contact"
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(window.editors) == 1 and isinstance(window.editors[0], ContactEditor)
    editor = window.editors[0]
    qtbot.waitExposed(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    # Enter on a selected row opens it.
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    view = window.record_views["deal"]
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    opened = [e for e in window.editors if e.isVisible()]
    assert len(opened) == 1 and isinstance(opened[0], DealEditor) and opened[0].record_id == view.model.record_id(0)


def test_status_bar(window) -> None:
    assert "not configured" in window.connection_labels["mango"].text()
    window.set_connection_state("bitrix24", "online", "подключено")
    assert "подключено" in window.connection_labels["bitrix24"].text()
    with pytest.raises(KeyError):
        window.set_connection_state("jabber", "online", "x")
    assert "never" in window.last_sync_label.text()


def test_add_view_for_other_parts(window, qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    page = QLabel("calls")
    window.add_view("calls", "Calls", page, shortcut="Ctrl+7")
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view() is page
    with pytest.raises(ValueError):
        window.add_view("calls", "Calls", QLabel())


def test_geometry_and_columns_are_remembered(qtbot, crm, temp_profile) -> None:
    from kapusta_desktop.ui.main_window import MainWindow

    def make() -> MainWindow:
        w = MainWindow(temp_profile, settings=QSettings(str(temp_profile.settings_file), QSettings.Format.IniFormat))
        qtbot.addWidget(w)
        return w

    first = make()
    first.resize(700, 500)
    header = first.record_views["deal"].table.horizontalHeader()
    header.resizeSection(1, 222)
    header.setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    first.close()
    assert temp_profile.settings_file.exists()
    second = make()
    header2 = second.record_views["deal"].table.horizontalHeader()
    assert header2.sectionSize(1) == 222
    assert second.record_views["deal"].model.query.sort_key == "amount"
    assert (second.size().width(), second.size().height()) == (700, 500)
