"""Security-guard price calculation: pure Decimal arithmetic, no I/O.

One line (a site or post):

    hours  = posts × guards_per_post × hours_per_day × days_per_month × months
    cost   = hours × hourly_rate + extra_costs                   → kopecks
    net    = cost × (1 + margin_pct / 100)                       → kopecks (price before VAT)
    vat    = net × vat_rate / 100 when the line has VAT, else 0  → kopecks
    gross  = net + vat

Rounding is money rounding (ROUND_HALF_UP to kopecks) done per line at each
money step, each step starting from the rounded figure before it, so every
figure shown on a line is reproducible from the figures shown next to it.
Group totals are sums of the rounded line figures, as on a Russian invoice
(the invoice's "Итого" and "В том числе НДС" are sums of its lines). Hours are
exact (at most 4 decimal places from two 2-place factors); they are not money
and are not rounded before multiplying by the rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KOPECK = Decimal("0.01")
HUNDRED = Decimal(100)
# Russia's standard VAT rate: 22% from 1 January 2026 (Federal Law 425-FZ of 28.11.2025; it was 20%).
# Callers pass the configured rate (setting `calc.vat_rate_pct`); this is the default when none is set.
DEFAULT_VAT_RATE = Decimal(22)

# Sanity bounds: beyond them the input is a typo, not a calculation.
MAX_HOURS_PER_DAY = Decimal(24)
MAX_DAYS_PER_MONTH = Decimal(31)
MAX_MONTHS = 1200
MAX_COUNT = 100_000
MIN_MARGIN = Decimal(-100)
MAX_MARGIN = Decimal(10_000)
MAX_VAT_RATE = Decimal(100)


class CalcInputError(ValueError):
    """An input no calculation can use; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def money(value: Decimal) -> Decimal:
    """Round to kopecks the way money is rounded (half away from zero)."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GuardLineInput:
    posts: int
    guards_per_post: int
    hours_per_day: Decimal
    days_per_month: Decimal
    months: int
    hourly_rate: Decimal
    extra_costs: Decimal = Decimal(0)
    margin_pct: Decimal = Decimal(0)
    vat: bool = True


@dataclass(frozen=True)
class LineTotals:
    hours: Decimal
    cost: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class GroupTotals:
    hours: Decimal
    cost: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    lines: int


def to_decimal(value: object, field: str) -> Decimal:
    """Accept Decimal, int or a decimal string (comma or dot); never float, whose binary error leaks into money."""
    if isinstance(value, bool | float):
        raise CalcInputError(field, "must be a decimal number, not a float or a flag")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            raise CalcInputError(field, "is empty")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise CalcInputError(field, f"is not a number: {value!r}") from None
    else:
        raise CalcInputError(field, f"has an unsupported type {type(value).__name__}")
    if not result.is_finite():
        raise CalcInputError(field, "must be a finite number")
    return result


def _check_range(field: str, value: Decimal, low: Decimal, high: Decimal) -> None:
    if value < low or value > high:
        raise CalcInputError(field, f"must be between {low} and {high}, got {value}")


def _check_count(field: str, value: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CalcInputError(field, "must be a whole number")
    if value < 0 or value > high:
        raise CalcInputError(field, f"must be between 0 and {high}, got {value}")


def validate_line(line: GuardLineInput, vat_rate: Decimal = DEFAULT_VAT_RATE) -> None:
    """Raise CalcInputError for the first input out of range."""
    _check_count("posts", line.posts, MAX_COUNT)
    _check_count("guards_per_post", line.guards_per_post, MAX_COUNT)
    _check_count("months", line.months, MAX_MONTHS)
    _check_range("hours_per_day", to_decimal(line.hours_per_day, "hours_per_day"), Decimal(0), MAX_HOURS_PER_DAY)
    _check_range("days_per_month", to_decimal(line.days_per_month, "days_per_month"), Decimal(0), MAX_DAYS_PER_MONTH)
    if to_decimal(line.hourly_rate, "hourly_rate") < 0:
        raise CalcInputError("hourly_rate", "must not be negative")
    if to_decimal(line.extra_costs, "extra_costs") < 0:
        raise CalcInputError("extra_costs", "must not be negative")
    _check_range("margin_pct", to_decimal(line.margin_pct, "margin_pct"), MIN_MARGIN, MAX_MARGIN)
    _check_range("vat_rate", to_decimal(vat_rate, "vat_rate"), Decimal(0), MAX_VAT_RATE)


def line_hours(line: GuardLineInput) -> Decimal:
    return (
        Decimal(line.posts)
        * Decimal(line.guards_per_post)
        * to_decimal(line.hours_per_day, "hours_per_day")
        * to_decimal(line.days_per_month, "days_per_month")
        * Decimal(line.months)
    )


def line_totals(line: GuardLineInput, vat_rate: Decimal = DEFAULT_VAT_RATE) -> LineTotals:
    """The figures of one line, rounded per line (see the module docstring)."""
    validate_line(line, vat_rate)
    hours = line_hours(line)
    cost = money(hours * to_decimal(line.hourly_rate, "hourly_rate") + to_decimal(line.extra_costs, "extra_costs"))
    net = money(cost * (1 + to_decimal(line.margin_pct, "margin_pct") / HUNDRED))
    vat = money(net * to_decimal(vat_rate, "vat_rate") / HUNDRED) if line.vat else Decimal("0.00")
    return LineTotals(hours=hours, cost=cost, net=net, vat=vat, gross=net + vat)


def sum_totals(lines: Iterable[LineTotals]) -> GroupTotals:
    hours = cost = net = vat = gross = Decimal(0)
    count = 0
    for t in lines:
        hours += t.hours
        cost += t.cost
        net += t.net
        vat += t.vat
        gross += t.gross
        count += 1
    return GroupTotals(hours=hours, cost=money(cost), net=money(net), vat=money(vat), gross=money(gross), lines=count)


def group_totals(lines: Iterable[GuardLineInput], vat_rate: Decimal = DEFAULT_VAT_RATE) -> GroupTotals:
    """Sum of the per-line rounded figures (never round-the-sum)."""
    return sum_totals(line_totals(line, vat_rate) for line in lines)
