"""Benchmark: every page a person opens, per role, on the demo organisation (issue #18).

Loads the demo into a scratch database (SQLite by default, or DATABASE_URL; `--keep DIR` reuses
one between runs), signs in as each demo user (policy, owner, sam, viewer, auditor), collects the
pages reachable from the menu and one detail page of every kind linked from those lists, then
requests each page `--repeat` times in turns and prints each page's server-side p50, p95 and
slowest request (Django's test client in the process: no network, the whole middleware stack and
sign-in), slowest first. Goal: every page p95 < 300 ms, the home page and the plan dashboard
< 150 ms. There is no raw floor for a whole page; the signed-in no-op (/healthz) is printed for
scale. The p95 is the nearest-rank one: of 40 requests (the default) the 38th fastest, so one
or two slow requests show in the last column, not in the p95; of 20 or fewer it is the slowest
but one or the slowest itself. A detail page a role may not open (a 403) is left out with one
line saying so. On PostgreSQL the database DATABASE_URL names is created when missing.

`--clock cpu` times each request by this process's CPU time instead of the wall clock: on a
machine other work shares, the wall clock counts the waits for a core, the CPU time does not.
On SQLite it includes the database (it runs in the process); on PostgreSQL it leaves out the
server's own work, so compare like with like.

    .venv/bin/python bench/pages.py [--repeat 40] [--keep /tmp/daicho-pages] [--role policy]
        [--clock cpu] [--page /plan/]
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLES = ("policy", "owner", "sam", "viewer", "auditor")
GOAL_MS = 300
FRONT_GOAL_MS = 150
FRONT = ("/", "/plan/")
HREF = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
# Links that are actions, downloads or other people's pages, not pages to time.
SKIP = re.compile(r"/(logout|login|static|media|api|opendata)/|\.(xlsx|csv|pdf|json)$|/export")
DETAIL = re.compile(r"/\d+/$")


def setup_django(scratch: Path) -> None:
    os.environ["DAICHO_VAR_DIR"] = str(scratch)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "daicho.settings"
    os.environ.setdefault("DAICHO_ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    # A page a role may not open is reported in one line (pages_of), not as Django's traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR)


def create_database() -> None:
    """Create the PostgreSQL database DATABASE_URL names when it does not exist yet."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    import psycopg

    settings = connection.settings_dict
    name = settings["NAME"]
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", file=sys.stderr)


def load_demo() -> None:
    from django.core.management import call_command

    from daicho.registry.models import InformationSystem

    create_database()
    call_command("migrate", verbosity=0)
    if not InformationSystem.objects.exists():
        started = time.perf_counter()
        call_command("demo", verbosity=0)
        print(f"demo loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def pages_of(client, role: str) -> list[str]:
    """The menu's pages, and the first detail page linked from each of them that the role may
    open (one line on stderr for each it may not)."""
    home = client.get("/").content.decode()
    menu = sorted({m.group(1) for m in HREF.finditer(home) if not SKIP.search(m.group(1))})
    pages = set(menu)
    seen_kinds: set[str] = set()  # one detail page of each kind (/systems/<id>/, …)
    for url in menu:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            pages.discard(url)
            continue
        for m in HREF.finditer(response.content.decode()):
            link = m.group(1)
            kind = DETAIL.sub("/", link)
            if DETAIL.search(link) and not SKIP.search(link) and kind not in seen_kinds:
                seen_kinds.add(kind)
                pages.add(link)
    for url in sorted(pages - set(menu)):
        status = client.get(url).status_code
        if status != 200:
            print(f"{role}: {url} left out ({status})", file=sys.stderr)
            pages.discard(url)
    return sorted(pages)


def time_pages(
    client, pages: list[str], repeat: int, clock=time.perf_counter
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {page: [] for page in pages}
    for _ in range(repeat):  # in turns, so the machine's other work falls on all alike
        for page in pages:
            started = clock()
            response = client.get(page)
            elapsed = (clock() - started) * 1000
            if response.status_code == 200:
                timings[page].append(elapsed)
    return {page: t for page, t in timings.items() if t}


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile: the value 95 % of the requests took at most."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="requests per page (default 40)")
    parser.add_argument("--keep", help="scratch folder to keep (and reuse) the demo database in")
    parser.add_argument("--role", action="append", choices=ROLES, help="(default: every role)")
    parser.add_argument(
        "--page", action="append", help="only this page (repeatable; default: every page)"
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall clock (default) or this process's CPU time (a shared machine)",
    )
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="daicho-pages-"))
    scratch.mkdir(parents=True, exist_ok=True)
    setup_django(scratch)
    load_demo()
    from django.db import connection
    from django.test import Client

    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(
        f"database: {connection.vendor}, {args.repeat} requests per page, {args.clock} clock",
        file=sys.stderr,
    )
    over = 0
    for role in args.role or ROLES:
        client = Client()
        client.force_login(_user(role))
        pages = args.page or pages_of(client, role)
        for page in args.page or ():  # untimed, as pages_of opens every page once
            client.get(page)
        timings = time_pages(client, [*pages, "/healthz"], args.repeat, clock)
        rows = sorted(timings.items(), key=lambda item: p95(item[1]), reverse=True)
        print(f"\n{role}: {len(pages)} pages (p50 / p95 / max ms, slowest p95 first)")
        for page, values in rows:
            goal = FRONT_GOAL_MS if page in FRONT else GOAL_MS
            flag = "  OVER" if p95(values) > goal and page != "/healthz" else ""
            over += bool(flag)
            print(
                f"  {statistics.median(values):8.1f} {p95(values):8.1f} {max(values):8.1f}"
                f"  {page}{flag}"
            )
    print(f"\npages over their goal: {over}")


def _user(username: str):
    from daicho.core.models import User

    return User.objects.get(username=username)


if __name__ == "__main__":
    main()
