"""An import checks every row before it writes, writes in short transactions on SQLite, and
still writes all or nothing: a chunk refused after the check undoes the chunks before it.
`daicho import --dry-run` previews as the web does, on a snapshot (never the live write lock)."""

from __future__ import annotations

import pytest
from django.db import connection

from daicho.core.importing import engine, services
from daicho.core.models import AuditEvent, ImportBatch
from daicho.registry.models import InformationSystem
from tests.core.test_cli import run

HEADER = "システムID,システム名,所管部局,所管課,稼働環境\n"
ROWS = "".join(f"S09{n},分割システム{n},県民生活部,くらし安全安心課,クラウド\n" for n in range(5))


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    """The systems kind takes its rows two at a time; no pause between chunks in tests."""
    monkeypatch.setattr(engine.kinds()["systems"], "chunk_size", 2)
    monkeypatch.setattr(engine, "CHUNK_PAUSE_SECONDS", 0)
    monkeypatch.setattr(engine, "CHUNK_SECONDS", 60)  # however slow the machine: two a time


def _on_snapshot() -> bool:
    return connection.vendor == "sqlite"


@pytest.mark.django_db(transaction=True)  # outside a transaction, as the CLI and the worker run
def test_an_import_refused_in_a_later_chunk_leaves_nothing_written(
    world, ledger_file, small_chunks, monkeypatch
):
    kind = engine.kinds()["systems"]
    process = type(kind).process
    written_in = []

    def ledger_changed_since_the_check(self, rows, ctx):
        if not ctx.dry_run:
            written_in.append(connection.in_atomic_block)
        if not ctx.dry_run and any(row.number == 6 for row in rows):  # the third chunk
            ctx.reject(rows[0], "code", "the ledger changed since the check")
            return
        process(self, rows, ctx)

    monkeypatch.setattr(type(kind), "process", ledger_changed_since_the_check)
    result = services.import_apply(kind="systems", source=ledger_file, organisation=world.org)

    assert result.batch.status == "rejected"
    assert [g["message"] for g in result.batch.problems] == ["the ledger changed since the check"]
    assert not InformationSystem.objects.filter(name__startswith="分割システム").exists()
    assert ImportBatch.objects.get().status == "rejected"
    undone = AuditEvent.objects.filter(request_id=result.batch.batch_id, action="delete")
    if _on_snapshot():
        # Written two rows at a time, each chunk in its own transaction, then undone.
        assert written_in == [True, True, True]
        assert sorted(undone.values_list("object_repr", flat=True)) == [
            f"S09{n} 分割システム{n}" for n in range(4)
        ]
    else:  # PostgreSQL locks only the rows it writes: one transaction, rolled back as a whole
        assert written_in == [True, True, True] and not undone.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_the_check_refuses_writes_nothing_at_all(world, ledger_file, small_chunks):
    ledger_file.write_text(HEADER + ROWS + "S0999,,県民生活部,くらし安全安心課,クラウド\n")
    result = services.import_apply(kind="systems", source=ledger_file, organisation=world.org)
    assert result.batch.status == "rejected" and result.batch.rejected == 1
    assert not InformationSystem.objects.filter(name__startswith="分割システム").exists()
    # Nothing was written, so there was nothing to undo.
    assert not AuditEvent.objects.filter(object_repr__startswith="分割システム").exists()


@pytest.mark.django_db(transaction=True)
def test_a_chunked_import_applies_every_row(world, ledger_file, small_chunks):
    result = services.import_apply(kind="systems", source=ledger_file, organisation=world.org)
    assert (result.batch.status, result.batch.created) == ("applied", 5)
    assert InformationSystem.objects.filter(name__startswith="分割システム").count() == 5
    assert ImportBatch.objects.get().created == 5


@pytest.mark.django_db(transaction=True)
def test_the_cli_dry_run_previews_on_a_snapshot(world, ledger_file, capsys, monkeypatch):
    live = connection.settings_dict["NAME"]
    kind = engine.kinds()["systems"]
    process = type(kind).process
    read_from = []

    def noting_the_database(self, rows, ctx):
        from django.db import connections

        read_from.append(connections["default"].settings_dict["NAME"])
        process(self, rows, ctx)

    monkeypatch.setattr(type(kind), "process", noting_the_database)
    code, out, err = run(
        capsys, "import", "systems", str(ledger_file), "--dry-run", "--json", "--org", "330001"
    )
    assert code == 0, err
    assert '"created": 5' in out and '"dry_run": true' in out
    if _on_snapshot():  # the rows were checked on a copy: the live write lock stayed free
        assert read_from and all(name != live for name in read_from)
        assert all(name.endswith("snapshot.sqlite3") for name in read_from)
    else:
        assert read_from == [live]
    assert not InformationSystem.objects.filter(name__startswith="分割システム").exists()
    assert ImportBatch.objects.get().status == "dry_run"  # recorded in the live database
