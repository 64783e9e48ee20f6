"""Tables staff download as CSV or XLSX, with cells that cannot run as formulas.

Text that people typed (an applicant's title, a survey answer) starting with `=`, `+`, `-` or `@` (or a tab or
carriage return) would run as a formula when the file is opened in Excel or WPS (CSV/formula injection). Every
export of such text goes through `spreadsheet_safe`, which puts a `'` before it so it is shown as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(cell: Any) -> Any:
    """A text cell starting like a formula, quoted with `'`; any other value unchanged."""
    if isinstance(cell, str) and cell[:1] in FORMULA_STARTS:
        return "'" + cell
    return cell


def table_response(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, fmt: str, filename: str, sheet_title: str = ""
) -> HttpResponse:
    """The table as a CSV (with a byte-order mark, so Excel on Chinese Windows reads UTF-8) or XLSX download.

    Every cell passes through `spreadsheet_safe`; `None` becomes an empty cell. An unknown `fmt` is a 404.
    """
    safe = ([spreadsheet_safe("" if cell is None else cell) for cell in row] for row in rows)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(safe)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        if sheet_title:
            sheet.title = sheet_title[:31]
        sheet.append(list(header))
        for row in safe:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
