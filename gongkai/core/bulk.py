"""Bulk inserts for imports of tens of thousands of rows, without building a model instance per row.

`bulk_create` builds a model instance per row and prepares every field of every row through the field's
`get_db_prep_save`; for a 1,000-row batch of a 30-field model that preparation costs more than the database's
own work. Here the columns the rows leave out are prepared once per call, and only the given values are
prepared per row, through the same field methods, so what is stored is what `bulk_create` would store. The
caller validates first, as it would before `bulk_create`; no `save()`, signals or `auto_now` run per row (the
auto timestamps are filled once per call).

On PostgreSQL the rows go through COPY (new ids drawn from the table's sequence first), which is several times
faster than multi-row INSERTs whose thousands of placeholders the driver must parse; on SQLite, multi-row
INSERT … RETURNING (`insert_values`).
"""

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.utils import timezone

BATCH_ROWS = 500


def _plan(model: type[Model], given: set[str], db):
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in given)]
    constants: dict[str, object] = {}
    prepared: list = []
    for f in fields:
        if f.attname in given:
            # Text and integers go to the driver as they are; everything else (dates, JSON, decimals,
            # booleans) through the field, as bulk_create would.
            plain = f.get_internal_type() in {"CharField", "TextField", "IntegerField", "BigIntegerField",
                                              "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField",
                                              "ForeignKey", "OneToOneField", "BigAutoField", "AutoField"}  # fmt: skip
            prepared.append((f.attname, None if plain else f))
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()
        constants[f.attname] = f.get_db_prep_save(value, connection=db)
    return fields, constants, prepared


def copy_rows(table: str, columns: list[str], rows) -> None:
    """PostgreSQL: COPY value tuples into `table` (values already as the driver takes them)."""
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def insert_values(
    cursor, into: str, rows: Sequence[Sequence], *, per_statement: int = 250, returning: str = ""
) -> list:
    """SQLite: `rows` into `into` ("table (col, …)") as multi-row INSERTs of `per_statement` rows; with
    `returning` (a column), the values it returns, in row order.

    Not executemany, which steps the statement once per row and releases and re-takes the GIL around each
    step; while an import's worker thread holds the GIL, each re-take waits for it. One statement per few
    hundred rows is one wait."""
    out: list = []
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        row = "(" + ", ".join(["%s"] * len(part[0])) + ")"
        sql = f"INSERT INTO {into} VALUES {', '.join([row] * len(part))}"  # noqa: S608 - callers' fixed names
        cursor.execute(sql + (f" RETURNING {returning}" if returning else ""), [v for r in part for v in r])
        if returning:
            out += [r[0] for r in cursor.fetchall()]
    return out


def _new_ids(model: type[Model], count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model: type[Model], rows: list[dict], *, returning: bool = False) -> list[int]:
    """Insert `rows` (dicts keyed by field attname, all with the same keys); with `returning`, the new primary
    keys in row order."""
    if not rows:
        return []
    # The connection itself, not the `connection` proxy, whose every attribute is a thread-local look-up: the
    # fields ask it for the backend's adapters once per value.
    db = connections[DEFAULT_DB_ALIAS]
    fields, constants, prepared = _plan(model, set(rows[0]), db)
    order = [f.attname for f in fields]
    template = [constants.get(name) for name in order]
    slots = [(order.index(attname), attname, field) for attname, field in prepared]

    def values_of(row: dict) -> list:
        values = template.copy()
        for index, attname, field in slots:
            value = row[attname]
            values[index] = value if field is None else field.get_db_prep_save(value, connection=db)
        return values

    if connection.vendor == "postgresql":
        ids = _new_ids(model, len(rows)) if returning else []
        pk = model._meta.pk
        with_ids = returning and pk not in fields  # once: `in` compares fields one by one
        columns = [f.column for f in fields] + ([pk.column] if with_ids else [])
        copy_rows(
            model._meta.db_table,
            columns,
            (values_of(row) + [ids[n]] if with_ids else values_of(row) for n, row in enumerate(rows)),
        )
        return ids
    column_list = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        return insert_values(
            cursor,
            f"{model._meta.db_table} ({column_list})",
            [values_of(row) for row in rows],
            per_statement=BATCH_ROWS,
            returning=connection.ops.quote_name(str(model._meta.pk.column)) if returning else "",
        )
