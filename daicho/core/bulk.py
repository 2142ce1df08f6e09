"""Bulk inserts below the ORM, for imports of many ledger rows (DESIGN.md, "Databases and scale").

Rows are tuples in the order of `fields` (column attnames). Inside the caller's transaction:
PostgreSQL uses COPY, SQLite the driver's `executemany` fed by a generator. Primary keys can be
allocated up front (PostgreSQL: from the table's sequence; SQLite: above the current maximum,
safe because the write transaction holds the database lock) so the caller can audit each row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, reserved for this transaction."""
    if count <= 0:
        return []
    table = _table(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        highest = max(highest, cursor.fetchone()[0])
    return list(range(highest + 1, highest + 1 + count))


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert `rows` into `model`'s table (no model instances, no signals)."""
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
    placeholders = ", ".join("?" for _ in fields)
    raw = connection.connection.cursor()
    try:
        raw.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({placeholders})', rows)  # noqa: S608
    finally:
        raw.close()
