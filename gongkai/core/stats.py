"""The shape of a report number: its value and the records it counts, so every cell can be traced.

Every app's annual-report selectors return `dict[str, Cell]` keyed by the cell codes documented in
docs/annual-report.md; the annual report only reads these, never the apps' tables.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Cell:
    """One number of the annual report and what it counts.

    `model` is the counted records' model label (`applications.application`) and `ids` their primary keys;
    a number that is not a count of records (a visit total, a fee amount) has `ids` empty and says in
    `source` where it comes from.
    """

    value: int | Decimal
    model: str = ""
    ids: tuple[int, ...] = field(default=())
    source: str = ""

    def __add__(self, other: "Cell") -> "Cell":
        model = self.model or other.model
        return Cell(
            self.value + other.value, model, tuple(sorted({*self.ids, *other.ids})), self.source or other.source
        )


def cell_of(model: str, ids, source: str = "") -> Cell:
    """A count cell: its value is the number of distinct records counted."""
    unique = tuple(sorted(set(ids)))
    return Cell(len(unique), model, unique, source)


def empty_cell(model: str = "", source: str = "") -> Cell:
    return Cell(0, model, (), source)
