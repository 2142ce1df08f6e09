"""Crash safety: an import of 1,000,000 cost lines killed with SIGKILL part-way leaves nothing in
the ledger, and the same import then succeeds.

The import runs in a child process against a database file (SQLite) or the test database
(PostgreSQL) that this test and the child share; the child reports its progress, and is killed
once 300,000 rows have been written inside its transaction.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
ROWS = int(os.environ.get("DAICHO_CRASH_ROWS", 1_000_000))

pytestmark = pytest.mark.slow

SETUP = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from bench import import_costs
import_costs.setup_django(Path({scratch!r}))
import_costs.generate({rows}, Path({csv!r}))
"""

IMPORT_WITH_PROGRESS = """
import django
django.setup()
from daicho.core.importing import engine
from daicho.core.models import Organisation
organisation = Organisation.objects.get(code="399999")
def progress(done):
    print(done, flush=True)
engine.run(kind="costs", source={csv!r}, organisation=organisation, progress=progress)
print("finished", flush=True)
"""


@pytest.fixture
def shared_database(request, tmp_path):
    """A DATABASE_URL this test and its child processes both see, and a way to query it."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        path = tmp_path / "crash.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchone()[0]

        return f"sqlite:///{path}", query
    request.getfixturevalue("transactional_db")
    from django.db import connection

    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )

    def query(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    return url, query


def test_an_import_killed_part_way_leaves_nothing_and_then_succeeds(shared_database, tmp_path):
    url, query = shared_database
    csv_path = tmp_path / "costs.csv"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "daicho.settings",
        "DAICHO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": url,
    }
    setup = SETUP.format(root=str(ROOT), scratch=str(tmp_path), rows=ROWS, csv=str(csv_path))
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, cwd=ROOT)
    assert query("SELECT COUNT(*) FROM registry_informationsystem") >= 2000

    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_WITH_PROGRESS.format(csv=str(csv_path))],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    written = 0
    deadline = time.monotonic() + 600
    while written < ROWS * 0.3 and time.monotonic() < deadline:
        line = child.stdout.readline()
        assert line and line.strip() != "finished", "the import ended before it was killed"
        written = int(line)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert written >= ROWS * 0.3

    # Nothing of it: no cost line, no audit event, no import batch; the database is sound.
    assert query("SELECT COUNT(*) FROM registry_costline") == 0
    assert query("SELECT COUNT(*) FROM core_importbatch") == 0
    assert query("SELECT COUNT(*) FROM core_auditevent WHERE channel = 'import'") == 0
    if url.startswith("sqlite"):
        assert query("PRAGMA integrity_check") == "ok"

    result = subprocess.run(
        [sys.executable, "-m", "daicho.cli", "import", "costs", str(csv_path), "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["created"] == ROWS and summary["rejected"] == 0
    assert query("SELECT COUNT(*) FROM registry_costline") == ROWS
