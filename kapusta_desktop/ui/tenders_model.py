"""The tenders list as a Qt model: deadline-aware order, overdue and soon highlighted, status filter.

Tenders number in the hundreds, not the hundreds of thousands, so the model
reads its rows in one query (plus one per tender with a chosen calculation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee
from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kapusta_desktop.services.calc_rows import group_figures
from kapusta_desktop.services.tenders import CLOSED_STATUSES, TENDER_STATUSES, TenderService
from kapusta_desktop.store.models import CalculationGroup, Company, Deal, Tender
from kapusta_desktop.ui.calc_model import format_money

Index = QModelIndex | QPersistentModelIndex
TenderIdRole = Qt.ItemDataRole.UserRole + 1
UrgencyRole = Qt.ItemDataRole.UserRole + 2

OPEN_FILTER = "open"  # every status before submission
# Translated in the "TendersModel" context wherever shown; the NOOP marks let lupdate find them.
STATUS_TITLES = {
    "new": QT_TRANSLATE_NOOP("TendersModel", "New"),
    "analysis": QT_TRANSLATE_NOOP("TendersModel", "Analysis"),
    "calculated": QT_TRANSLATE_NOOP("TendersModel", "Calculated"),
    "submitted": QT_TRANSLATE_NOOP("TendersModel", "Submitted"),
    "won": QT_TRANSLATE_NOOP("TendersModel", "Won"),
    "lost": QT_TRANSLATE_NOOP("TendersModel", "Lost"),
}
HEADERS = (
    QT_TRANSLATE_NOOP("TendersModel", "Deadline"),
    QT_TRANSLATE_NOOP("TendersModel", "Number"),
    QT_TRANSLATE_NOOP("TendersModel", "Subject"),
    QT_TRANSLATE_NOOP("TendersModel", "Customer"),
    QT_TRANSLATE_NOOP("TendersModel", "Platform"),
    QT_TRANSLATE_NOOP("TendersModel", "Max price"),
    QT_TRANSLATE_NOOP("TendersModel", "Our price"),
    QT_TRANSLATE_NOOP("TendersModel", "Status"),
    QT_TRANSLATE_NOOP("TendersModel", "Deal"),
)
OVERDUE, SOON, LATER, NO_DEADLINE, CLOSED = range(5)
_COLOURS = {OVERDUE: QColor(255, 205, 210), SOON: QColor(255, 236, 179)}


@dataclass(frozen=True)
class TenderRow:
    id: int
    number: str
    title: str
    customer: str
    platform: str
    deadline: dt.datetime | None  # naive UTC
    max_price: Decimal | None
    our_price: Decimal | None
    currency: str
    status: str
    deal_state: str | None
    urgency: int


def urgency(status: str, deadline: dt.datetime | None, now: dt.datetime, lead: dt.timedelta) -> int:
    if status in CLOSED_STATUSES:
        return CLOSED
    if deadline is None:
        return NO_DEADLINE
    if deadline <= now:
        return OVERDUE
    return SOON if deadline <= now + lead else LATER


def format_deadline(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone().strftime("%d.%m.%Y %H:%M")


class TendersModel(QAbstractTableModel):
    def __init__(self, *, clock: Callable[[], dt.datetime] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))
        self._rows: list[TenderRow] = []
        self.status_filter: str | None = None  # None = all, "open", or one status
        self.search = ""
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ---- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        now, lead = self._clock(), TenderService.lead_time()
        query = (
            Tender.select(Tender, Company.title.alias("customer_title"), Deal.sync_state.alias("deal_state"))
            .join(Company, peewee.JOIN.LEFT_OUTER, on=(Tender.customer == Company.id))
            .switch(Tender)
            .join(Deal, peewee.JOIN.LEFT_OUTER, on=(Tender.deal == Deal.id))
        )
        if self.status_filter == OPEN_FILTER:
            query = query.where(Tender.status.not_in(sorted(CLOSED_STATUSES)))
        elif self.status_filter:
            query = query.where(Tender.status == self.status_filter)
        text = self.search.strip()
        if text:
            like = f"%{text}%"
            query = query.where(Tender.number.contains(text) | Tender.title**like | Company.title**like)
        chosen = {
            g.tender_id: g
            for g in CalculationGroup.select().where(
                CalculationGroup.is_chosen & CalculationGroup.tender.is_null(False)
            )
        }
        rows: list[TenderRow] = []
        for t in query.objects():
            group = chosen.get(t.id)
            rows.append(
                TenderRow(
                    id=t.id,
                    number=t.number,
                    title=t.title,
                    customer=t.customer_title or "",
                    platform=t.platform or "",
                    deadline=t.deadline,
                    max_price=t.max_price,
                    our_price=group_figures(group).totals.gross if group else None,
                    currency=t.currency,
                    status=t.status,
                    deal_state=t.deal_state,
                    urgency=urgency(t.status, t.deadline, now, lead),
                )
            )
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def set_status_filter(self, value: str | None) -> None:
        if value not in (None, OPEN_FILTER, *TENDER_STATUSES):
            raise ValueError(f"unknown status filter {value!r}")
        self.status_filter = value
        self.reload()

    def set_search(self, text: str) -> None:
        self.search = text
        self.reload()

    # ---- order -------------------------------------------------------------------------------

    def _key(self, row: TenderRow) -> tuple[Any, ...]:
        far = dt.datetime.max
        if self._sort_column == 0:  # deadline: overdue, then soon, then later, undated, closed
            return (row.urgency, row.deadline or far, row.number)
        value = self._cell(row, self._sort_column, sort=True)
        return (value is None or value == "", value if value is not None else "", row.number)

    def _sorted(self, rows: list[TenderRow]) -> list[TenderRow]:
        return sorted(rows, key=self._key, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self._rows = self._sorted(self._rows)
        self.layoutChanged.emit()

    # ---- Qt model ------------------------------------------------------------------------------

    def tender_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, tender_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == tender_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return self.tr(HEADERS[section])
        return None

    def _cell(self, row: TenderRow, column: int, *, sort: bool = False) -> Any:
        if column == 0:
            return row.deadline if sort else format_deadline(row.deadline)
        if column == 1:
            return row.number
        if column == 2:
            return row.title
        if column == 3:
            return row.customer
        if column == 4:
            return row.platform
        if column in (5, 6):
            value = row.max_price if column == 5 else row.our_price
            if sort or value is None:
                return value
            return f"{format_money(Decimal(value))} {row.currency}"
        if column == 7:
            return TENDER_STATUSES.index(row.status) if sort else self.tr(STATUS_TITLES.get(row.status, row.status))
        if column == 8:
            return row.deal_state or ""
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, index.column())
        if role == TenderIdRole:
            return row.id
        if role == UrgencyRole:
            return row.urgency
        if role == Qt.ItemDataRole.BackgroundRole and row.urgency in _COLOURS:
            return QBrush(_COLOURS[row.urgency])
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            if row.urgency == OVERDUE:
                return self.tr("The submission deadline has passed")
            if row.urgency == SOON:
                return self.tr("The submission deadline is near")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
