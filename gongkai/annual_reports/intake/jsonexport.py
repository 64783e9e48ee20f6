"""The platform's own JSON export (schema gongkai.annual-report/1) read back, so one deployment audits another's."""

from decimal import Decimal, InvalidOperation

from gongkai.annual_reports.intake.result import BLANK, FORMAT_2019, FORMAT_2021, NUMBER, ParsedReport, ReadCell
from gongkai.annual_reports.structure import SECTION1_PARTS, SECTION2_CODES, TABLE2_COLUMN_CODES, TABLE3_CODES


def _value(raw):
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() and "." not in str(raw) else number


def _cell(address: str, raw) -> ReadCell:
    value = _value(raw)
    return ReadCell(address, value, NUMBER if value is not None else BLANK, raw="" if raw is None else str(raw))


def parse_export(data: dict) -> ParsedReport:
    fmt = FORMAT_2019 if str(data.get("format")) == FORMAT_2019 else FORMAT_2021
    year = data.get("year")
    report = ParsedReport(
        kind="json",
        text="",
        title=str(data.get("title", "")),
        agency=str(data.get("agency", "")),
        year=int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None,
        format=fmt,
        preamble=str(data.get("preamble", "")),
        exported=data,
    )
    section1 = data.get("section1") or {}
    report.section1 = {key: str(section1.get(key, "")) for key, _title in SECTION1_PARTS}
    report.section1_text = "\n".join(report.section1.values())
    section5 = data.get("section5") or {}
    report.problems = "\n".join(str(section5.get(k, "")) for k in ("problems", "improvements")).strip()
    report.other = str((data.get("section6") or {}).get("text", ""))
    section2 = data.get("section2") or {}
    for code in SECTION2_CODES:
        report.cells[f"2.{code}"] = _cell(f"2.{code}", section2.get(code))
    for code, raw in (data.get("section2_2019") or {}).items():
        report.cells[f"2.2019.{code}"] = _cell(f"2.2019.{code}", raw)
    rows = ((data.get("section3") or {}).get("rows")) or {}
    columns = (data.get("section3") or {}).get("columns") or TABLE2_COLUMN_CODES
    for row, content in rows.items():
        values = (content or {}).get("values") or []
        for col in TABLE2_COLUMN_CODES:
            raw = values[columns.index(col)] if col in columns and columns.index(col) < len(values) else None
            report.cells[f"3.{row}.{col}"] = _cell(f"3.{row}.{col}", raw)
    section4 = data.get("section4") or {}
    for code in TABLE3_CODES:
        entry = section4.get(code)
        report.cells[f"4.{code}"] = _cell(f"4.{code}", entry.get("value") if isinstance(entry, dict) else entry)
    for number in "123456":
        from gongkai.annual_reports.intake.result import SectionRead

        report.sections[number] = SectionRead(number, True)
    return report
