"""Excel downloads: one sheet, a bold frozen header, columns as wide as their text."""

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def display_width(value) -> int:
    """Display width of a cell: a Chinese character takes two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str("" if value is None else value))


def xlsx_response(filename: str, sheet: str, columns, rows) -> HttpResponse:
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    widths = [display_width(c) for c in columns]
    for line in ws.iter_rows(min_row=2):
        for index, cell in enumerate(line):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text from people is never a formula (spreadsheet injection)
            widths[index] = max(widths[index], display_width(cell.value))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    return book_response(book, filename)


def book_response(book: Workbook, filename: str) -> HttpResponse:
    """A workbook as a download named `filename` (Chinese names survive: RFC 5987)."""
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
