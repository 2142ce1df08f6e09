"""Bulk inserts below the ORM, for imports of many ledger rows (docs/architecture.md,
"Databases and scale").

Rows are tuples in the order of `fields` (column attnames). Inside the caller's transaction:
PostgreSQL uses COPY, SQLite the driver's `executemany` fed by a generator, many rows per
statement. Primary keys can be allocated up front (PostgreSQL: from the table's sequence;
SQLite: above the current maximum, safe because the write transaction holds the database lock)
so the caller can audit each row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


def allocate_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """`count` new primary keys for `model`, reserved for this transaction (a `range` when
    they are consecutive, as always on SQLite)."""
    if count <= 0:
        return range(0)
    table = _table(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence looked up once: per row, the lookup cost 8 times the nextval.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            ids = [row[0] for row in cursor.fetchall()]
            if ids[-1] - ids[0] == count - 1:  # no other session drew from the sequence meanwhile
                return range(ids[0], ids[-1] + 1)
            return ids
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        highest = max(highest, cursor.fetchone()[0])
    return range(highest + 1, highest + 1 + count)


def ids_filter(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """A WHERE condition (and its parameters) matching the rows of `ids` in `column`, ids that
    `allocate_ids` gave (a range of them is this transaction's alone: no other row has them)."""
    if isinstance(ids, range) and ids.step == 1:
        return f"{column} BETWEEN %s AND %s", [ids.start, ids.stop - 1]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[tuple],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Insert `rows` into `model`'s table (no model instances, no signals) of the database
    `using` (another than the ledger's own: `daicho transfer`)."""
    connection = connections[using]
    table = _table(model)
    columns = ", ".join(f'"{model._meta.get_field(f).column}"' for f in fields)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f'COPY "{table}" ({columns}) FROM STDIN'  # noqa: S608
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    # Many rows per statement: SQLite pays per statement (and AUTOINCREMENT updates its
    # sequence per statement), and one of ~140 rows costs about half as much per row as 140
    # single-row ones (bench/sam.py).
    per = max(1, connection.features.max_query_params // len(fields))
    values = "(" + ", ".join("?" for _ in fields) + ")"
    sql = f'INSERT INTO "{table}" ({columns}) VALUES '  # noqa: S608
    rest: list[tuple] = []

    def groups() -> Iterator[list]:
        source = iter(rows)
        while True:
            group = list(islice(source, per))
            if len(group) < per:
                rest.extend(group)
                return
            yield list(chain.from_iterable(group))

    raw = connection.connection.cursor()
    try:
        raw.executemany(sql + ", ".join([values] * per), groups())
        if rest:
            raw.execute(sql + ", ".join([values] * len(rest)), list(chain.from_iterable(rest)))
    finally:
        raw.close()


def refresh_planner_statistics() -> None:
    """Bring SQLite's query-planner statistics up to date after rows arrived in bulk.

    SQLite keeps no statistics until ANALYZE runs, and without them its planner picks worse
    indexes for the list pages (they ran about twice as slow on 10,000 systems). ``PRAGMA
    optimize`` analyses the tables this connection used that have no statistics yet or have
    grown many times since; ``analysis_limit`` keeps that to a sample, so it costs milliseconds
    even on a million rows. PostgreSQL's autovacuum does the same by itself.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize")
