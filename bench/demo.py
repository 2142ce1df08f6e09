"""Benchmark: `daicho demo` on an empty database, as a newcomer's `make demo` runs it (issue #18
point 4).

Creates a scratch database (SQLite in a temporary folder by default, or the PostgreSQL database
named in DATABASE_URL, created or emptied first), then times, each in its own child process:

  * migrate   `daicho migrate` (the schema; not the demo's own work, printed for scale)
  * demo      `daicho demo --no-migrate` (the demo organisation through the import engine and
              the services: 202 systems, 17,182 cost lines, ~20,000 devices, the areas' records)

and prints wall-clock and CPU seconds and the peak memory of each. There is no raw floor for a
whole organisation; the goal is absolute: migrate and demo together under 30 s on SQLite and
under 60 s on PostgreSQL.

    .venv/bin/python bench/demo.py [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daicho_demo_bench .venv/bin/python bench/demo.py
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAICHO = str(Path(sys.executable).parent / "daicho")
GOALS_S = {"sqlite": 30.0, "postgresql": 60.0}
sys.path.insert(0, str(ROOT / "bench"))


def fresh_database(scratch: Path) -> tuple[str, str]:
    """The DATABASE_URL of an empty database, and its vendor."""
    from import_costs import recreate_database

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{scratch / 'demo.sqlite3'}", "sqlite"
    recreate_database(scratch)
    return url, "postgresql"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of the child) and the child's peak RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'run':>4} {'migrate s':>10} {'demo s':>8} {'total s':>8} {'demo CPU s':>11} "
        f"{'peak MB':>8}"
    )
    totals = []
    for run in range(1, args.repeat + 1):
        scratch = Path(tempfile.mkdtemp(prefix="daicho-demo-bench-"))
        try:
            url, vendor = fresh_database(scratch)
            env = {**os.environ, "DATABASE_URL": url, "DAICHO_VAR_DIR": str(scratch)}
            migrate, _, _ = timed([DAICHO, "migrate", "-v0"], env)
            demo, cpu, peak = timed([DAICHO, "demo", "--no-migrate"], env)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        totals.append(migrate + demo)
        print(
            f"{run:>4} {migrate:>10.1f} {demo:>8.1f} {migrate + demo:>8.1f} {cpu:>11.1f} {peak:>8}"
        )
    print(f"database: {vendor}; best total {min(totals):.1f} s; goal < {GOALS_S[vendor]:.0f} s")


if __name__ == "__main__":
    main()
