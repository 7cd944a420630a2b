"""Stored calculation lines ↔ the pure arithmetic in domain.calc, and the VAT rate setting."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kapusta_desktop.domain.calc import (
    DEFAULT_VAT_RATE,
    GroupTotals,
    GuardLineInput,
    LineTotals,
    line_totals,
    sum_totals,
    to_decimal,
)
from kapusta_desktop.store.models import CalculationGroup, GuardCalcLine, Setting

VAT_RATE_SETTING = "calc.vat_rate_pct"


def vat_rate() -> Decimal:
    """The configured VAT rate in percent (Setting `calc.vat_rate_pct`); DEFAULT_VAT_RATE (22) when unset."""
    row = Setting.get_or_none(Setting.key == VAT_RATE_SETTING)
    if row is None or row.value in (None, ""):
        return DEFAULT_VAT_RATE
    return to_decimal(str(row.value), VAT_RATE_SETTING)


def line_input(row: GuardCalcLine) -> GuardLineInput:
    return GuardLineInput(
        posts=int(row.posts),
        guards_per_post=int(row.guards_per_post),
        hours_per_day=Decimal(row.hours_per_day),
        days_per_month=Decimal(row.days_per_month),
        months=int(row.months),
        hourly_rate=Decimal(row.hourly_rate),
        extra_costs=Decimal(row.extra_costs),
        margin_pct=Decimal(row.margin_pct),
        vat=bool(row.vat),
    )


@dataclass(frozen=True)
class GroupFigures:
    group: CalculationGroup
    rows: list[tuple[GuardCalcLine, LineTotals]]
    totals: GroupTotals
    vat_rate: Decimal


def ordered_lines(group: CalculationGroup) -> list[GuardCalcLine]:
    return list(
        GuardCalcLine.select().where(GuardCalcLine.group == group).order_by(GuardCalcLine.position, GuardCalcLine.id)
    )


def group_figures(group: CalculationGroup, rate: Decimal | None = None) -> GroupFigures:
    """Every line's figures and the group's totals (per-line rounding, see domain.calc)."""
    rate = vat_rate() if rate is None else rate
    rows = [(row, line_totals(line_input(row), rate)) for row in ordered_lines(group)]
    return GroupFigures(group=group, rows=rows, totals=sum_totals(t for _, t in rows), vat_rate=rate)
