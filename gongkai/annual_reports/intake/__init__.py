"""Report intake (年报审查): read annual reports made anywhere into the platform's report structure.

`read_report(name, data)` reads one file (text, HTML, DOCX, PDF with a text layer, or the platform's own JSON
export); `read_upload(name, data)` also expands a zip into its reports. Nothing is stored here: storing is
`services.imported_report_create`, auditing without storing is `manage.py annual_report audit`.
"""

from gongkai.annual_reports.intake.formats import Deadline, Limits, Unreadable, expand_archive, extract
from gongkai.annual_reports.intake.jsonexport import parse_export
from gongkai.annual_reports.intake.parse import parse_text
from gongkai.annual_reports.intake.result import ParsedReport

__all__ = ["Limits", "ParsedReport", "Unreadable", "read_report", "read_upload"]


def read_report(name: str, data: bytes, limits: Limits | None = None) -> ParsedReport:
    """One file as a report; a file that cannot be read comes back with `unreadable` set, never raises."""
    limits = limits or Limits.from_settings()
    deadline = Deadline(limits.max_seconds)
    try:
        extracted = extract(name, data, limits, deadline)
        if extracted.kind == "json":
            return parse_export(extracted.data or {})
        return parse_text(extracted.text, extracted.kind, deadline)
    except Unreadable as exc:
        return ParsedReport(kind="", text="", unreadable=str(exc))


def read_upload(name: str, data: bytes, limits: Limits | None = None) -> list[tuple[str, ParsedReport]]:
    """(file name, report) for a file, or for every file in a zip."""
    return [(member, parsed) for member, _content, parsed in read_upload_files(name, data, limits)]


def read_upload_files(name: str, data: bytes, limits: Limits | None = None) -> list[tuple[str, bytes, ParsedReport]]:
    """(file name, its bytes, report) for a file, or for every file in a zip (a DOCX is one file, not a zip)."""
    limits = limits or Limits.from_settings()
    if data[:2] == b"PK" and not name.lower().endswith(".docx"):
        try:
            members = expand_archive(data, limits)
        except Unreadable as exc:
            return [(name, data, ParsedReport(kind="zip", text="", unreadable=str(exc)))]
        if not any(m.endswith("word/document.xml") for m, _d in members):
            return [(f"{name}/{member}", content, read_report(member, content, limits)) for member, content in members]
    return [(name, data, read_report(name, data, limits))]
