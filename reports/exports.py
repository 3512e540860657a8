"""A report as CSV (es-CO numbers, as the screen shows them) or as .xlsx with real numeric cells."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.numbers import format_number
from reports.tables import Report, ReportFilters

MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
# Excel number formats; Excel shows them with the reader's own separators (es-CO: 1.335.000,00).
XLSX_FORMATS = {
    "money": '"$" #,##0.00;-"$" #,##0.00',
    "count": "#,##0",
    "rate": '0.00" %"',
    "date": "yyyy-mm-dd",
    "month": "mmm yyyy",
}


def cell_text(value, kind: str) -> str:
    """What the page and the CSV show in one cell."""
    if value is None:
        return ""
    if kind == "money":
        return format_number(value, 2)
    if kind == "count":
        return format_number(value, 0)
    if kind == "rate":
        return f"{format_number(value, 2)} %"
    if kind == "date":
        return value.strftime("%Y-%m-%d")
    if kind == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    return str(value)


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a customer named «=1+1»)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _caption(report: Report, filters: ReportFilters) -> str:
    return f"{report.title}, del {filters.date_from:%Y-%m-%d} al {filters.date_to:%Y-%m-%d}"


def file_name(report: Report, filters: ReportFilters, extension: str) -> str:
    return f"{report.slug}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.{extension}"


def to_csv(report: Report, filters: ReportFilters) -> str:
    """The report as CSV text (``;`` separated, es-CO numbers, a BOM so spreadsheets read UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_caption(report, filters)])
    writer.writerow([column.label for column in report.columns])
    for row in report.rows:
        writer.writerow([_safe(cell_text(row.get(c.key), c.kind)) for c in report.columns])
    writer.writerow(_total_cells(report, lambda value, kind: cell_text(value, kind)))
    return "\ufeff" + out.getvalue()


def _total_cells(report: Report, render) -> list:
    cells = []
    for index, column in enumerate(report.columns):
        if column.key in report.totals:
            cells.append(render(report.totals[column.key], column.kind))
        else:
            cells.append("Total" if index == 0 else "")
    return cells


def to_xlsx(report: Report, filters: ReportFilters) -> bytes:
    """The report as an Excel workbook: numbers are numbers (formatted), dates are dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = report.title[:31]
    sheet.append([_caption(report, filters)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([column.label for column in report.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append([_xlsx_value(row.get(c.key), c.kind) for c in report.columns])
    sheet.append(_total_cells(report, _xlsx_value))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, column in enumerate(report.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 34 if column.kind == "text" else 20
        number_format = XLSX_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value, kind: str):
    if value is None:
        return None
    if kind in ("money", "rate"):
        return value  # Decimal: openpyxl writes it as a number cell
    if kind == "count":
        return int(value)
    if kind in ("date", "month"):
        return value
    return _safe(str(value))
