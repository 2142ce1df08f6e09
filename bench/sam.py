"""Benchmark: an inventory of a realistic estate imported as per-PC snapshots, against the raw
insert floor, and the compliance position over it.

Issue #5, made realistic for issue #18. Creates an organisation of 40 sections and the PCs its
ledger has, and writes the inventory of 10,000 PCs (1,000,000 rows; `--rows` for smaller runs) as
the tools write it (bench/sam_estate.py): about 2,200 distinct raw program names with their
vendors' version strings, 10 % of the PCs new to the ledger, a unit and a user per PC, one file
per tool shape (SKYSEA CP932 CSV, LanScope XLSX, PowerShell UTF-16 CSV). Then, in the same
database and the same run, times:

  * the raw floor   the csv module reads the same rows (the XLSX's from a CSV twin), a dict maps
                    PC names to ids, and the DB-API cursor inserts them into a bare table (no
                    index, no foreign key) in one transaction (`executemany` fed by a generator
                    on SQLite, COPY on PostgreSQL)
  * the import      `engine.run(kind="installations", source=…)` on each file, as `daicho import
                    installations` runs it (rules applied, PCs and titles created and audited,
                    units and users updated, the batch recorded)
  * the re-import   the same files again: every PC's snapshot is the one the ledger has, so the
                    rows just loaded go and nothing changes
  * changed import  the two CSV files with every version moved on: every PC's snapshot in them is
                    replaced and the one it replaces kept (sam.ReplacedInstallation) for rollback
  * the position    `compliance_position()` over those installations and 5,000 licences

Each timed phase runs in its own child process so that its peak RSS (VmHWM) is its own. Beside
the wall-clock seconds (the goal's measure) it prints the phase process's CPU seconds and their
ratio: on a machine others share, the steadier figure (SQLite works inside the process; the
PostgreSQL server's CPU is not in it: it has a column of its own when the server runs on this
machine, read from /proc). `--keep DIR --reuse` runs again on the files and ledger
generated in DIR before (SQLite).
Goals (issue #18): import / floor ≤ 2.5 on SQLite, ≤ 3 on PostgreSQL, peak < 400 MB,
position < 1 s.

    .venv/bin/python bench/sam.py [--rows 1000000] [--devices N] [--only-import]
    .venv/bin/python bench/sam.py --rows 200000 --only-import --profile /tmp/import.prof
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daicho_sam_bench .venv/bin/python bench/sam.py

On PostgreSQL the database named in DATABASE_URL is created, or emptied, at the start.
"""

from __future__ import annotations

import argparse
import json
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
sys.path.insert(0, str(ROOT / "bench"))

import sam_estate  # noqa: E402

ORG_CODE = "399998"
DEVICES_PER_ROW = 100  # the default: 1,000,000 rows over 10,000 PCs


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


def generate(n_rows: int, n_devices: int, folder: Path) -> dict:
    """Migrate, create the organisation, its 8 departments and 40 sections and the PCs the ledger
    has (90 %); write the three tools' files."""
    from django.core.management import call_command

    from daicho.core.models import Organisation, OrgUnit
    from daicho.sam.models import Device

    call_command("migrate", verbosity=0)
    the_estate = sam_estate.estate(n_rows, n_devices)
    org = Organisation.objects.create(name="ベンチ市", code=ORG_CODE)
    units = []
    departments: dict[str, OrgUnit] = {}
    for number, (department, section) in enumerate(the_estate.units):
        dept = departments.get(department)
        if dept is None:
            dept = OrgUnit.objects.create(
                organisation=org,
                code=f"{len(departments) + 1:02d}0000",
                name=department,
                kind="department",
            )
            dept.path, dept.department = f"{dept.pk}/", dept
            dept.save()
            departments[department] = dept
        unit = OrgUnit.objects.create(
            organisation=org,
            code=f"{dept.code[:2]}{number % 5 + 1:02d}00",
            name=section,
            parent=dept,
            department=dept,
        )
        unit.path = f"{dept.path}{unit.pk}/"
        unit.save()
        units.append(unit)
    Device.objects.bulk_create(
        [
            Device(organisation=org, name=name, unit=units[unit], user_name=user)
            for name, unit, user in the_estate.ledger
        ],
        batch_size=5000,
    )
    paths, names = sam_estate.write_files(the_estate, folder)
    return {
        "ledger": len(the_estate.ledger),
        "new": len(the_estate.devices) - len(the_estate.ledger),
        "names": names,
        "files": sam_estate._sizes(paths),
    }


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


def server_cpu() -> float | None:
    """The CPU seconds of this connection's PostgreSQL server process so far, when the server
    runs on this machine (read from /proc); None on SQLite or a remote server."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


FLOOR_TABLE = "bench_floor"
TOOLS = ("skysea", "lanscope", "powershell")


def phase_floor(folder: Path, n_rows: int) -> dict:
    """The csv module reads the three files (the XLSX's rows from its CSV twin), a dict maps PC
    names to ids, and the DB-API cursor inserts the rows into a bare table (the installation
    table's columns, no index, no foreign key) in one transaction: `executemany` fed by a
    generator on SQLite, COPY on PostgreSQL."""
    from django.db import connection, transaction

    from daicho.sam.models import Device

    connection.ensure_connection()
    key = (
        "bigint GENERATED BY DEFAULT AS IDENTITY"
        if connection.vendor == "postgresql"
        else ("integer")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id {key} PRIMARY KEY, device_id bigint, title_id bigint, "
            "raw_name varchar(300), publisher varchar(200), raw_version varchar(100), "
            "version varchar(50), installed_on date)"
        )
    start, cpu, served = time.perf_counter(), time.process_time(), server_cpu()
    devices = dict(Device.objects.values_list("name", "pk"))
    columns = "device_id, raw_name, publisher, raw_version, installed_on"
    per_file = {}
    with transaction.atomic():
        cursor = connection.connection.cursor()
        for tool in TOOLS:
            began = time.perf_counter()
            rows = sam_estate.floor_rows(folder, tool, devices)
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {FLOOR_TABLE} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {FLOOR_TABLE} ({columns}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608
                    rows,
                )
            per_file[tool] = time.perf_counter() - began
        cursor.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    served = server_cpu() - served if served is not None else None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {FLOOR_TABLE}")  # noqa: S608
        count = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
    assert count == n_rows, f"the floor wrote {count} rows, not {n_rows}"
    return {
        "seconds": seconds,
        "cpu": cpu,
        "server": served,
        "created": count,
        "per_file": per_file,
    }


def phase_import(files: dict[str, Path], profile: str | None) -> dict:
    """`engine.run(kind="installations", …)` on each file, as `daicho import installations`
    runs it (rules applied, PCs and titles created and audited, units and users updated, the
    batch recorded, the PCs' older installations replaced)."""
    from daicho.core.importing import engine
    from daicho.core.models import Organisation
    from daicho.sam.models import Device, Installation

    org = Organisation.objects.get(code=ORG_CODE)
    engine.kinds()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    per_file, created, updated, rows_in, ok = {}, 0, 0, 0, True
    start, cpu, served = time.perf_counter(), time.process_time(), server_cpu()
    for tool, path in files.items():
        began = time.perf_counter()
        result = engine.run(kind="installations", source=path, organisation=org, user=None)
        per_file[tool] = time.perf_counter() - began
        if not result.ok:
            ok = False
            problems = [p.as_dict() for p in result.problems[:5]]
            print(f"import of {path.name}: {result.fatal} {problems}", file=sys.stderr)
        created += result.batch.created
        updated += result.batch.updated
        rows_in += result.batch.created + result.batch.unchanged + result.batch.rejected
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    served = server_cpu() - served if served is not None else None
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "server": served,
        "per_file": per_file,
        "ok": ok,
        "rows_in": rows_in,
        "created": created,
        "updated": updated,
        "rows": Installation.objects.count(),
        "devices": Device.objects.filter(organisation=org).count(),
        "matched": Installation.objects.filter(title__isnull=False).count(),
    }


def phase_position(n_licences: int) -> dict:
    import datetime
    import random

    from django.db import connection

    from daicho.core.models import Organisation, OrgUnit
    from daicho.sam.models import Licence, SoftwareTitle
    from daicho.sam.selectors import compliance_position, position_totals

    org = Organisation.objects.get(code=ORG_CODE)
    if not Licence.objects.filter(organisation=org).exists():
        rng = random.Random(7)
        titles = list(SoftwareTitle.objects.filter(organisation=org, free=False))
        units = [None, *OrgUnit.objects.filter(organisation=org)]
        Licence.objects.bulk_create(
            [
                Licence(
                    organisation=org,
                    title=rng.choice(titles),
                    version=rng.choice(["", "2013", "2016", "2019", "2023"]),
                    quantity=rng.randrange(1, 8),
                    downgrade_rights=rng.random() < 0.5,
                    unit=rng.choice(units),
                    unit_price=rng.randrange(1, 60) * 1000,
                )
                for _ in range(n_licences)
            ],
            batch_size=2000,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        entries = compliance_position(org, as_of=datetime.date(2025, 4, 1))
        timings.append(time.perf_counter() - start)
    totals = position_totals(entries)
    return {"seconds": min(timings), "runs": timings, "entries": len(entries), **totals}


def run_phase(args: argparse.Namespace, scratch: Path) -> None:
    setup_django(scratch)
    base = peak_mb()
    n_rows = args.rows
    files = {tool: scratch / name for tool, name in FILES.items()}
    if args.phase == "floor":
        figures = phase_floor(scratch, n_rows)
    elif args.phase in ("import", "reimport"):
        figures = phase_import(files, args.profile if args.phase == "import" else None)
    elif args.phase == "changed":
        figures = phase_import(
            {tool: scratch / f"{tool}-changed.csv" for tool in ("skysea", "powershell")}, None
        )
    else:
        figures = phase_position(args.licences)
    figures.update(base_mb=base, peak_mb=peak_mb())
    (scratch / f"phase-{args.phase}.json").write_text(json.dumps(figures))


FILES = {"skysea": "skysea.csv", "lanscope": "lanscope.xlsx", "powershell": "powershell.csv"}


def child(phase: str, args: argparse.Namespace, scratch: Path) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--keep", str(scratch)]
    command += ["--rows", str(args.rows), "--devices", str(args.devices)]
    command += ["--licences", str(args.licences)]
    if args.profile and phase == "import":
        command += ["--profile", args.profile]
    try:
        subprocess.run(command, check=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"the {phase} phase took more than {args.timeout} s (hung?): stopped")
    except subprocess.CalledProcessError as exc:
        sys.exit(f"the {phase} phase failed (exit status {exc.returncode})")
    return json.loads((scratch / f"phase-{phase}.json").read_text())


def clear_installations() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE sam_installation")
            cursor.execute("VACUUM ANALYZE sam_installation")
        else:
            cursor.execute("DELETE FROM sam_installation")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--devices", type=int, help="PCs (default: one per 100 rows)")
    parser.add_argument("--licences", type=int, default=5_000)
    parser.add_argument("--keep", help="scratch folder to keep (default: a temporary one)")
    parser.add_argument("--profile", help="profile the import phase with cProfile into FILE")
    parser.add_argument(
        "--only-import", action="store_true", help="the floor and the first import only"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep on SQLite: reuse the files and ledger generated there before",
    )
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument(
        "--phase",
        choices=["floor", "import", "reimport", "changed", "position"],
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()
    args.devices = args.devices or max(1, args.rows // DEVICES_PER_ROW)
    if args.profile:
        args.profile = str(Path(args.profile).resolve())
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="daicho-bench-")).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    if args.phase:
        run_phase(args, scratch)
        return

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    database = Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
    saved = scratch / f"generated-{args.rows}-{args.devices}.sqlite3"
    t0 = time.perf_counter()
    if args.reuse and database.suffix == ".sqlite3" and saved.exists():
        # The files and the ledger as generated before (SQLite only): the database copied back.
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(saved, database)
        made = json.loads(saved.with_suffix(".json").read_text())
        setup_django(scratch)
        from django.db import connection

        connection.ensure_connection()
    else:
        recreate_database(scratch)
        setup_django(scratch)
        from django.db import connection

        made = generate(args.rows, args.devices, scratch)
        if connection.vendor == "sqlite" and args.keep:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(database, saved)
            saved.with_suffix(".json").write_text(json.dumps(made))
    vendor = connection.vendor
    connection.close()
    n_rows = args.rows
    print(
        f"data: {n_rows:,} installations of {args.devices:,} PCs ({made['new']:,} new to the "
        f"ledger), {made['names']:,} distinct program names; {made['files']} "
        f"({time.perf_counter() - t0:.1f} s to generate) on {vendor}",
        flush=True,
    )
    floor = child("floor", args, scratch)
    first = child("import", args, scratch)
    phases = [("raw floor", floor), ("import", first)]
    if not args.only_import:
        again = child("reimport", args, scratch)
        sam_estate.write_changed(scratch)
        changed = child("changed", args, scratch)
        phases += [("re-import", again), ("changed import", changed)]
        position = child("position", args, scratch)

    print(
        f"{'':16} {'seconds':>9} {'rows/s':>10} {'ratio':>6} {'CPU s':>7} {'ratio':>6} "
        f"{'peak MB':>8} {'base MB':>8} {'server CPU s':>13}"
    )
    for name, figures in phases:
        rows = figures.get("rows_in", n_rows)
        print(
            f"{name:16} {figures['seconds']:9.2f} {rows / figures['seconds']:10,.0f} "
            f"{figures['seconds'] / floor['seconds']:6.2f} {figures['cpu']:7.2f} "
            f"{figures['cpu'] / floor['cpu']:6.2f} {figures['peak_mb']:8.0f} "
            f"{figures['base_mb']:8.0f} "
            + (f"{figures['server']:13.2f}" if figures.get("server") is not None else f"{'-':>13}")
        )
    print(
        "per file (import / floor): "
        + ", ".join(
            f"{tool} {s:.2f} / {floor['per_file'][tool]:.2f} s ({s / floor['per_file'][tool]:.2f})"
            for tool, s in first["per_file"].items()
        )
    )
    print(
        f"import: ok={first['ok']} created={first['created']:,} rows after={first['rows']:,} "
        f"matched to a title={first['matched']:,} PCs={first['devices']:,} "
        f"PCs updated={first['updated']:,}"
    )
    if not args.only_import:
        print(
            f"after re-import rows={again['rows']:,} (unchanged: created={again['created']:,}); "
            f"after the changed import (SKYSEA and PowerShell files, every version moved on) "
            f"rows={changed['rows']:,} created={changed['created']:,}"
        )
        print(
            f"position over {args.licences:,} licences: {position['seconds']:.3f} s (runs "
            f"{', '.join(f'{t:.3f}' for t in position['runs'])}), {position['entries']} entries, "
            f"consumed {position['consumed']:,}, shortfall {position['shortfall']:,}, "
            f"cost to close {position['cost_to_close']:,} yen, peak {position['peak_mb']:.0f} MB"
        )
    print(f"goal: import ratio ≤ {2.5 if vendor == 'sqlite' else 3}, peak < 400 MB, position < 1 s")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
