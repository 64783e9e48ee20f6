"""Reading an uploaded CSV or XLSX table into rows of text keyed by the header, for the bulk imports."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030 (GBK); everything else sends UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("无法识别文件编码，请另存为UTF-8编码的CSV或Excel文件。")})


def read_table(upload) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the data rows of the first sheet (XLSX) or the file (CSV); blank rows are skipped."""
    name = (getattr(upload, "name", "") or "").lower()
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过10MB。")})
    data = upload.read()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
            raise ValidationError({"file": _("无法读取该Excel文件，请检查文件是否损坏。")}) from exc
        raw = [[_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(_decode(data)))]
    else:
        raise ValidationError({"file": _("请上传CSV或XLSX（Excel）文件。")})
    if not raw:
        raise ValidationError({"file": _("文件是空的。")})
    header = [h.strip() for h in raw[0]]
    rows = []
    for line in raw[1:]:
        if not any(line):
            rows.append({})  # keep the numbering of the sheet: a blank row still has a row number
            continue
        rows.append({h: (line[i] if i < len(line) else "") for i, h in enumerate(header) if h})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入%(n)d行。") % {"n": MAX_ROWS}})
    return header, rows
