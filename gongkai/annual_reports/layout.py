"""The three tables of the report as grids of cells with row and column spans, shared by every export.

A grid is a list of rows in HTML order: a cell covered by a rowspan from above is simply absent from the rows
below, as in HTML. `grid_positions` turns that into absolute (row, column) positions for DOCX, XLSX and PDF.
"""

from dataclasses import dataclass
from decimal import Decimal

from gongkai.annual_reports.figures import ReportFigures
from gongkai.annual_reports.structure import (
    ARTICLE20_BLOCKS,
    TABLE2_COLUMNS,
    TABLE2_CORNER,
    TABLE2_RESULT_LABEL,
    TABLE2_ROWS,
    TABLE3_CODES,
    TABLE3_RESULT_LABELS,
)


@dataclass(frozen=True)
class GridCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    address: str = ""  # the figure this cell shows (`3.R1.total`), empty for labels
    row_label: bool = False  # a label at the start of a data row (left-aligned), not a column heading

    @property
    def numeric(self) -> bool:
        return bool(self.address)


Grid = list[list[GridCell]]


def format_value(value) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if text != "-0" else "0"
    return str(value)


def _value(figures: ReportFigures, address: str) -> GridCell:
    return GridCell(format_value(figures.values()[address]), address=address)


def table1_grid(figures: ReportFigures) -> Grid:
    """Section 二: the four Article 20 blocks, four columns wide (信息内容 + up to three figures)."""
    values = figures.values()
    grid: Grid = []
    for block in ARTICLE20_BLOCKS:
        grid.append([GridCell(block["title"], colspan=4, header=True)])
        width = 3 // len(block["columns"])
        grid.append(
            [GridCell("信息内容", header=True)] + [GridCell(c, colspan=width, header=True) for c in block["columns"]]
        )
        for label, codes in block["rows"]:
            grid.append(
                [GridCell(label, header=True, row_label=True)]
                + [GridCell(format_value(values[f"2.{code}"]), colspan=width, address=f"2.{code}") for code in codes]
            )
    return grid


def table2_grid(figures: ReportFigures) -> Grid:
    """Section 三: three label columns and seven figure columns, the consistency rule in the corner."""
    values = figures.values()
    grid: Grid = [
        [GridCell(TABLE2_CORNER, colspan=3, rowspan=3, header=True), GridCell("申请人情况", colspan=7, header=True)],
        [
            GridCell("自然人", rowspan=2, header=True),
            GridCell("法人或其他组织", colspan=5, header=True),
            GridCell("总计", rowspan=2, header=True),
        ],
        [GridCell(label, header=True) for code, label in TABLE2_COLUMNS[1:6]],
    ]
    group_sizes: dict[str, int] = {}
    for row in TABLE2_ROWS:
        if row.group:
            group_sizes[row.group] = group_sizes.get(row.group, 0) + 1
    result_rows = sum(1 for row in TABLE2_ROWS if row.code.startswith("R3"))
    seen_groups: set[str] = set()
    for row in TABLE2_ROWS:
        cells: list[GridCell] = []
        if row.code == "R3.1":
            cells.append(GridCell(TABLE2_RESULT_LABEL, rowspan=result_rows, header=True, row_label=True))
        if row.code in ("R1", "R2", "R4"):
            cells.append(GridCell(row.label, colspan=3, header=True, row_label=True))
        elif row.group:
            if row.group not in seen_groups:
                seen_groups.add(row.group)
                cells.append(GridCell(row.group, rowspan=group_sizes[row.group], header=True, row_label=True))
            cells.append(GridCell(row.label, header=True, row_label=True))
        else:
            cells.append(GridCell(row.label, colspan=2, header=True, row_label=True))
        cells += [
            GridCell(format_value(values[f"3.{row.code}.{col}"]), address=f"3.{row.code}.{col}")
            for col, _label in TABLE2_COLUMNS
        ]
        grid.append(cells)
    return grid


def table3_grid(figures: ReportFigures) -> Grid:
    """Section 四: fifteen columns under 行政复议 and 行政诉讼 (未经复议直接起诉 / 复议后起诉)."""
    values = figures.values()
    return [
        [GridCell("行政复议", colspan=5, header=True), GridCell("行政诉讼", colspan=10, header=True)],
        [GridCell(label, rowspan=2, header=True) for label in TABLE3_RESULT_LABELS]
        + [GridCell("未经复议直接起诉", colspan=5, header=True), GridCell("复议后起诉", colspan=5, header=True)],
        [GridCell(label, header=True) for label in TABLE3_RESULT_LABELS * 2],
        [GridCell(format_value(values[f"4.{code}"]), address=f"4.{code}") for code in TABLE3_CODES],
    ]


def grid_width(grid: Grid) -> int:
    return sum(cell.colspan for cell in grid[0])


def grid_positions(grid: Grid) -> list[tuple[int, int, GridCell]]:
    """(row, column, cell) for every cell, skipping positions covered by spans from earlier rows."""
    width = grid_width(grid)
    taken: set[tuple[int, int]] = set()
    positions = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            if c >= width:
                raise ValueError(f"row {r} is wider than the table")
            positions.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return positions
