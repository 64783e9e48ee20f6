"""What reading a report produces: every cell with its value, its state and where in the text it was read."""

from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.annual_reports.figures import ReportFigures
from gongkai.core.stats import Cell

# A cell's state. Only NUMBER has a value; the others are null in every export.
NUMBER = "number"
BLANK = "blank"  # printed empty
NOT_APPLICABLE = "na"  # printed "/" or "—": the report says the row does not apply
UNREADABLE = "unreadable"  # the text does not hold the cell (cut off, missing section, columns that do not fit)
STATES = (NUMBER, BLANK, NOT_APPLICABLE, UNREADABLE)

FORMAT_2019 = "2019"  # 国办公开办函〔2019〕60号 (trial format, 2019–2020 reports)
FORMAT_2021 = "2021"  # 国办公开办函〔2021〕30号 (2021 reports onwards)


@dataclass
class ReadCell:
    address: str
    value: int | Decimal | None
    state: str
    span: tuple[int, int] | None = None  # [start, end) in ParsedReport.text
    raw: str = ""
    note: str = ""

    def to_json(self) -> dict:
        data: dict = {"state": self.state, "value": _plain(self.value)}
        if self.span:
            data["span"] = list(self.span)
        if self.note:
            data["note"] = self.note
        return data


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


@dataclass
class SectionRead:
    number: str
    found: bool
    span: tuple[int, int] | None = None  # the heading's span in the text
    heading: str = ""


@dataclass
class ParsedReport:
    """One report as read from a file. `text` is the extracted text every span points into."""

    kind: str  # text, html, docx, pdf, json
    text: str
    title: str = ""
    agency: str = ""  # as the report names itself (a guess, confirmed by a person on upload)
    year: int | None = None
    format: str | None = None  # FORMAT_2019, FORMAT_2021 or None when no table says
    cells: dict[str, ReadCell] = field(default_factory=dict)
    sections: dict[str, SectionRead] = field(default_factory=dict)
    section1: dict[str, str] = field(default_factory=dict)  # the five parts of 一, as far as they are marked
    section1_text: str = ""
    problems: str = ""
    other: str = ""
    preamble: str = ""
    unreadable: str = ""  # why the whole file could not be read (then every cell is unreadable)
    exported: dict | None = None  # the platform's own JSON export, when that was the input

    @property
    def readable(self) -> bool:
        return not self.unreadable

    def value(self, address: str):
        cell = self.cells.get(address)
        return cell.value if cell else None

    def state(self, address: str) -> str:
        cell = self.cells.get(address)
        return cell.state if cell else UNREADABLE

    def states(self) -> dict[str, str]:
        return {address: cell.state for address, cell in self.cells.items()}

    def figures(self) -> ReportFigures:
        """The cells as the checks and exports read them: `None` for every cell without a number."""
        from gongkai.annual_reports.structure import (
            SECTION2_CODES,
            TABLE2_COLUMN_CODES,
            TABLE2_ROW_CODES,
            TABLE3_CODES,
        )

        def cell(address: str) -> Cell:
            return Cell(self.value(address), source="imported")  # type: ignore[arg-type]

        rows = list(TABLE2_ROW_CODES)
        if self.format == FORMAT_2019:
            rows = [r for r in rows if not r.startswith("R3.6.")] + ["R3.6"]
        return ReportFigures(
            section1={},
            section2={code: cell(f"2.{code}") for code in SECTION2_CODES},
            section3={row: {col: cell(f"3.{row}.{col}") for col in TABLE2_COLUMN_CODES} for row in rows},
            section4={code: cell(f"4.{code}") for code in TABLE3_CODES},
            fees_charged=Cell(None, source="imported"),  # type: ignore[arg-type]
        )


def parsed_to_json(report: ParsedReport) -> dict:
    """What a stored version keeps of the reading (the text is stored beside it)."""
    return {
        "kind": report.kind,
        "title": report.title,
        "agency": report.agency,
        "year": report.year,
        "format": report.format,
        "cells": {address: cell.to_json() | {"raw": cell.raw} for address, cell in report.cells.items()},
        "sections": {
            n: {"found": s.found, "span": list(s.span) if s.span else None, "heading": s.heading}
            for n, s in report.sections.items()
        },
        "section1": report.section1,
        "section1_text": report.section1_text,
        "problems": report.problems,
        "other": report.other,
        "preamble": report.preamble,
        "unreadable": report.unreadable,
    }


def parsed_from_json(data: dict, text: str = "") -> ParsedReport:
    report = ParsedReport(
        kind=data.get("kind", ""),
        text=text,
        title=data.get("title", ""),
        agency=data.get("agency", ""),
        year=data.get("year"),
        format=data.get("format"),
        section1=data.get("section1", {}),
        section1_text=data.get("section1_text", ""),
        problems=data.get("problems", ""),
        other=data.get("other", ""),
        preamble=data.get("preamble", ""),
        unreadable=data.get("unreadable", ""),
    )
    for address, cell in data.get("cells", {}).items():
        value = cell.get("value")
        if isinstance(value, str):
            value = Decimal(value)
        span = tuple(cell["span"]) if cell.get("span") else None
        report.cells[address] = ReadCell(address, value, cell["state"], span, cell.get("raw", ""), cell.get("note", ""))  # type: ignore[arg-type]
    for number, section in data.get("sections", {}).items():
        span = tuple(section["span"]) if section.get("span") else None
        report.sections[number] = SectionRead(number, section["found"], span, section.get("heading", ""))  # type: ignore[arg-type]
    return report
