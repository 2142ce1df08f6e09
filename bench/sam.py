"""Benchmark: installations imported as per-device snapshots against the raw insert floor, and
the compliance position over them.

Issue #5. Creates 10,000 devices in 40 units and writes a CSV of 1,000,000 installation rows
(10,000 devices × 100 programs, raw names as Programs and Features writes them), then, in the same
database and the same run, times:

  * the raw floor   the csv module reads the file, a dict maps device names to ids, and the
                    DB-API cursor inserts the rows into the installation table in one transaction
                    (`executemany` fed by a generator on SQLite, COPY on PostgreSQL)
  * the import      `engine.run(kind="installations", source=…)`, as `daicho import
                    installations` runs it (rules applied, titles created and audited, the batch
                    recorded, the devices' older installations replaced)
  * the re-import   the same file again: every device's snapshot is the one the ledger has,
                    so the rows just loaded go and nothing changes
  * changed import  every version moved on: every device's snapshot is replaced and the one it
                    replaces is kept (sam.ReplacedInstallation) for the import's rollback
  * the position    `compliance_position()` over those installations and 5,000 licences

Each timed phase runs in its own child process so that its peak RSS (VmHWM) is its own.
Goals: import / floor ≤ 2.5, peak < 400 MB, position < 1 s, on SQLite and PostgreSQL.

    .venv/bin/python bench/sam.py [--devices 10000] [--per-device 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daicho_sam_bench .venv/bin/python bench/sam.py

On PostgreSQL the database named in DATABASE_URL is created, or emptied, at the start.
"""

from __future__ import annotations

import argparse
import csv
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

ORG_CODE = "399998"
HEADER = ["device", "software", "version", "publisher", "installed_on"]
PROGRAMS = [
    ("Microsoft Office Professional Plus {y}", "Microsoft Corporation", (2010, 2013, 2016, 2019)),
    ("Microsoft Office Standard {y}", "Microsoft Corporation", (2010, 2013, 2016)),
    ("Microsoft Visio Professional {y}", "Microsoft Corporation", (2013, 2016)),
    ("Microsoft Project Standard {y}", "Microsoft Corporation", (2016, 2019)),
    ("一太郎{y}", "JustSystems", (2014, 2016, 2019, 2022, 2023)),
    ("ATOK {y} for Windows", "JustSystems", (2014, 2016, 2017)),
    ("花子{y}", "JustSystems", (2016, 2023)),
    ("Java 8 Update {y}", "Oracle Corporation", (201, 251, 351, 401)),
    ("DocuWorks {y}", "FUJIFILM Business Innovation", (8, 9)),
    ("Adobe Acrobat Reader DC - Japanese", "Adobe Systems Incorporated", ()),
    ("Google Chrome", "Google LLC", ()),
    ("Mozilla Firefox (x64 ja)", "Mozilla", ()),
    ("Lhaplus", "Schezo", ()),
    ("秀丸エディタ", "斉藤秀夫", ()),
    ("ウイルスバスター コーポレートエディション クライアント", "Trend Micro Inc.", ()),
    ("CubePDF", "CubeSoft", ()),
]


def software_pool() -> list[tuple[str, str, str]]:
    """(raw name, version, publisher): the listed programs plus runtimes and drivers with many
    distinct names, as real inventories have (about 2,000 distinct raw names)."""
    pool = []
    for name, publisher, years in PROGRAMS:
        for year in years or ("",):
            pool.append((name.format(y=year), f"{year}.0.1" if year else "1.0", publisher))
    for i in range(2000):
        pool.append(
            (
                f"Microsoft Visual C++ 20{i % 20:02d} Redistributable (x64) - 14.{i}",
                f"14.{i}",
                "Microsoft Corporation",
            )
        )
    return pool


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


def generate(n_devices: int, per_device: int, csv_path: Path) -> None:
    """Migrate, create the organisation, 40 units and the devices; write the CSV file."""
    import random

    from django.core.management import call_command

    from daicho.core.models import Organisation, OrgUnit
    from daicho.sam.models import Device

    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(name="ベンチ県", code=ORG_CODE)
    units = []
    for d in range(4):
        dept = OrgUnit.objects.create(
            organisation=org, code=f"D{d}", name=f"部{d}", kind="department"
        )
        dept.path, dept.department = f"{dept.pk}/", dept
        dept.save()
        for s in range(10):
            section = OrgUnit.objects.create(
                organisation=org, code=f"D{d}-S{s}", name=f"課{d}-{s}", parent=dept, department=dept
            )
            section.path = f"{dept.path}{section.pk}/"
            section.save()
            units.append(section)
    Device.objects.bulk_create(
        [
            Device(
                organisation=org,
                name=f"PC{i:06d}",
                unit=units[i % len(units)],
                user_name=f"職員{i % 7000}",
            )
            for i in range(n_devices)
        ],
        batch_size=5000,
    )
    pool = software_pool()
    rng = random.Random(5)
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for i in range(n_devices):
            for raw, version, publisher in rng.sample(pool, per_device):
                day = f"20{rng.randrange(14, 25)}/{rng.randrange(1, 13)}/{rng.randrange(1, 29)}"
                writer.writerow((f"PC{i:06d}", raw, version, publisher, day))


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
    import datetime

    from django.db import connection, transaction

    from daicho.sam.models import Device

    connection.ensure_connection()
    start = time.perf_counter()
    devices = dict(Device.objects.values_list("name", "pk"))
    dates: dict[str, str] = {}

    def day(text):
        if text not in dates:
            y, m, d = text.split("/")
            dates[text] = datetime.date(int(y), int(m), int(d)).isoformat()
        return dates[text]

    columns = "device_id, raw_name, publisher, raw_version, version, installed_on"
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = (
            (devices[d], software, publisher, version, "", day(installed))
            for d, software, version, publisher, installed in reader
        )
        with transaction.atomic():
            cursor = connection.connection.cursor()
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY sam_installation ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO sam_installation ({columns}) VALUES (?, ?, ?, ?, ?, ?)", rows
                )
            cursor.close()
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sam_installation")
        count = cursor.fetchone()[0]
    assert count == n_rows, f"the floor wrote {count} rows, not {n_rows}"
    return {"seconds": seconds, "created": count}


def phase_import(csv_path: Path, n_rows: int, profile: str | None) -> dict:
    from daicho.core.importing import engine
    from daicho.core.models import Organisation
    from daicho.sam.models import Installation

    org = Organisation.objects.get(code=ORG_CODE)
    engine.kinds()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    result = engine.run(kind="installations", source=csv_path, organisation=org, user=None)
    seconds = time.perf_counter() - start
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    batch = result.batch
    if not result.ok:
        print(
            f"import: {result.fatal} {[p.as_dict() for p in result.problems[:5]]}", file=sys.stderr
        )
    return {
        "seconds": seconds,
        "ok": result.ok,
        "created": batch.created,
        "rows": Installation.objects.count(),
        "matched": Installation.objects.filter(title__isnull=False).count(),
    }


def phase_reimport(csv_path: Path, n_rows: int, profile: str | None) -> dict:
    figures = phase_import(csv_path, n_rows, None)
    return figures


def write_changed(csv_path: Path, changed_path: Path) -> None:
    """The same inventory a month later: every program's version moved on, so every device's
    snapshot is replaced (and the one it replaces kept for a rollback)."""
    with (
        open(csv_path, encoding="utf-8", newline="") as source,
        open(changed_path, "w", encoding="utf-8", newline="") as target,
    ):
        reader, writer = csv.reader(source), csv.writer(target, lineterminator="\n")
        writer.writerow(next(reader))
        for device, software, version, publisher, installed in reader:
            writer.writerow((device, software, f"{version}.1", publisher, installed))


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
    csv_path = scratch / "installations.csv"
    n_rows = args.devices * args.per_device
    if args.phase == "floor":
        figures = phase_floor(csv_path, n_rows)
    elif args.phase == "import":
        figures = phase_import(csv_path, n_rows, args.profile)
    elif args.phase == "reimport":
        figures = phase_reimport(csv_path, n_rows, None)
    elif args.phase == "changed":
        figures = phase_import(scratch / "installations-changed.csv", n_rows, None)
    else:
        figures = phase_position(args.licences)
    figures.update(base_mb=base, peak_mb=peak_mb())
    (scratch / f"phase-{args.phase}.json").write_text(json.dumps(figures))


def child(phase: str, args: argparse.Namespace, scratch: Path) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--keep", str(scratch)]
    command += ["--devices", str(args.devices), "--per-device", str(args.per_device)]
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
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--per-device", type=int, default=100)
    parser.add_argument("--licences", type=int, default=5_000)
    parser.add_argument("--keep", help="scratch folder to keep (default: a temporary one)")
    parser.add_argument("--profile", help="profile the import phase with cProfile into FILE")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument(
        "--phase",
        choices=["floor", "import", "reimport", "changed", "position"],
        help=argparse.SUPPRESS,
    )
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
    generate(args.devices, args.per_device, scratch / "installations.csv")
    vendor = connection.vendor
    connection.close()
    n_rows = args.devices * args.per_device
    size = (scratch / "installations.csv").stat().st_size / 2**20
    print(
        f"data: {n_rows:,} installations of {args.devices:,} devices, {size:.0f} MB CSV "
        f"({time.perf_counter() - t0:.1f} s to generate) on {vendor}",
        flush=True,
    )
    floor = child("floor", args, scratch)
    clear_installations()
    first = child("import", args, scratch)
    again = child("reimport", args, scratch)
    write_changed(scratch / "installations.csv", scratch / "installations-changed.csv")
    changed = child("changed", args, scratch)
    position = child("position", args, scratch)

    print(f"{'':16} {'seconds':>9} {'rows/s':>10} {'ratio':>6} {'peak MB':>8} {'base MB':>8}")
    for name, figures in (
        ("raw floor", floor),
        ("import", first),
        ("re-import", again),
        ("changed import", changed),
    ):
        print(
            f"{name:16} {figures['seconds']:9.2f} {n_rows / figures['seconds']:10,.0f} "
            f"{figures['seconds'] / floor['seconds']:6.2f} {figures['peak_mb']:8.0f} "
            f"{figures['base_mb']:8.0f}"
        )
    print(
        f"import: ok={first['ok']} created={first['created']:,} rows after={first['rows']:,} "
        f"matched to a title={first['matched']:,}; after re-import rows={again['rows']:,} "
        f"(unchanged: created={again['created']:,}); after the changed import "
        f"rows={changed['rows']:,} created={changed['created']:,}"
    )
    print(
        f"position over {args.licences:,} licences: {position['seconds']:.3f} s "
        f"(runs {', '.join(f'{t:.3f}' for t in position['runs'])}), {position['entries']} entries, "
        f"consumed {position['consumed']:,}, shortfall {position['shortfall']:,}, "
        f"cost to close {position['cost_to_close']:,} yen, peak {position['peak_mb']:.0f} MB"
    )
    print("goal: import ratio ≤ 2.5, peak < 400 MB, position < 1 s")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
