"""A table model over one cached entity that never holds the whole table.

Nothing is read until a view first asks (a hidden page costs nothing at
start-up). The row count is counted only up to a cap (`fetch_chunk`, 1000 by
default); when more rows match, `canFetchMore()` says so and `fetchMore()`
doubles the cap as the view scrolls down, so no keystroke ever counts a whole
table. Rows are fetched a page at a time (newest-first pages continue below
the last id of the page before: a keyset probe, not an OFFSET walk) and kept
in a small LRU, so a 200,000-row table costs a few hundred rows of memory.
Filters, search and sort all run in SQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal

from kapusta_desktop.store.listing import ROW_PREFIX, Listing, ListQuery
from kapusta_desktop.ui.sync_icons import sync_icon, sync_tooltip

log = logging.getLogger(__name__)

RecordIdRole = Qt.ItemDataRole.UserRole + 1
SyncStateRole = Qt.ItemDataRole.UserRole + 2
SortKeyRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex
Formatter = Callable[[Any], str]


def format_datetime(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    # The cache keeps naive UTC; the operator reads local time.
    local = value.replace(tzinfo=dt.UTC).astimezone()
    return local.strftime("%d.%m.%Y %H:%M")


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
        self._page_size = page_size
        self._max_pages = max_pages
        self._fetch_chunk = max(1, fetch_chunk)
        self._query = ListQuery()
        self._count = 0  # rows the view knows of
        self._limit = self._fetch_chunk  # counted no further than this
        self._more = False  # more rows match than `_count`
        self._loaded = False
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
        """Re-read the count and drop cached pages (after a filter change or a save)."""
        if not self._loaded:
            return  # nothing shown yet: the first look reads the current query
        self.beginResetModel()
        self._pages.clear()
        self._count_rows(self._fetch_chunk)
        self.endResetModel()
        self.countChanged.emit(self._count)

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._count_rows(self._fetch_chunk)
            self.countChanged.emit(self._count)

    def _count_rows(self, limit: int) -> None:
        found = self.listing.count_upto(self._query, limit + 1)
        self._limit = limit
        self._more = found > limit
        self._count = min(found, limit)

    def has_more(self) -> bool:
        """True when more rows match than the model knows of (the count shown is "N+")."""
        self._ensure_loaded()
        return self._more

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._loaded and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or not self._more:
            return
        before = self._count
        found = self.listing.count_upto(self._query, self._limit * 2 + 1)
        after = min(found, self._limit * 2)
        self._more = found > self._limit * 2
        self._limit *= 2
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
        self._ensure_loaded()
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, self._page_size)
        page = self._pages.get(number)
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

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._row(index.row())
        if row is None:
            return None
        column = index.column()
        key = self._columns[column].key
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[ROW_PREFIX + column]
            formatter = self._formatters.get(key)
            if formatter is not None:
                return formatter(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return sync_icon(row[1])
        if role == Qt.ItemDataRole.ToolTipRole:
            return sync_tooltip(row[1], row[2]) if column == 0 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[column].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RecordIdRole:
            return int(row[0])
        if role == SyncStateRole:
            return row[1]
        return None

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
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self._columns[column].key if 0 <= column < len(self._columns) else None
        self.update_query(sort_key=key, descending=order == Qt.SortOrder.DescendingOrder)
