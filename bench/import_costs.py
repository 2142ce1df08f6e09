"""Benchmark: importing cost lines with the import engine against the raw insert floor.

Issue #3. Writes a CSV of N unique cost lines (default 1,000,000) for 2,000 systems and the six
cost items of the demo, then, in the same database and the same run, times:

  * the raw floor   the csv module reads the file, plain dicts map system and item codes to ids,
                    and the DB-API cursor inserts the rows in one transaction (`executemany` fed
                    by a generator on SQLite, `COPY … FROM STDIN` with `write_row` on PostgreSQL)
  * the engine      `engine.run(kind="costs", source=…)`, as `daicho import costs` runs it
                    (parsing, checks, upsert lookups, bulk inserts and one audit event per line,
                    which the database builds from the inserted lines)

The floor runs first, its rows are then removed (not timed) and the engine imports the same file
into the same empty table. Each timed phase runs in its own child process (this script run again
with `--phase`) so that its peak RSS (VmHWM) is its own. Prints seconds, the ratio
engine / floor and the peak memory of each phase. Goal: ratio ≤ 2.5 and peak < 300 MB on SQLite.

    .venv/bin/python bench/import_costs.py [--rows 1000000] [--keep DIR] [--profile FILE]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daicho_bench .venv/bin/python bench/…

On PostgreSQL the database named in DATABASE_URL is created, or emptied (its public schema
dropped and created again) when it exists, at the start.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORG_CODE = "399999"
YEARS = range(2000, 2031)
BASES = ("budget", "actual")
CATEGORIES = ("initial", "operation")
COST_ITEMS = [  # as in daicho.registry.demo_data
    ("itaku", "委託料"),
    ("shiyoryo", "使用料及び賃借料"),
    ("ekimu", "役務費"),
    ("juyo", "需用費"),
    ("bihin", "備品購入費"),
    ("futankin", "負担金補助及び交付金"),
]
LINES_PER_SYSTEM = len(YEARS) * len(BASES) * len(CATEGORIES) * len(COST_ITEMS)  # 744
HEADER = ["system", "fiscal_year", "basis", "category", "item", "amount", "note"]
COLUMNS = "system_id, fiscal_year, basis, category, item_id, amount, note"


def setup_django(scratch: Path) -> None:
    os.environ["DAICHO_VAR_DIR"] = str(scratch)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "daicho.settings"
    import django

    django.setup()


def recreate_database(scratch: Path) -> None:
    """A clean database for every run: remove the SQLite file, or create the PostgreSQL
    database (or empty its public schema when it exists)."""
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "sqlite" in config["ENGINE"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{config['NAME']}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "autocommit": True,
    }
    name = sql.Identifier(config["NAME"])
    with psycopg.connect(dbname="postgres", **server) as admin:
        found = admin.execute(
            "SELECT datconnlimit FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if found is not None and found[0] == -2:  # left invalid by an interrupted DROP DATABASE
            admin.execute("SET statement_timeout = '120s'")
            try:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
            except psycopg.errors.QueryCanceled:
                sys.exit(
                    f"{config['NAME']} is invalid and cannot be dropped now: DROP DATABASE waits "
                    "for a backend stuck in COPY (see pg_stat_activity); use another name"
                )
            found = None
        if found is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
            return
    # An existing database is emptied rather than dropped: as clean, and DROP DATABASE waits for
    # every backend of the cluster to acknowledge it, which one stuck in COPY … FROM STDIN (a
    # hung client anywhere on the server) never does.
    with psycopg.connect(dbname=config["NAME"], **server) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")


def generate(n_rows: int, csv_path: Path) -> int:
    """Migrate, create the organisation, units, systems and cost items; write the CSV file."""
    from django.core.management import call_command

    from daicho.core.models import Organisation, OrgUnit
    from daicho.registry.models import CostItem, InformationSystem

    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(name="ベンチ県", code=ORG_CODE)
    dept = OrgUnit.objects.create(organisation=org, code="D01", name="総務部", kind="department")
    dept.path, dept.department = f"{dept.pk}/", dept
    dept.save()
    section = OrgUnit.objects.create(
        organisation=org, code="D01-S01", name="情報政策課", parent=dept, department=dept
    )
    section.path = f"{dept.path}{section.pk}/"
    section.save()
    n_systems = max(2000, math.ceil(n_rows / LINES_PER_SYSTEM))
    width = max(4, len(str(n_systems)))
    InformationSystem.objects.bulk_create(
        [
            InformationSystem(
                organisation=org,
                owner_unit=section,
                code=f"S{i:0{width}d}",
                name=f"システム{i:0{width}d}",
            )
            for i in range(1, n_systems + 1)
        ],
        batch_size=2000,
    )
    CostItem.objects.bulk_create(
        [
            CostItem(organisation=org, code=code, name=name, sort_order=k)
            for k, (code, name) in enumerate(COST_ITEMS)
        ]
    )

    def rows():  # in the order an export writes them: system, year, basis, category, item
        n = 0
        for i in range(1, n_systems + 1):
            system = f"S{i:0{width}d}"
            for year in YEARS:
                for basis in BASES:
                    for category in CATEGORIES:
                        for item, _name in COST_ITEMS:
                            if n == n_rows:
                                return
                            n += 1
                            amount = (n * 7919 % 99_991 + 1) * 1000
                            note = "保守契約" if n % 50 == 0 else ""
                            yield (system, year, basis, category, item, amount, note)

    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows())
    return n_systems


# --- the timed phases (each in a child process) ------------------------------------------------


def peak_mb() -> float:
    """This process's peak RSS. On Linux `ru_maxrss` keeps the parent's peak across fork and
    exec (a child of a 300 MB parent reports ≥ 300 MB), so read VmHWM, the peak of our own
    address space, and fall back to `ru_maxrss` elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def phase_floor(csv_path: Path, n_rows: int) -> dict:
    from django.db import connection, transaction

    from daicho.registry.models import CostItem, InformationSystem

    connection.ensure_connection()
    start = time.perf_counter()
    systems = dict(InformationSystem.objects.values_list("code", "pk"))
    items = dict(CostItem.objects.values_list("code", "pk"))
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = (
            (systems[s], int(fy), basis, category, items[item], int(amount), note)
            for s, fy, basis, category, item, amount, note in reader
        )
        with transaction.atomic():
            raw = connection.connection
            cursor = raw.cursor()
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY registry_costline ({COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO registry_costline ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            cursor.close()
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_costline")
        count = cursor.fetchone()[0]
    assert count == n_rows, f"the floor wrote {count} rows, not {n_rows}"
    return {"seconds": seconds, "created": count}


def phase_engine(csv_path: Path, n_rows: int, profile: str | None) -> dict:
    from daicho.core.importing import engine
    from daicho.core.models import AuditEvent, Organisation

    org = Organisation.objects.get(code=ORG_CODE)
    engine.kinds()  # the registry's kinds are registered when the apps are ready
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = engine.run(kind="costs", source=csv_path, organisation=org, user=None)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    if profiler:
        profiler.dump_stats(profile)
    batch = result.batch
    if not result.ok or batch.created != n_rows:
        print(
            f"engine: ok={result.ok} created={batch.created} updated={batch.updated} "
            f"unchanged={batch.unchanged} rejected={batch.rejected} {result.fatal}",
            file=sys.stderr,
        )
        for problem in result.problems[:10]:
            print(f"  {problem.as_dict()}", file=sys.stderr)
    return {
        "seconds": seconds,
        "ok": result.ok,
        "created": batch.created,
        "rejected": batch.rejected,
        "audit_events": AuditEvent.objects.filter(request_id=batch.batch_id).count(),
    }


def run_phase(args: argparse.Namespace, scratch: Path) -> None:
    """The child process: set up Django, run one phase, write its figures as JSON."""
    setup_django(scratch)
    base = peak_mb()
    csv_path = scratch / "costs.csv"
    if args.phase == "floor":
        figures = phase_floor(csv_path, args.rows)
    else:
        figures = phase_engine(csv_path, args.rows, args.profile)
    figures.update(base_mb=base, peak_mb=peak_mb())
    (scratch / f"phase-{args.phase}.json").write_text(json.dumps(figures))


def child(phase: str, args: argparse.Namespace, scratch: Path) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--rows", str(args.rows)]
    command += ["--keep", str(scratch)]
    if args.profile and phase == "engine":
        command += ["--profile", args.profile]
    try:
        subprocess.run(command, check=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        sys.exit(f"the {phase} phase took more than {args.timeout} s (hung?): stopped")
    except subprocess.CalledProcessError as exc:
        sys.exit(f"the {phase} phase failed (exit status {exc.returncode})")
    return json.loads((scratch / f"phase-{phase}.json").read_text())


def clear_cost_lines() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE registry_costline")  # DELETE would leave dead index entries
            cursor.execute("VACUUM ANALYZE registry_costline")
        else:
            cursor.execute("DELETE FROM registry_costline")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def print_profile(path: str) -> None:
    import pstats

    for order in ("cumulative", "tottime"):
        print(f"\nengine profile, top 15 by {order}:")
        pstats.Stats(path, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="scratch folder to keep (default: a temporary one)")
    parser.add_argument("--profile", help="profile the engine phase with cProfile into FILE")
    parser.add_argument(
        "--timeout", type=int, default=3600, help="stop a phase after SECONDS (default 3600)"
    )
    parser.add_argument("--phase", choices=["floor", "engine"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        args.profile = str(Path(args.profile).resolve())
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="daicho-bench-")).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    if args.phase:
        run_phase(args, scratch)
        return

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    recreate_database(scratch)
    setup_django(scratch)
    from django.db import connection

    t0 = time.perf_counter()
    n_systems = generate(args.rows, scratch / "costs.csv")
    vendor = connection.vendor
    connection.close()
    size = (scratch / "costs.csv").stat().st_size / 2**20
    print(
        f"data: {args.rows:,} cost lines of {n_systems:,} systems, {size:.0f} MB CSV "
        f"({time.perf_counter() - t0:.1f} s to generate) on {vendor}",
        flush=True,
    )
    floor = child("floor", args, scratch)
    clear_cost_lines()
    engine = child("engine", args, scratch)

    print(f"{'':10} {'seconds':>9} {'rows/s':>10} {'ratio':>6} {'peak MB':>8} {'base MB':>8}")
    for name, figures in (("raw floor", floor), ("engine", engine)):
        print(
            f"{name:10} {figures['seconds']:9.2f} {args.rows / figures['seconds']:10,.0f} "
            f"{figures['seconds'] / floor['seconds']:6.2f} {figures['peak_mb']:8.0f} "
            f"{figures['base_mb']:8.0f}"
        )
    print(
        f"engine: ok={engine['ok']} created={engine['created']:,} rejected={engine['rejected']:,}"
        f" audit events={engine['audit_events']:,}"
    )
    if not engine["ok"] or engine["created"] != args.rows:
        print("the engine did not import every row: its figures are not comparable")
    print("goal: ratio ≤ 2.5, peak < 300 MB")
    if args.profile:
        print_profile(args.profile)
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
