"""The Tenders view: the list (deadline-aware, filterable), the tender editor and the calculations."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.services.tenders import TENDER_STATUSES, TenderService
from kapusta_desktop.store.models import Tender
from kapusta_desktop.ui.calc_editor import CalcEditor
from kapusta_desktop.ui.tender_editor import TenderEditor
from kapusta_desktop.ui.tenders_model import OPEN_FILTER, STATUS_TITLES, TendersModel

REFRESH_MS = 60_000  # "soon" and "overdue" change with the clock, not only with edits


class TendersView(QWidget):
    openDeal = Signal(int)  # local deal id, for the console to show

    def __init__(self, service: TenderService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = TendersModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(self._open_index)
        self._windows: list[QWidget] = []

        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("Open"), OPEN_FILTER)
        self.status_filter.addItem(self.tr("All"), None)
        for status in TENDER_STATUSES:
            self.status_filter.addItem(QCoreApplication.translate("TendersModel", STATUS_TITLES[status]), status)
        self.status_filter.currentIndexChanged.connect(self._filter_changed)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Number, subject or customer"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(lambda: self.model.set_search(self.search.text()))
        self.search.textChanged.connect(self._search_timer.start)

        new = QPushButton(self.tr("New tender"))
        new.clicked.connect(self.new_tender)
        edit = QPushButton(self.tr("Edit"))
        edit.clicked.connect(self.edit_selected)
        calcs = QPushButton(self.tr("Calculations"))
        calcs.clicked.connect(self.open_calculations)
        deal = QPushButton(self.tr("Open deal"))
        deal.clicked.connect(self._open_deal)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.status_filter)
        top.addWidget(self.search, 1)
        for button in (new, edit, calcs, deal):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        open_act = QAction(self)
        open_act.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_act.triggered.connect(self.edit_selected)
        self.table.addAction(open_act)

        self._clock_timer = QTimer(self, interval=REFRESH_MS)
        self._clock_timer.timeout.connect(self.refresh)
        self._clock_timer.start()
        self.model.set_status_filter(OPEN_FILTER)

    # ---- list --------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_tender_id()
        self.model.reload()
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if selected is not None and (row := self.model.row_of(selected)) >= 0:
            self.table.selectRow(row)

    def _filter_changed(self, _position: int) -> None:
        self.model.set_status_filter(self.status_filter.currentData())

    def selected_tender_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.tender_id(index.row()) if index.isValid() else None

    # ---- actions -----------------------------------------------------------------------------

    def _keep(self, widget: QWidget) -> QWidget:
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._windows.append(widget)
        widget.destroyed.connect(lambda *_: self._windows.remove(widget))
        return widget

    def new_tender(self) -> TenderEditor:
        editor = TenderEditor(self.service, parent=self)
        editor.saved.connect(lambda _id: self.refresh())
        self._keep(editor).open()
        return editor

    def edit_selected(self) -> TenderEditor | None:
        tender_id = self.selected_tender_id()
        if tender_id is None:
            return None
        editor = TenderEditor(self.service, tender_id, parent=self)
        editor.saved.connect(lambda _id: self.refresh())
        self._keep(editor).open()
        return editor

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_selected()

    def open_calculations(self) -> CalcEditor | None:
        tender_id = self.selected_tender_id()
        if tender_id is None:
            return None
        tender = Tender.get_by_id(tender_id)
        editor = CalcEditor(self.service, tender_id=tender_id)
        editor.setWindowFlag(Qt.WindowType.Window)
        editor.chosen.connect(lambda _id: self.refresh())
        editor.saved.connect(lambda _id: self.refresh())
        if not editor.versions.count():
            editor.new_group(self.tr("Calculation"))
        editor.setWindowTitle(self.tr("Calculations: tender %1").replace("%1", tender.number))
        self._keep(editor).show()
        editor.resize(1300, 600)
        return editor

    def _open_deal(self) -> None:
        tender_id = self.selected_tender_id()
        if tender_id is not None and (deal_id := Tender.get_by_id(tender_id).deal_id) is not None:
            self.openDeal.emit(deal_id)


def add_tenders_view(window: QMainWindow, service: TenderService, shortcut: str = "Ctrl+7") -> TendersView:
    """Put the Tenders page into the main window's navigation; "Open deal" opens the deal's editor there."""
    view = TendersView(service)
    window.add_view("tenders", QCoreApplication.translate("MainWindow", "Tenders"), view, shortcut=shortcut)  # type: ignore[attr-defined]
    if hasattr(window, "open_record"):
        view.openDeal.connect(lambda deal_id: window.open_record("deal", deal_id))
    return view
