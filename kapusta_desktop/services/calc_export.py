"""Export one calculation group to an .xlsx workbook (openpyxl).

The workbook holds values, not formulas: every figure comes from the same
domain.calc code the console and the deal amount use, so the file agrees with
them to the kopeck (a spreadsheet formula would round differently the moment
someone edits it).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kapusta_desktop.services.calc_rows import group_figures
from kapusta_desktop.store.models import CalculationGroup

MONEY_FORMAT = '#,##0.00" ₽"'
HOURS_FORMAT = "#,##0.##"
PERCENT_FORMAT = '0.##"%"'

# (header, width, number format)
COLUMNS: list[tuple[str, int, str | None]] = [
    ("№", 5, None),
    ("Объект / пост", 32, None),
    ("Постов", 8, "0"),
    ("Охранников на посту", 11, "0"),
    ("Часов в сутки", 9, HOURS_FORMAT),
    ("Дней в месяце", 9, HOURS_FORMAT),
    ("Месяцев", 9, "0"),
    ("Часов всего", 12, HOURS_FORMAT),
    ("Ставка, ₽/ч", 12, MONEY_FORMAT),
    ("Доп. расходы", 14, MONEY_FORMAT),
    ("Себестоимость", 16, MONEY_FORMAT),
    ("Наценка", 9, PERCENT_FORMAT),
    ("Цена без НДС", 16, MONEY_FORMAT),
    ("НДС", 14, MONEY_FORMAT),
    ("Цена с НДС", 16, MONEY_FORMAT),
]
HEADER_ROW = 4
TOTALS_LABEL = "Итого"


class ExportError(Exception):
    pass


def _title(group: CalculationGroup) -> str:
    parts = []
    if group.tender_id is not None:
        tender = group.tender
        parts.append(f"Тендер № {tender.number}: {tender.title}")
    elif group.deal_id is not None:
        parts.append(f"Сделка: {group.deal.title}")
    parts.append(f"Расчёт «{group.name}», версия {group.version}")
    return ". ".join(parts)


def export_group(group: CalculationGroup, path: Path, *, vat_rate: Decimal | None = None) -> Path:
    """Write the group to `path` (.xlsx); returns the path. Raises ExportError on a bad path or write failure."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"the file name must end in .xlsx: {path.name}")
    if not path.parent.is_dir():
        raise ExportError(f"folder does not exist: {path.parent}")
    figures = group_figures(group, vat_rate)

    # openpyxl takes ~0.1 s to import: load it when someone exports, not when the console starts.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Расчёт"
    ws["A1"] = _title(group)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"НДС {figures.vat_rate}%; суммы округлены до копеек построчно, итоги — суммы строк."

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (header, width, _fmt) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width

    row_no = HEADER_ROW
    for index, (line, t) in enumerate(figures.rows, start=1):
        row_no += 1
        values: list[object] = [
            index,
            line.site_name,
            line.posts,
            line.guards_per_post,
            Decimal(line.hours_per_day),
            Decimal(line.days_per_month),
            line.months,
            t.hours,
            Decimal(line.hourly_rate),
            Decimal(line.extra_costs),
            t.cost,
            Decimal(line.margin_pct),
            t.net,
            t.vat,
            t.gross,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row_no, column=col, value=value)
            fmt = COLUMNS[col - 1][2]
            if fmt:
                cell.number_format = fmt
        if not line.vat:
            ws.cell(row=row_no, column=14, value="без НДС")

    row_no += 1
    tot = figures.totals
    ws.cell(row=row_no, column=2, value=TOTALS_LABEL).font = bold
    for col, value, fmt in (
        (8, tot.hours, HOURS_FORMAT),
        (11, tot.cost, MONEY_FORMAT),
        (13, tot.net, MONEY_FORMAT),
        (14, tot.vat, MONEY_FORMAT),
        (15, tot.gross, MONEY_FORMAT),
    ):
        cell = ws.cell(row=row_no, column=col, value=value)
        cell.number_format = fmt
        cell.font = bold
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)

    try:
        wb.save(path)
    except OSError as exc:
        raise ExportError(f"could not write {path.name}: {exc.strerror or exc}") from exc
    return path
