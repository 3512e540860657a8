"""One report cell as the page shows it (the CSV writes the same text: reports.exports.cell_text)."""

from django import template

from reports.exports import cell_text

register = template.Library()


@register.simple_tag
def report_cell(row: dict, column) -> str:
    return cell_text(row.get(column.key), column.kind)


@register.simple_tag
def report_total(report, column, index: int) -> str:
    if column.key in report.totals:
        return cell_text(report.totals[column.key], column.kind)
    return "Total" if index == 0 else ""
