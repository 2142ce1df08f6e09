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
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from itertools import chain, islice
from typing import Any

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
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        streaming = getattr(_streaming, "inserts", None)
        if streaming is not None and using == DEFAULT_DB_ALIAS:  # one COPY at a time (Inserts)
            streaming.pause()
        with connection.cursor() as cursor, cursor.cursor.copy(_copy_sql(model, fields)) as copy:
            for row in rows:
                copy.write_row(row)
        return
    table, columns = _table(model), _columns(model, fields)
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


class Inserts:
    """Rows inserted into one table chunk by chunk while the caller reads on, inside its
    transaction.

    On PostgreSQL the chunks go into one COPY left open between them, so that the server stores
    rows while the caller reads and checks the next ones, as a COPY fed straight from a file
    does (bench/sam.py, 1,000,000 installations: 4.7 s against 6.4 s for a COPY per chunk of
    50,000, each ended before the next chunk was read). Any statement the caller runs meanwhile
    on the connection ends the COPY first, and the next chunk opens another: psycopg holds the
    connection's lock while a COPY is open, so a statement run inside it would wait for ever.
    Statements through Django (the ORM, ``connection.cursor()``) are seen by an execute
    wrapper, and `insert` pauses the open stream itself. On SQLite, in the process, `put()`
    inserts at once.

        with bulk.Inserts(Installation, FIELDS) as inserts:
            inserts.put(rows)
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model, self.fields = model, fields
        self.streams = connection.vendor == "postgresql"
        self.copies = 0  # the COPY statements run: one more after each pause
        self._copy: Any = None
        self._open: ExitStack | None = None
        self._guard: ExitStack | None = None

    def put(self, rows: list[tuple]) -> None:
        """Insert ``rows`` (on PostgreSQL: send them; they are in the table at the next pause)."""
        if not rows:
            return
        if not self.streams:
            insert(self.model, self.fields, rows)
            return
        if self._copy is None:
            self._start()
        write = self._copy.write_row
        for row in rows:
            write(row)

    def pause(self) -> None:
        """End the open COPY, if any: every row put is in the table."""
        opened, self._open, self._copy = self._open, None, None
        _streaming.inserts = None
        if opened is not None:
            opened.close()

    def _start(self) -> None:
        other = getattr(_streaming, "inserts", None)
        if other is not None:  # one COPY at a time on a connection
            other.pause()
        connection.ensure_connection()
        opened = ExitStack()
        cursor = opened.enter_context(connection.connection.cursor())
        self._copy = opened.enter_context(cursor.copy(_copy_sql(self.model, self.fields)))
        self._open = opened
        _streaming.inserts = self
        self.copies += 1

    def _pause_first(self, execute, sql, params, many, context):
        self.pause()
        return execute(sql, params, many, context)

    def __enter__(self) -> Inserts:
        if self.streams:
            self._guard = ExitStack()
            self._guard.enter_context(connection.execute_wrapper(self._pause_first))
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        opened, self._open, self._copy = self._open, None, None
        _streaming.inserts = None
        try:
            if opened is not None:  # on an error, psycopg ends the COPY with it (nothing kept)
                opened.__exit__(exc_type, exc, traceback)
        finally:
            if self._guard is not None:
                self._guard.close()


_streaming = threading.local()  # the Inserts whose COPY is open on this thread's connection


def _columns(model: type[models.Model], fields: Sequence[str]) -> str:
    return ", ".join(f'"{model._meta.get_field(f).column}"' for f in fields)


def _copy_sql(model: type[models.Model], fields: Sequence[str]) -> str:
    return f'COPY "{_table(model)}" ({_columns(model, fields)}) FROM STDIN'  # noqa: S608


def analyse_after_load(model: type[models.Model], added: int) -> None:
    """PostgreSQL: bring the planner's statistics of ``model``'s table up to date inside the
    transaction that just added ``added`` rows, when they are many beside the rows the
    statistics describe (autovacuum would only see them after the commit).

    Statements that follow in the transaction are then planned for the table as it is: with the
    statistics of the table before a load of 1,000,000 installations, moving 500 devices' older
    rows by their (device, id) index was planned as a scan of the whole table, 20 times
    (bench/sam.py). The PostgreSQL manual's advice after populating a table ("Run ANALYZE
    afterwards")."""
    if connection.vendor != "postgresql" or added < ANALYSE_AFTER:
        return
    table = _table(model)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [f'"{table}"'])
        described = cursor.fetchone()[0]
        if described < 0 or added > described / 5:  # never analysed, or grown by a fifth
            cursor.execute(f'ANALYZE "{table}"')


ANALYSE_AFTER = 50_000  # rows a load adds before analyse_after_load looks at the table


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
