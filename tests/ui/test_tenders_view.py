from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.editing import EditingService
from kapusta_desktop.services.tenders import LineValues, TenderInput, TenderService
from kapusta_desktop.store.models import Company, Contact, Deal, Tender
from kapusta_desktop.ui.tender_editor import TenderEditor
from kapusta_desktop.ui.tenders_model import CLOSED, OVERDUE, SOON, TendersModel, UrgencyRole, format_deadline
from kapusta_desktop.ui.tenders_view import TendersView

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def service(db) -> TenderService:
    return TenderService(db, EventBus(), EditingService(db))


def _seed(service: TenderService) -> dict[str, int]:
    def make(number: str, hours: float | None, status: str = "new", title: str = "Охрана") -> int:
        deadline = NOW + dt.timedelta(hours=hours) if hours is not None else None
        data = TenderInput(number=number, title=title, deadline=deadline, status=status)
        return service.create_tender(data, create_deal=False).tender.id

    return {
        "later": make("L", 24 * 10),
        "soon": make("S", 5, title="Охрана склада"),
        "overdue": make("O", -3),
        "undated": make("U", None),
        "won": make("W", -100, status="won"),
        "soon2": make("S2", 2),
    }


def _numbers(model: TendersModel) -> list[str]:
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_model_orders_by_deadline_urgency_and_highlights(qtmodeltester, service: TenderService) -> None:
    _seed(service)
    model = TendersModel()
    model.reload()
    qtmodeltester.check(model, force_py=True)
    assert _numbers(model) == ["O", "S2", "S", "L", "U", "W"]
    assert model.index(0, 0).data(UrgencyRole) == OVERDUE
    assert model.index(1, 0).data(UrgencyRole) == SOON
    assert model.index(5, 0).data(UrgencyRole) == CLOSED
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(3, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert _numbers(model) == ["W", "U", "S2", "S", "O", "L"]
    qtmodeltester.check(model, force_py=True)


def test_model_filters_by_status_and_search(service: TenderService) -> None:
    _seed(service)
    model = TendersModel()
    model.set_status_filter("open")
    assert "W" not in _numbers(model) and len(_numbers(model)) == 5
    model.set_status_filter("won")
    assert _numbers(model) == ["W"]
    model.set_status_filter(None)
    model.set_search("склад")
    assert _numbers(model) == ["S"]
    with pytest.raises(ValueError):
        model.set_status_filter("archived")


def test_model_shows_the_chosen_calculation_total(service: TenderService) -> None:
    tender = service.create_tender(TenderInput(number="C", title="x", max_price="10000")).tender
    group = service.new_group(tender_id=tender.id, name="A")
    service.save_lines(group.id, [LineValues(hourly_rate=Decimal("100"), days_per_month=Decimal("1"), months=1)])
    service.choose_group(group.id)
    model = TendersModel()
    model.reload()
    assert "2" in model.index(0, 6).data() and "RUB" in model.index(0, 6).data()
    assert model.index(0, 8).data() == "pending"


def test_view_filter_combo_and_open_calculations(qtbot, service: TenderService) -> None:
    ids = _seed(service)
    view = TendersView(service)
    qtbot.addWidget(view)
    view.show()
    assert view.model.rowCount() == 5  # open tenders by default
    view.status_filter.setCurrentIndex(view.status_filter.findData(None))
    assert view.model.rowCount() == 6
    view.table.selectRow(view.model.row_of(ids["soon"]))
    calc = view.open_calculations()
    qtbot.addWidget(calc)
    assert calc.group_id is not None and calc.versions.count() == 1
    calc.close()
    editor = view.edit_selected()
    assert editor is not None and editor.number.text() == "S"
    editor.reject()


def test_editor_creates_tender_with_deal_company_and_contact(qtbot, service: TenderService) -> None:
    editor = TenderEditor(service)
    qtbot.addWidget(editor)
    editor.number.setText("0373100012324000117")
    editor.title_edit.setText("Охрана зданий")
    editor.link.setText("https://zakupki.gov.ru/x")
    editor.max_price.setText("1 500 000,00")
    editor.customer_title.setText("ПАО Сбербанк")
    editor.customer_inn.setText("7707083893")
    editor.contact_name.setText("Ирина")
    editor.contact_phone.setText("8 (916) 123-45-67")
    with qtbot.waitSignal(editor.saved):
        assert editor.save()
    assert Tender.select().count() == Deal.select().count() == Company.select().count() == Contact.select().count() == 1
    assert Tender.get().max_price == Decimal("1500000.00")
    assert editor.result() == editor.DialogCode.Accepted


def test_editor_shows_errors_next_to_fields(qtbot, service: TenderService) -> None:
    editor = TenderEditor(service)
    qtbot.addWidget(editor)
    editor.show()
    editor.number.setText("N-1")
    editor.title_edit.setText("")
    editor.link.setText("zakupki")
    editor.customer_title.setText("ООО Ромашка")
    editor.customer_inn.setText("1234567890")
    assert not editor.save()
    assert editor.fields["title"].error.isVisible()
    assert editor.fields["link"].error.isVisible()
    assert not editor.fields["number"].error.isVisible()
    editor.title_edit.setText("Охрана")
    editor.link.setText("")
    assert not editor.save()
    assert editor.fields["customer.inn"].error.isVisible() and "INN" in editor.fields["customer.inn"].error.text()
    assert Tender.select().count() == 0


def test_editor_edits_an_existing_tender(qtbot, service: TenderService) -> None:
    deadline = dt.datetime(2026, 5, 1, 7, 30)
    tender = service.create_tender(TenderInput(number="E", title="Старое", deadline=deadline), create_deal=False).tender
    editor = TenderEditor(service, tender.id)
    qtbot.addWidget(editor)
    assert editor.title_edit.text() == "Старое"
    assert editor.deadline.dateTime().toString("dd.MM.yyyy HH:mm") == format_deadline(deadline)
    editor.title_edit.setText("Новое")
    editor.status.setCurrentIndex(editor.status.findData("analysis"))
    assert editor.save()
    fresh = Tender.get_by_id(tender.id)
    assert (fresh.title, fresh.status, fresh.deadline) == ("Новое", "analysis", deadline)


def test_tenders_page_in_the_main_window(qtbot, window, service: TenderService) -> None:
    from kapusta_desktop.ui.tenders_view import add_tenders_view

    tender = service.create_tender(TenderInput(number="MW-1", title="Охрана"), create_deal=True).tender
    view = add_tenders_view(window, service)
    window.show_view("tenders")
    assert window.current_view() is view
    view.refresh()
    view.table.selectRow(view.model.row_of(tender.id))
    with qtbot.waitSignal(view.openDeal) as opened:
        view._open_deal()
    assert opened.args == [Tender.get_by_id(tender.id).deal_id]
