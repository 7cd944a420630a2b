"""Pins the guard-calculation arithmetic: formulas, per-line money rounding, bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapusta_desktop.domain.calc import (
    DEFAULT_VAT_RATE,
    CalcInputError,
    GuardLineInput,
    group_totals,
    line_totals,
    money,
    to_decimal,
)

D = Decimal


def line(**kw: object) -> GuardLineInput:
    base: dict[str, object] = dict(
        posts=1,
        guards_per_post=1,
        hours_per_day=D("24"),
        days_per_month=D("30"),
        months=1,
        hourly_rate=D("0"),
        extra_costs=D("0"),
        margin_pct=D("0"),
        vat=True,
    )
    base.update(kw)
    return GuardLineInput(**base)  # type: ignore[arg-type]


def test_typical_round_the_clock_posts_for_a_year() -> None:
    # At the default rate, 22% (Russia's standard rate from 1 January 2026).
    t = line_totals(line(posts=2, months=12, hourly_rate=D("250.00"), extra_costs=D("15000"), margin_pct=D("15")))
    assert t.hours == D("17280")  # 2 × 1 × 24 × 30 × 12
    assert t.cost == D("4335000.00")  # 17280 × 250 + 15000
    assert t.net == D("4985250.00")  # 4335000 × 1.15
    assert t.vat == D("1096755.00")  # 4985250 × 0.22
    assert t.gross == D("6082005.00")  # 4985250 + 1096755


def test_a_configured_rate_pins_the_same_line_at_20_percent() -> None:
    # The rate before 2026, as a portal may still be configured (setting calc.vat_rate_pct = 20).
    t = line_totals(
        line(posts=2, months=12, hourly_rate=D("250.00"), extra_costs=D("15000"), margin_pct=D("15")),
        vat_rate=D(20),
    )
    assert t.net == D("4985250.00")
    assert t.vat == D("997050.00")  # 4985250 × 0.2
    assert t.gross == D("5982300.00")


def test_default_vat_rate_is_22_percent() -> None:
    # Federal Law 425-FZ of 28.11.2025: 22% from 1 January 2026 (it was 20%).
    assert D(22) == DEFAULT_VAT_RATE
    one = line(hourly_rate=D("100"), days_per_month=D("1"))
    assert line_totals(one) == line_totals(one, vat_rate=D(22))
    assert line_totals(one).vat == D("528.00")  # 2400 × 0.22


def test_fractional_hours_and_days_round_each_money_step() -> None:
    t = line_totals(
        line(hours_per_day=D("12.5"), days_per_month=D("30.42"), hourly_rate=D("187.33"), margin_pct=D("12.5"))
    )
    assert t.hours == D("380.250")  # exact, not rounded
    assert t.cost == D("71232.23")  # 380.25 × 187.33 = 71232.2325
    assert t.net == D("80136.26")  # 71232.23 × 1.125 = 80136.25875
    assert t.vat == D("17629.98")  # 80136.26 × 0.22 = 17629.9772 (default rate)
    assert t.gross == D("97766.24")  # 80136.26 + 17629.98


def test_half_kopeck_rounds_up_not_to_even() -> None:
    t = line_totals(line(hours_per_day=D("0.5"), days_per_month=D("1"), hourly_rate=D("0.05"), vat=False))
    assert t.cost == D("0.03")  # 0.025 → 0.03 (banker's rounding would give 0.02)
    assert money(D("-0.025")) == D("-0.03")


def test_zero_posts_leaves_only_extra_costs() -> None:
    t = line_totals(line(posts=0, hourly_rate=D("300"), extra_costs=D("1000"), margin_pct=D("10")))
    assert t.hours == 0
    # VAT at the default 22%: 1100 × 0.22 = 242; gross 1100 + 242 = 1342.
    assert (t.cost, t.net, t.vat, t.gross) == (D("1000.00"), D("1100.00"), D("242.00"), D("1342.00"))


def test_zero_margin_keeps_cost_and_large_margin_multiplies() -> None:
    base = dict(hours_per_day=D("10"), days_per_month=D("10"), hourly_rate=D("10"))
    assert line_totals(line(**base, margin_pct=D("0"))).net == D("1000.00")
    assert line_totals(line(**base, margin_pct=D("150"))).net == D("2500.00")
    assert line_totals(line(**base, margin_pct=D("100"))).net == D("2000.00")
    assert line_totals(line(**base, margin_pct=D("-100"))).net == D("0.00")


def test_vat_off_means_gross_equals_net() -> None:
    t = line_totals(line(hourly_rate=D("100"), days_per_month=D("1"), vat=False))
    assert t.vat == D("0.00") and t.gross == t.net == D("2400.00")


def test_vat_rate_is_a_parameter() -> None:
    t = line_totals(line(hourly_rate=D("100"), days_per_month=D("1")), vat_rate=D("20"))
    assert (t.net, t.vat, t.gross) == (D("2400.00"), D("480.00"), D("2880.00"))  # 2400 × 0.2, not the default 22%
    assert line_totals(line(hourly_rate=D("100"), days_per_month=D("1")), vat_rate=D("0")).vat == 0


def test_large_values_stay_exact() -> None:
    t = line_totals(
        line(posts=1000, guards_per_post=10, days_per_month=D("31"), months=120, hourly_rate=D("1234.56"), vat=False)
    )
    assert t.hours == D(1000 * 10 * 24 * 31 * 120)
    assert t.cost == D(1000 * 10 * 24 * 31 * 120 * 123456) / 100
    assert t.cost.as_tuple().exponent == -2


def test_group_rounds_per_line_then_sums() -> None:
    # Each line: net 0.03, VAT (22%) 0.0066 → 0.01. Per line: 0.02 in total; round-the-sum: 0.0132 → 0.01.
    one = line(hours_per_day=D("1"), days_per_month=D("1"), hourly_rate=D("0.03"))
    g = group_totals([one, one])
    assert (g.cost, g.net, g.vat, g.gross, g.lines) == (D("0.06"), D("0.06"), D("0.02"), D("0.08"), 2)


def test_group_mixes_vat_and_non_vat_lines() -> None:
    a = line(hourly_rate=D("100"), days_per_month=D("1"))  # 2400 + 528 (2400 × 0.22, the default rate)
    b = line(hourly_rate=D("100"), days_per_month=D("1"), vat=False)  # 2400
    g = group_totals([a, b])
    assert (g.hours, g.net, g.vat, g.gross) == (D("48"), D("4800.00"), D("528.00"), D("5328.00"))


def test_empty_group_is_zero() -> None:
    g = group_totals([])
    assert (g.hours, g.gross, g.lines) == (0, D("0.00"), 0)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        (dict(posts=-1), "posts"),
        (dict(guards_per_post=-2), "guards_per_post"),
        (dict(hours_per_day=D("24.5")), "hours_per_day"),
        (dict(hours_per_day=D("-1")), "hours_per_day"),
        (dict(days_per_month=D("32")), "days_per_month"),
        (dict(months=-1), "months"),
        (dict(hourly_rate=D("-0.01")), "hourly_rate"),
        (dict(extra_costs=D("-5")), "extra_costs"),
        (dict(margin_pct=D("-100.01")), "margin_pct"),
        (dict(hourly_rate=1.5), "hourly_rate"),
        (dict(posts=True), "posts"),
        (dict(hourly_rate=D("NaN")), "hourly_rate"),
    ],
)
def test_bad_inputs_name_their_field(kw: dict[str, object], field: str) -> None:
    with pytest.raises(CalcInputError) as info:
        line_totals(line(**kw))
    assert info.value.field == field
    assert field in str(info.value)


def test_bad_vat_rate_is_refused() -> None:
    with pytest.raises(CalcInputError, match="vat_rate"):
        line_totals(line(), vat_rate=D("-1"))


def test_to_decimal_reads_what_people_type() -> None:
    assert to_decimal("12,5", "x") == D("12.5")
    assert to_decimal("1 234,56", "x") == D("1234.56")
    assert to_decimal("1\u00a0000", "x") == D("1000")
    with pytest.raises(CalcInputError, match="not a number"):
        to_decimal("двенадцать", "x")
    with pytest.raises(CalcInputError, match="empty"):
        to_decimal("  ", "x")


decimals_2 = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
lines_st = st.builds(
    GuardLineInput,
    posts=st.integers(0, 50),
    guards_per_post=st.integers(0, 5),
    hours_per_day=st.decimals(min_value=0, max_value=24, places=2),
    days_per_month=st.decimals(min_value=0, max_value=31, places=2),
    months=st.integers(0, 36),
    hourly_rate=st.decimals(min_value=0, max_value=5000, places=2),
    extra_costs=decimals_2,
    margin_pct=st.decimals(min_value=-100, max_value=500, places=2),
    vat=st.booleans(),
)


@settings(max_examples=100, deadline=None)
@given(lines_st)
def test_line_figures_are_consistent_kopecks(ln: GuardLineInput) -> None:
    t = line_totals(ln)
    half = D("0.005")
    for figure in (t.cost, t.net, t.vat, t.gross):
        assert figure.as_tuple().exponent == -2
    assert t.gross == t.net + t.vat
    assert abs(t.net - t.cost * (1 + ln.margin_pct / 100)) <= half
    assert abs(t.vat - (t.net * D("0.22") if ln.vat else 0)) <= half  # the default rate, 22%
    if ln.margin_pct >= 0:
        assert t.net >= t.cost


@settings(max_examples=50, deadline=None)
@given(st.lists(lines_st, max_size=8))
def test_group_is_the_order_free_sum_of_its_lines(lines: list[GuardLineInput]) -> None:
    g = group_totals(lines)
    per_line = [line_totals(x) for x in lines]
    assert g.gross == sum((t.gross for t in per_line), D("0.00"))
    assert g.vat == sum((t.vat for t in per_line), D("0.00"))
    assert g == group_totals(list(reversed(lines)))
