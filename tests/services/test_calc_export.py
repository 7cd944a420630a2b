from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kapusta_desktop.services.calc_export import HEADER_ROW, TOTALS_LABEL, ExportError, export_group
from kapusta_desktop.services.calc_rows import VAT_RATE_SETTING, group_figures, vat_rate
from kapusta_desktop.store.models import CalculationGroup, GuardCalcLine, Setting, Tender

D = Decimal


def _group() -> CalculationGroup:
    tender = Tender.create(number="0373100012324000117", title="Охрана административных зданий")
    group = CalculationGroup.create(name="Базовый", tender=tender)
    GuardCalcLine.create(
        group=group,
        position=0,
        site_name="Главный корпус, КПП",
        posts=2,
        months=12,
        hourly_rate=D("250"),
        extra_costs=D("15000"),
        margin_pct=D("15"),
    )
    GuardCalcLine.create(
        group=group,
        position=1,
        site_name="Склад (ночь)",
        hours_per_day=D("12.5"),
        days_per_month=D("30.42"),
        months=1,
        hourly_rate=D("187.33"),
        margin_pct=D("12.5"),
    )
    GuardCalcLine.create(
        group=group, position=2, site_name="Патруль", hourly_rate=D("100"), days_per_month=D("1"), months=1, vat=False
    )
    return group


def _money(value: object) -> Decimal:
    return D(str(value)).quantize(D("0.01"))


def test_export_reopens_with_the_same_totals(db, tmp_path: Path) -> None:
    group = _group()
    path = export_group(group, tmp_path / "calc.xlsx")
    ws = load_workbook(path).active
    lines = [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[1] != TOTALS_LABEL]
    totals = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[1] == TOTALS_LABEL)
    assert [r[1] for r in lines] == ["Главный корпус, КПП", "Склад (ночь)", "Патруль"]
    expected = group_figures(group).totals
    # Gross per line at the default 22%: 4985250 + 4985250 × 0.22 = 6082005.00;
    # 80136.26 + 17629.98 (80136.26 × 0.22 = 17629.9772) = 97766.24; 2400.00 without VAT.
    assert expected.gross == D("6082005.00") + D("97766.24") + D("2400.00")
    assert (_money(totals[10]), _money(totals[12]), _money(totals[13]), _money(totals[14])) == (
        expected.cost,
        expected.net,
        expected.vat,
        expected.gross,
    )
    # The lines in the file add up to the totals in the file.
    assert sum(_money(r[14]) for r in lines) == _money(totals[14])
    assert lines[2][13] == "без НДС"
    assert ws.cell(row=HEADER_ROW + 1, column=15).number_format.startswith("#,##0.00")
    assert "0373100012324000117" in ws["A1"].value


def test_vat_rate_defaults_to_22_and_the_setting_overrides_it(db) -> None:
    assert vat_rate() == D("22")  # unset: Russia's standard rate from 1 January 2026
    Setting.create(key=VAT_RATE_SETTING, value="")
    assert vat_rate() == D("22")  # blank counts as unset
    Setting.update(value="20").where(Setting.key == VAT_RATE_SETTING).execute()
    assert vat_rate() == D("20")
    Setting.update(value="10,5").where(Setting.key == VAT_RATE_SETTING).execute()
    assert vat_rate() == D("10.5")


def test_vat_rate_setting_is_used(db, tmp_path: Path) -> None:
    # A configured rate other than the default (the pre-2026 20%) reaches the figures and the file.
    Setting.create(key=VAT_RATE_SETTING, value="20")
    assert vat_rate() == D("20")
    group = _group()
    assert group_figures(group).vat_rate == D("20")
    ws = load_workbook(export_group(group, tmp_path / "c.xlsx")).active
    assert "НДС 20%" in ws["A2"].value
    totals = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[1] == TOTALS_LABEL)
    assert _money(totals[13]) == D("997050.00") + D("16027.25")  # 4985250 × 0.2; 80136.26 × 0.2 = 16027.252


def test_export_refuses_bad_paths(db, tmp_path: Path) -> None:
    group = _group()
    with pytest.raises(ExportError, match=r"\.xlsx"):
        export_group(group, tmp_path / "calc.csv")
    with pytest.raises(ExportError, match="folder does not exist"):
        export_group(group, tmp_path / "missing" / "calc.xlsx")
