"""Rate limits hold across server processes: they count in the shared cache (the database's
daicho_cache table, or Redis when DAICHO_REDIS_URL is set), not in one process's memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.core.test_crash_safety import shared_database  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]

ASK_FOR_RESETS = """
import django, json
django.setup()
from django.test import RequestFactory
from daicho.core.account_views import reset_allowed
request = RequestFactory().post("/password_reset/", REMOTE_ADDR="192.0.2.7")
print(json.dumps([reset_allowed("Zaisei@pref.example.lg.jp", request) for _ in range({n})]))
"""


def _env(tmp_path, url: str, **extra) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "daicho.settings"}
    env.pop("DAICHO_REDIS_URL", None)
    return {**env, "DAICHO_VAR_DIR": str(tmp_path), "DATABASE_URL": url, **extra}


def _process_asks(env: dict, n: int) -> list[bool]:
    """A server process of its own asks for `n` reset mails to one address from one client."""
    done = subprocess.run(
        [sys.executable, "-c", ASK_FOR_RESETS.format(n=n)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_reset_limit_holds_across_two_server_processes(shared_database, tmp_path):  # noqa: F811
    url, query = shared_database
    env = _env(tmp_path, url, DAICHO_PASSWORD_RESET_PER_ADDRESS="3")
    if url.startswith("sqlite"):
        # `daicho migrate` makes the cache's table, as `daicho init` does (after any app's
        # migrations: core's alone are enough here, and a quarter of the time of all of them).
        subprocess.run(
            [sys.executable, "-m", "daicho.cli", "migrate", "core", "-v0"], env=env, check=True
        )
    assert _process_asks(env, 2) == [True, True]
    # Another process sees the two requests the first one counted: the third mail goes, the
    # fourth is refused.
    assert _process_asks(env, 2) == [True, False]
    assert query("SELECT COUNT(*) FROM daicho_cache") >= 2  # per address and per client


def test_redis_keeps_the_shared_cache_when_configured(tmp_path):
    code = (
        "import json; from daicho import settings; "  # (the redis module itself is optional)
        "print(json.dumps({a: c['BACKEND'].rsplit('.', 1)[1] for a, c in settings.CACHES.items()}))"
    )
    for redis, expected in (
        ("", {"default": "DatabaseCache", "counters": "LocMemCache", "memo": "LocMemCache"}),
        (
            "redis://127.0.0.1:6379/0",
            {"default": "RedisCache", "counters": "RedisCache", "memo": "LocMemCache"},
        ),
    ):
        env = _env(tmp_path, f"sqlite:///{tmp_path}/x.sqlite3", DAICHO_REDIS_URL=redis)
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert json.loads(done.stdout) == expected
