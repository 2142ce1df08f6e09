"""Moving the ledger to another database: `daicho transfer --to URL` / `--from URL`.

The round trip runs the demo ledger out of the suite's own database into an SQLite file and back:
on PostgreSQL that is PostgreSQL → SQLite → PostgreSQL (the move a prefecture that began on the
embedded database makes), on SQLite it is SQLite → SQLite both ways. What a user would check is
compared: every export byte for byte, the plan's indicators, the row count of every table, a
demo user signing in with the same password, a system's history, new rows getting fresh ids.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import DatabaseError

from daicho.core import timeline, transfer
from daicho.core.backup import ledger_counts
from daicho.core.models import AuditEvent, Organisation, User
from daicho.core.permissions import TRUSTED
from daicho.plan.models import Plan
from daicho.plan.selectors import indicator_rows
from daicho.registry.demo import DEMO_PASSWORD
from daicho.registry.models import InformationSystem, Vendor
from tests.core.test_backup import demo_ledger, export_digests  # noqa: F401 (a fixture)
from tests.core.test_cli import run

pytestmark = pytest.mark.django_db(transaction=True)


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def figures() -> list[tuple]:
    """The /plan/ dashboard's figures for FY2014: code, value, previous, met."""
    plan = Plan.objects.get(code="okayama-2014")
    return [
        (row.indicator.code, row.value, row.previous, row.met) for row in indicator_rows(plan, 2014)
    ]


def history(system) -> list[tuple]:
    return [(e.time, e.title) for e in timeline.audit_entries(system, user=TRUSTED)]


def file_counts(path: Path) -> dict[str, int]:
    """Rows per table of an SQLite file, read with sqlite3 itself."""
    db = sqlite3.connect(path)
    try:
        tables = [
            t
            for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not t.startswith("sqlite_")
        ]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        db.close()


def test_the_demo_ledger_moves_out_and_back_unchanged(demo_ledger, tmp_path, capsys):  # noqa: F811
    before = export_digests(tmp_path)
    counts = ledger_counts()
    indicators = figures()
    system = InformationSystem.objects.get(name="税務システム")
    system_history = history(system)
    assert len(system_history) > 1 and indicators

    # Out: into a new SQLite file, its schema made by the command.
    ledger = tmp_path / "ledger.sqlite3"
    code, out, err = run(capsys, "transfer", "--to", url(ledger), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["schema_created"] is True and summary["replaced"] is False
    assert summary["files"] == 1 and summary["missing_files"] == []
    assert summary["tables"]["registry.InformationSystem"] == 209
    for label, rows in counts.items():
        assert summary["tables"][label] == rows, label
    on_file = file_counts(ledger)
    assert on_file["core_auditevent"] == counts["core.AuditEvent"] == AuditEvent.objects.count()
    assert on_file["auth_permission"] == summary["tables"]["auth.Permission"] > 0

    # Work goes on here: a system is deleted, a password changed.
    InformationSystem.objects.filter(name="給与システム").delete()
    policy = User.objects.get(username="policy")
    policy.set_password("another-password-2026")
    policy.save()

    # Back: this database holds a ledger, so it is refused without --replace …
    code, out, err = run(capsys, "transfer", "--from", url(ledger))
    assert code == 1
    assert "already holds a ledger" in err or "台帳があります" in err
    assert "--replace" in err and "Traceback" not in err
    assert not InformationSystem.objects.filter(name="給与システム").exists()

    # … and replaced with it.
    code, out, err = run(capsys, "transfer", "--from", url(ledger), "--replace", "--yes")
    assert code == 0, err
    assert "registry.InformationSystem" in out and "209" in out  # the counts, table by table
    assert InformationSystem.objects.filter(name="給与システム").exists()
    assert export_digests(tmp_path) == before
    assert ledger_counts() == counts
    assert figures() == indicators
    system = InformationSystem.objects.get(name="税務システム")
    assert history(system) == system_history
    assert authenticate(username="policy", password=DEMO_PASSWORD) is not None
    assert authenticate(username="policy", password="another-password-2026") is None

    # New rows get ids after the moved ones (PostgreSQL's sequences were reset).
    highest = Vendor.objects.order_by("-pk").values_list("pk", flat=True).first()
    vendor = Vendor.objects.create(organisation=system.organisation, name="移行後の新しい業者")
    assert vendor.pk > highest


# --- Refusals and failures: a migrated, empty ledger file made once ---------------------------


@pytest.fixture(scope="module")
def empty_ledger(django_db_blocker, tmp_path_factory) -> Path:
    """An SQLite file with Daicho's schema and nothing else (as `daicho migrate` leaves it)."""
    path = tmp_path_factory.mktemp("transfer") / "empty.sqlite3"
    with (
        django_db_blocker.unblock(),
        transfer._database(url(path), transfer.TARGET, reading=False) as alias,
    ):
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    return path


@pytest.fixture
def target(empty_ledger, tmp_path) -> Path:
    path = tmp_path / "target.sqlite3"
    shutil.copy(empty_ledger, path)
    return path


def test_the_world_moves_into_a_migrated_empty_database(world, target, capsys):
    code, out, err = run(capsys, "transfer", "--to", url(target))
    assert code == 0, err
    assert "Creating" not in out and "作成" not in out  # the schema was there already
    rows = file_counts(target)
    assert rows["registry_informationsystem"] == 3
    assert rows["core_organisation"] == Organisation.objects.count()
    assert rows["core_user"] == User.objects.count()
    assert rows["core_membership"] > 0


def test_a_failure_on_one_table_leaves_the_target_as_it_was(world, target, monkeypatch, capsys):
    copy = transfer._copy_table

    def failing(model, source, target_alias):
        copy(model, source, target_alias)
        if model._meta.db_table == "registry_costline":
            raise DatabaseError("disk I/O error")

    before = file_counts(target)
    monkeypatch.setattr(transfer, "_copy_table", failing)
    code, _out, err = run(capsys, "transfer", "--to", url(target))
    assert code == 1
    assert "registry.CostLine (registry_costline)" in err and "disk I/O error" in err
    assert "Traceback" not in err
    assert file_counts(target) == before  # content types and permissions included

    # A target that held a ledger keeps it when the replacement fails.
    monkeypatch.setattr(transfer, "_copy_table", copy)
    assert run(capsys, "transfer", "--to", url(target))[0] == 0
    held = file_counts(target)
    InformationSystem.objects.filter(name="公共施設予約システム").delete()
    monkeypatch.setattr(transfer, "_copy_table", failing)
    code, _out, err = run(capsys, "transfer", "--to", url(target), "--replace", "--yes")
    assert code == 1 and "registry_costline" in err
    assert file_counts(target) == held


def test_a_replacement_asks_first(world, target, capsys):
    assert run(capsys, "transfer", "--to", url(target))[0] == 0
    code, _out, err = run(capsys, "transfer", "--to", url(target), "--replace")  # no terminal
    assert code == 1
    assert "--yes" in err and "core.Organisation" in err  # what it would replace


@pytest.mark.parametrize(
    "change, message",
    [
        (
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('core', '9999_from_the_future', '2030-01-01')",
            "9999_from_the_future",
        ),
        (
            "DELETE FROM django_migrations WHERE id = (SELECT MAX(id) FROM django_migrations)",
            "daicho migrate",
        ),
    ],
    ids=["newer", "behind"],
)
def test_a_source_at_another_schema_version_is_refused(world, target, change, message, capsys):
    db = sqlite3.connect(target)
    db.execute(change)
    db.commit()
    db.close()
    code, _out, err = run(capsys, "transfer", "--from", url(target), "--replace", "--yes")
    assert code == 1
    assert message in err and "Traceback" not in err
    assert InformationSystem.objects.count() == 3  # nothing was touched


def test_bad_addresses_are_told_in_one_line(world, tmp_path, capsys):
    not_daicho = tmp_path / "other.sqlite3"
    sqlite3.connect(not_daicho).execute("CREATE TABLE t (x)").connection.close()
    cases = [
        ([], "--to URL"),
        (["--to", url(tmp_path / "a.sqlite3"), "--from", url(tmp_path / "b.sqlite3")], "--to URL"),
        (["--to", "daicho.sqlite3"], "DATABASE_URL"),
        (["--from", url(tmp_path / "missing.sqlite3")], "missing.sqlite3"),
        (["--to", url(tmp_path / "no" / "such" / "x.sqlite3")], "no/such"),
        (["--from", url(not_daicho)], "other.sqlite3"),
        (["--to", "postgres://nobody:secret@127.0.0.1:1/none"], "127.0.0.1:1/none"),
    ]
    for args, expected in cases:
        code, _out, err = run(capsys, "transfer", *args)
        assert code == 1, (args, err)
        assert expected in err and "Traceback" not in err, (args, err)
        assert "secret" not in err  # a password in the address is never printed
    assert InformationSystem.objects.count() == 3
