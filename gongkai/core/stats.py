"""The shape of a report number: its value and the records it counts, so every cell can be traced.

Every app's annual-report selectors return `dict[str, Cell]` keyed by the cell codes documented in
docs/annual-report.md; the annual report only reads these, never the apps' tables.
"""

import datetime as dt
import functools
import operator
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Func, Q, QuerySet


class Cell:
    """One number of the annual report and what it counts.

    `model` is the counted records' model label (`applications.application`) and `ids` their primary keys;
    a number that is not a count of records (a visit total, a fee amount) has `ids` empty and says in
    `source` where it comes from.

    A count too large to list cheaply (a province's roll-up counts millions of records) is made with `where`
    instead of ids: the filter on `model` that selects exactly the records counted, the same filter the value
    was counted with, kept as such in a frozen snapshot. `records()` gives the drill-down page those records
    as a query; reading `ids` lists them (one query, remembered), for the callers that want the ids.
    """

    __slots__ = ("value", "model", "source", "_where", "_ids")

    def __init__(
        self, value: int | Decimal, model: str = "", ids=(), source: str = "", where: Q | tuple[Q, ...] | None = None
    ) -> None:
        self.value = value
        self.model = model
        self.source = source
        # A tuple of filters is ANDed when first read: a table of 175 cells is compiled far more often than its
        # filters are read (drill-down, freezing), and for one agency combining them costs as much as counting.
        self._where = where
        self._ids: tuple[int, ...] | None = None if where is not None else tuple(ids)

    @property
    def where(self) -> Q | None:
        if isinstance(self._where, tuple):
            self._where = functools.reduce(operator.and_, self._where)
        return self._where

    @property
    def ids(self) -> tuple[int, ...]:
        if self._ids is None:
            self._ids = tuple(self.records().order_by("pk").values_list("pk", flat=True))
        return self._ids

    @property
    def has_records(self) -> bool:
        """Whether the drill-down has records to list for the number (a filter, or at least one id)."""
        return bool(self.model) and (self._where is not None or bool(self._ids))

    def records(self) -> QuerySet:
        """The records the cell counts, as a query (by its filter, or by its ids)."""
        if not self.model:
            raise ValueError("a cell without a model counts no records")
        manager = apps.get_model(self.model)._default_manager
        if self.where is not None:
            return manager.filter(self.where).order_by()
        return manager.filter(pk__in=self.ids).order_by()

    def __add__(self, other: "Cell") -> "Cell":
        model = self.model or other.model
        if self.where is not None or other.where is not None:
            where = (self.where or Q(pk__in=self.ids)) | (other.where or Q(pk__in=other.ids))
            return Cell(self.value + other.value, model, (), self.source or other.source, where)
        return Cell(
            self.value + other.value, model, tuple(sorted({*self.ids, *other.ids})), self.source or other.source
        )

    def _key(self) -> tuple:
        return (self.value, self.model, self.source, self.where, self._ids)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cell) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.value, self.model, self.source))

    def __repr__(self) -> str:
        named = f"where={self.where!r}" if self.where is not None else f"ids={self._ids!r}"
        return f"Cell({self.value!r}, {self.model!r}, {named}, source={self.source!r})"


def cell_of(model: str, ids, source: str = "") -> Cell:
    """A count cell: its value is the number of distinct records counted."""
    unique = tuple(sorted(set(ids)))
    return Cell(len(unique), model, unique, source)


def cell_where(model: str, value: int, *where: Q, source: str = "") -> Cell:
    """A count cell whose records are those of `model` matching all of `where`; `value` must be counted by them."""
    return Cell(value, model, (), source, where if len(where) > 1 else where[0])


def empty_cell(model: str = "", source: str = "") -> Cell:
    return Cell(0, model, (), source)


# A list longer than this in a filter is kept once per snapshot (see where_to_json).
SHARED_LIST_LENGTH = 20


def where_to_json(where: Q, shared: list | None = None) -> dict:
    """A cell's filter as JSON, so a frozen report keeps it: lookups with numbers, strings, dates, lists.

    With `shared`, a long list (a roll-up's thousands of agency ids, the same in every cell) is appended to it
    once and referred to as {"list": index}.
    """
    children: list[Any] = []
    for child in where.children:
        if isinstance(child, Q):
            children.append(where_to_json(child, shared))
            continue
        lookup, value = child  # type: ignore[misc]  # a Q's children are Qs and (lookup, value) pairs
        if isinstance(value, QuerySet):  # a subquery of ids (a subtree): frozen as the ids it gave
            value = [row["pk"] if isinstance(row, dict) else getattr(row, "pk", row) for row in value]
        if isinstance(value, list | tuple):
            value = [v.isoformat() if isinstance(v, dt.date) else v for v in value]
            if shared is not None and len(value) > SHARED_LIST_LENGTH:
                if value not in shared:
                    shared.append(value)
                value = {"list": shared.index(value)}
        elif isinstance(value, dt.date):
            value = value.isoformat()  # the field turns the ISO date back into a date when filtering
        children.append([lookup, value])
    return {"connector": where.connector, "negated": where.negated, "children": children}


def where_from_json(data: dict, shared: list | tuple = ()) -> Q:
    children: list[Any] = []
    for child in data["children"]:
        if isinstance(child, dict):
            children.append(where_from_json(child, shared))
        else:
            lookup, value = child
            children.append((lookup, shared[value["list"]] if isinstance(value, dict) else value))
    return Q(*children, _connector=data["connector"], _negated=data["negated"])


class NotIndexed(Func):
    """A column that SQLite compares row by row instead of searching its index (SQLite's no-op unary `+`).

    A report's date condition ("received by 31 December") matches most rows of a province's roll-up, and
    SQLite, knowing nothing of the dates' spread, would walk the date's index and read the table row of every
    entry at random: 5 to 8 s where reading the agencies' rows through their index (or the table in order)
    takes well under 1 s. PostgreSQL's planner knows the spread and gets the plain column.
    """

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
