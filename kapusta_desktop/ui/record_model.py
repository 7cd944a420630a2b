"""A table model over one cached entity that never holds the whole table.

Nothing is read until a view first asks (a hidden page costs nothing at
start-up). A first page shorter than a page is the whole answer; otherwise the
rows are counted only up to a cap (after a search keystroke or a filter change
the count waits until the new first page is painted: the event loop runs it next,
and the view shows "200+" meanwhile) (`fetch_chunk`, 1000 by default); when more
match, `canFetchMore()` says so and `fetchMore()` doubles the cap as the view
scrolls down, so no keystroke ever counts a whole table. Rows are fetched a
page at a time (newest-first pages continue below the last id of the page
before: a keyset probe, not an OFFSET walk) and kept in a small LRU, so a
200,000-row table costs a few hundred rows of memory. Filters, search and sort all run in SQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QMetaObject,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from kapusta_desktop.store.listing import ROW_PREFIX, Listing, ListQuery
from kapusta_desktop.ui import pyside_refcounts  # noqa: F401  (imported for its effect: see the module)
from kapusta_desktop.ui.local_time import to_local
from kapusta_desktop.ui.sync_icons import sync_icon, sync_tooltip

log = logging.getLogger(__name__)

RecordIdRole = Qt.ItemDataRole.UserRole + 1
SyncStateRole = Qt.ItemDataRole.UserRole + 2
SortKeyRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RECORD_ID = int(RecordIdRole)
_HANDLED_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ALIGNMENT, _RECORD_ID, int(SyncStateRole)})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# Asked for every visible cell on each paint: combined once, not with enum arithmetic per call.
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
Formatter = Callable[[Any], str]


def format_datetime(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    return f"{to_local(value):%d.%m.%Y %H:%M}"


def format_amount(value: Any) -> str:
    if value is None:
        return ""
    return QLocale().toString(float(Decimal(value)), "f", 2)


class RecordTableModel(QAbstractTableModel):
    countChanged = Signal(int)

    def __init__(
        self,
        listing: Listing,
        headers: dict[str, str],
        formatters: dict[str, Formatter] | None = None,
        *,
        page_size: int = 200,
        max_pages: int = 40,
        fetch_chunk: int = 1000,
        count_later: bool = False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.listing = listing
        self._columns = listing.columns
        self._headers = headers
        self._formatters: dict[str, Formatter] = {
            "amount": format_amount,
            "modified": format_datetime,
            "deadline": format_datetime,
            **(formatters or {}),
        }
        self._column_formatters = [self._formatters.get(c.key) for c in self._columns]
        self._page_size = page_size
        self._max_pages = max_pages
        self._fetch_chunk = max(1, fetch_chunk)
        self._query = ListQuery()
        self._count = 0  # rows the view knows of
        self._limit = self._fetch_chunk  # counted no further than this
        self._more = False  # more rows match than `_count`
        self._loaded = False
        self._last_page = -1  # the page the previous call used (no LRU upkeep for its neighbours)
        self._fetching = False
        self._count_later = count_later  # a refresh shows the first page and queues its count
        self._count_pending = False  # the first page is shown, its count comes from the event loop
        self._count_database: object = None  # the database the queued count belongs to
        self._pages: OrderedDict[int, list[tuple[Any, ...]]] = OrderedDict()

    # ---- the query -------------------------------------------------------------------------

    @property
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        if query == self._query:
            return
        self._query = query
        self.refresh()

    def update_query(self, **changes: Any) -> None:
        self.set_query(replace(self._query, **changes))

    def refresh(self) -> None:
        """Re-read the first page and the capped count, dropping cached pages (a filter change or a save)."""
        if not self._loaded:
            return  # nothing shown yet: the first look reads the current query
        self.beginResetModel()
        self._read(count_now=not self._count_later)
        self.endResetModel()
        self.countChanged.emit(self._count)
        if self._count_pending:
            self._count_database = self.listing._database()
            # A queued call to this model's slot: dropped with the model; a stale one finds nothing pending.
            QMetaObject.invokeMethod(self, "finish_count", Qt.ConnectionType.QueuedConnection)

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._read()
            self.countChanged.emit(self._count)

    def _read(self, *, count_now: bool = True) -> None:
        self._pages.clear()
        self._last_page = -1
        self._count_pending = False
        first = self.listing.page(self._query, 0, self._page_size)
        self._pages[0] = first
        self._limit = self._fetch_chunk
        if len(first) < self._page_size:  # a short first page is the whole answer: no count query
            self._count, self._more = len(first), False
            return
        if not count_now:  # show the page now; finish_count() follows from the event loop
            self._count, self._more, self._count_pending = len(first), True, True
            return
        found = self.listing.count_upto(self._query, self._limit + 1)
        self._more = found > self._limit
        self._count = max(min(found, self._limit), len(first))

    def count_pending(self) -> bool:
        """True while the rows shown are only the first page and the capped count is still to come."""
        return self._count_pending

    @Slot()
    def finish_count(self) -> None:
        """Count the current query up to the cap and grow the rows to it (queued after a refresh)."""
        if not self._count_pending:
            return
        db = self.listing._database()
        if db is not self._count_database or db is None or db.is_closed():
            return  # the cache was closed or swapped since (shutdown): nothing to count against
        self._count_pending = False
        before = self._count
        found = self.listing.count_upto(self._query, self._limit + 1)
        after = max(min(found, self._limit), before)
        self._more = found > self._limit
        if after > before:
            self._fetching = True  # listeners of the insert may call fetchMore: not inside this insert
            try:
                self.beginInsertRows(QModelIndex(), before, after - 1)
                self._count = after
                self.endInsertRows()
            finally:
                self._fetching = False
        self.countChanged.emit(self._count)

    def has_more(self) -> bool:
        """True when more rows match than the model knows of (the count shown is "N+")."""
        self._ensure_loaded()
        return self._more

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        # While the first page's count is queued, the queued count is the next step, not this one.
        return not parent.isValid() and self._loaded and self._more and not self._fetching and not self._count_pending

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        """Count on, twice as far as before; the view asks when it is scrolled to the end."""
        if parent.isValid() or not self._more or self._fetching or self._count_pending:
            return  # listeners of the insert below may ask again: one count at a time
        self._fetching = True
        try:
            self._count_further()
        finally:
            self._fetching = False

    def _count_further(self) -> None:
        before = self._count
        limit = self._limit * 2
        found = self.listing.count_upto(self._query, limit + 1)
        after = min(found, limit)
        self._more = found > limit
        self._limit = limit
        if after > before:
            self.beginInsertRows(QModelIndex(), before, after - 1)
            self._count = after
            self.endInsertRows()
        self.countChanged.emit(self._count)

    def column_key(self, column: int) -> str:
        return self._columns[column].key

    def column_of(self, key: str) -> int:
        for n, col in enumerate(self._columns):
            if col.key == key:
                return n
        raise KeyError(key)

    # ---- rows ------------------------------------------------------------------------------

    def _row(self, row: int) -> tuple[Any, ...] | None:
        if not self._loaded:
            self._ensure_loaded()
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, self._page_size)
        page = self._pages.get(number)
        if page is not None and number == self._last_page:
            return page[offset] if offset < len(page) else None
        self._last_page = number
        if page is None:
            previous = self._pages.get(number - 1)
            if previous and len(previous) == self._page_size and self.listing.keyset_ready(self._query):
                page = self.listing.page(self._query, 0, self._page_size, before_id=int(previous[-1][0]))
            else:
                page = self.listing.page(self._query, number * self._page_size, self._page_size)
            self._pages[number] = page
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        # Rows may have vanished since the count (another writer); show nothing rather than guess.
        return page[offset] if offset < len(page) else None

    def record_id(self, row: int) -> int | None:
        data = self._row(row)
        return int(data[0]) if data else None

    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    # ---- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        self._ensure_loaded()
        return self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell on each paint: unasked roles leave at once.
        role = int(role)
        if role not in _HANDLED_ROLES or not index.isValid():
            return None
        row = self._row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            value = row[ROW_PREFIX + column]
            formatter = self._column_formatters[column]
            if formatter is not None:
                return formatter(value)
            return "" if value is None else str(value)
        if role == _DECORATION:
            return sync_icon(row[1]) if column == 0 else None
        if role == _TOOLTIP:
            return sync_tooltip(row[1], row[2]) if column == 0 else None
        if role == _ALIGNMENT:
            return _RIGHT if self._columns[column].numeric else None
        if role == _RECORD_ID:
            return int(row[0])
        return row[1]  # SyncStateRole

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role == Qt.ItemDataRole.DisplayRole:
                key = self._columns[section].key
                return self._headers.get(key, self._columns[section].title)
            if role == SortKeyRole:
                return self._columns[section].key
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CELL_FLAGS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self._columns[column].key if 0 <= column < len(self._columns) else None
        self.update_query(sort_key=key, descending=order == Qt.SortOrder.DescendingOrder)
