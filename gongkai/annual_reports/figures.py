"""All the numbers of one annual report, each a Cell that knows the records it counts.

`ReportFigures` is what compiling produces, what the checks read, what the exports render and what an approved
report freezes (as JSON) in its snapshot.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.annual_reports.structure import (
    SECTION1_CODES,
    SECTION2_CODES,
    TABLE2_COLUMN_CODES,
    TABLE2_ROW_CODES,
    TABLE3_CODES,
)
from gongkai.core.stats import Cell, where_from_json, where_to_json


def cell_to_json(cell: Cell, shared: list | None = None) -> dict:
    """A cell as the snapshot keeps it: a cell counted by a filter keeps the filter, not millions of ids.

    Long lists in filters go once into `shared` (the snapshot's "lists"), not into every cell.
    """
    value = str(cell.value) if isinstance(cell.value, Decimal) else cell.value
    if cell.where is not None:
        where = where_to_json(cell.where, shared)
        return {"value": value, "model": cell.model, "where": where, "source": cell.source}
    return {"value": value, "model": cell.model, "ids": list(cell.ids), "source": cell.source}


def cell_from_json(data: dict, shared: list | tuple = ()) -> Cell:
    value = data["value"]
    value = Decimal(value) if isinstance(value, str) else value
    where = where_from_json(data["where"], shared) if data.get("where") else None
    return Cell(value, data.get("model", ""), tuple(data.get("ids", ())), data.get("source", ""), where)


@dataclass
class ReportFigures:
    """Every number of the report. Missing cells read as zero so that a partial compile still renders."""

    section1: dict[str, Cell] = field(default_factory=dict)
    section2: dict[str, Cell] = field(default_factory=dict)
    section3: dict[str, dict[str, Cell]] = field(default_factory=dict)
    section4: dict[str, Cell] = field(default_factory=dict)
    fees_charged: Cell = field(default_factory=lambda: Cell(Decimal("0")))
    topics: list[tuple[str, int]] = field(default_factory=list)

    def s1(self, code: str) -> Cell:
        return self.section1.get(code, Cell(0))

    def s2(self, code: str) -> Cell:
        return self.section2.get(code, Cell(Decimal("0") if code == "fees_10k_yuan" else 0))

    def t2(self, row: str, column: str) -> Cell:
        return self.section3.get(row, {}).get(column, Cell(0))

    def t3(self, code: str) -> Cell:
        return self.section4.get(code, Cell(0))

    def to_json(self) -> dict:
        shared: list = []

        def cell(c: Cell) -> dict:
            return cell_to_json(c, shared)

        data = {
            "section1": {code: cell(self.s1(code)) for code in SECTION1_CODES},
            "section2": {code: cell(self.s2(code)) for code in SECTION2_CODES},
            "section3": {
                row: {col: cell(self.t2(row, col)) for col in TABLE2_COLUMN_CODES} for row in TABLE2_ROW_CODES
            },
            "section4": {code: cell(self.t3(code)) for code in TABLE3_CODES},
            "fees_charged": cell(self.fees_charged),
            "topics": [[topic, count] for topic, count in self.topics],
        }
        if shared:
            data["lists"] = shared
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ReportFigures":
        shared = data.get("lists", [])

        def cell(d: dict) -> Cell:
            return cell_from_json(d, shared)

        return cls(
            section1={k: cell(v) for k, v in data.get("section1", {}).items()},
            section2={k: cell(v) for k, v in data.get("section2", {}).items()},
            section3={row: {col: cell(v) for col, v in cols.items()} for row, cols in data.get("section3", {}).items()},
            section4={k: cell(v) for k, v in data.get("section4", {}).items()},
            fees_charged=cell(data["fees_charged"]) if "fees_charged" in data else Cell(Decimal("0")),
            topics=[(t, c) for t, c in data.get("topics", [])],
        )

    def values(self) -> dict[str, object]:
        """Every cell's value under a flat address (`3.R1.total`, `4.C5`), for comparing two compilations."""
        flat: dict[str, object] = {}
        for code in SECTION1_CODES:
            flat[f"1.{code}"] = self.s1(code).value
        for code in SECTION2_CODES:
            flat[f"2.{code}"] = self.s2(code).value
        for row in TABLE2_ROW_CODES:
            for col in TABLE2_COLUMN_CODES:
                flat[f"3.{row}.{col}"] = self.t2(row, col).value
        for code in TABLE3_CODES:
            flat[f"4.{code}"] = self.t3(code).value
        flat["6.fees_charged"] = self.fees_charged.value
        return flat


def cell_address_label(address: str) -> str:
    """A clerk-readable name for a flat address: `3.R1.total` → 表三 一、本年新收… / 总计."""
    from gongkai.annual_reports.structure import (
        SECTION1_FIGURES,
        TABLE2_COLUMNS,
        TABLE2_ROWS,
        TABLE3_LABELS,
    )

    parts = address.split(".", 1)
    section, rest = parts[0], parts[1] if len(parts) > 1 else ""
    if section == "1":
        return "一、" + dict(SECTION1_FIGURES).get(rest, rest)
    if section == "2":
        return "二、第二十条 " + rest
    if section == "3":
        row, _, col = rest.rpartition(".")
        row_label = next((r.label for r in TABLE2_ROWS if r.code == row), row)
        return f"三、{row_label} / {dict(TABLE2_COLUMNS).get(col, col)}"
    if section == "4":
        return f"四、{TABLE3_LABELS.get(rest, rest)}"
    if section == "6":
        return "六、信息处理费"
    return address
