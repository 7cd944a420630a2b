"""One entity's page: filters, the table over the cache, and the detail panel beside it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.store.listing import Listing
from kapusta_desktop.ui.detail_panel import DetailPanel
from kapusta_desktop.ui.record_model import RecordIdRole, RecordTableModel

EditorOpener = Callable[[str, int | None], QWidget]


class RecordView(QWidget):
    """Emits openRequested(id) on Enter or double click; the window decides which editor to open."""

    openRequested = Signal(int)

    def __init__(
        self,
        listing: Listing,
        model: RecordTableModel,
        detail: DetailPanel,
        settings: QSettings,
        *,
        current_manager_id: Callable[[], int | None],
        stage_choices: list[tuple[str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.entity_type = listing.entity_type
        self.listing = listing
        self.model = model
        self.detail = detail
        self._settings = settings
        self._current_manager_id = current_manager_id

        self.only_mine = QCheckBox(self.tr("Only mine"))
        self.only_mine.toggled.connect(self._apply_filters)
        self.stage = QComboBox()
        self.stage.addItem(self.tr("All stages") if self.entity_type != "task" else self.tr("All statuses"), None)
        for code, name in stage_choices or []:
            self.stage.addItem(name, code)
        self.stage.setVisible(listing.has_stage)
        self.stage.currentIndexChanged.connect(self._apply_filters)
        self.sync_filter = QComboBox()
        for label, states in (
            (self.tr("Any sync state"), frozenset()),
            (self.tr("Errors and conflicts"), frozenset({SyncState.ERROR.value, SyncState.CONFLICT.value})),
            (self.tr("Pending"), frozenset({SyncState.PENDING.value})),
            (
                self.tr("Not synced"),
                frozenset({SyncState.PENDING.value, SyncState.ERROR.value, SyncState.CONFLICT.value}),
            ),
            (self.tr("Synced"), frozenset({SyncState.SYNCED.value})),
        ):
            self.sync_filter.addItem(label, states)
        self.sync_filter.currentIndexChanged.connect(self._apply_filters)
        self.count_label = QLabel()
        model.countChanged.connect(self._show_count)

        bar = QHBoxLayout()
        bar.addWidget(self.only_mine)
        bar.addWidget(self.stage)
        bar.addWidget(self.sync_filter)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setObjectName(f"table_{self.entity_type}")
        self._active = False  # the model is attached (and read) when the page is first shown
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # A fixed row height lets the view skip measuring rows it is not showing.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setStretchLastSection(True)
        header.setDefaultSectionSize(140)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            sc = QShortcut(QKeySequence(key), self.table, context=Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(lambda: self._open(self.table.currentIndex().row()))
        detail.editRequested.connect(self.openRequested)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def activate(self) -> None:
        """Attach the model and the remembered layout; the window calls this when the page is shown."""
        if self._active:
            return
        self._active = True
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.resizeSection(0, 320)
        header.sortIndicatorChanged.connect(self._sort)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.restore_state()
        self._show_count(self.model.rowCount())

    @property
    def active(self) -> bool:
        return self._active

    # ---- filters, search, sort -------------------------------------------------------------

    def _apply_filters(self) -> None:
        mine = self._current_manager_id() if self.only_mine.isChecked() else None
        if self.only_mine.isChecked() and mine is None:
            self.only_mine.setToolTip(self.tr("Choose who you are in Settings to use this filter."))
        self.model.update_query(
            responsible_id=mine,
            stage_id=self.stage.currentData(),
            sync_states=self.sync_filter.currentData() or frozenset(),
        )
        self.detail.show_record(self.current_id())

    def set_search(self, text: str) -> None:
        self.model.update_query(search=text)

    def _sort(self, section: int, order: Qt.SortOrder) -> None:
        if section < 0:
            self.model.update_query(sort_key=None, descending=False)
        else:
            self.model.sort(section, order)

    def _show_count(self, count: int) -> None:
        text = self.tr("%n record(s)", "", count)
        if self.model.has_more():  # counted only this far: more match
            text = text.replace(str(count), f"{count}+", 1)
        self.count_label.setText(text)

    # ---- selection and opening -------------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.record_id(index.row()) if index.isValid() else None

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        self.detail.show_record(rows[0].data(RecordIdRole) if rows else None)

    def _open(self, row: int) -> None:
        record_id = self.model.record_id(row) if row >= 0 else None
        if record_id is not None:
            self.openRequested.emit(record_id)

    def select_record(self, record_id: int) -> None:
        self.activate()
        row = self.listing.position_of(self.model.query, record_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.detail.show_record(record_id)

    def reload(self, keep: int | None = None) -> None:
        keep = keep if keep is not None else self.current_id()
        self.model.refresh()
        if keep is not None:
            self.select_record(keep)

    # ---- remembered layout -----------------------------------------------------------------

    def save_state(self) -> None:
        if not self._active:
            return  # never shown: keep what was remembered
        self._settings.setValue(f"views/{self.entity_type}/header", self.table.horizontalHeader().saveState())
        self._settings.setValue(f"views/{self.entity_type}/splitter", self.splitter.saveState())

    def restore_state(self) -> None:
        header_state = self._settings.value(f"views/{self.entity_type}/header")
        if header_state is not None:
            header = self.table.horizontalHeader()
            header.restoreState(header_state)
            self._sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        splitter_state = self._settings.value(f"views/{self.entity_type}/splitter")
        if splitter_state is not None:
            self.splitter.restoreState(splitter_state)
