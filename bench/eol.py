"""Benchmark: the end-of-support listing over 100,000 devices and 5,000 servers.

Generates a ledger (units, 1,000 systems, 100,000 devices with the OS mix of a prefecture's PCs
over ten years, 5,000 physical servers, hosts and VMs), then times `eol.eol_items` — every device,
server and VM past end of support or within 12 months, with unit and system — against the raw
floor: the same rows fetched with hand-written SQL through the driver. Goal (issue #4): under 1 s
on SQLite and on PostgreSQL (DATABASE_URL=postgres://…).

    .venv/bin/python bench/eol.py [--devices 100000] [--servers 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registry_list  # noqa: E402  (the shared data generator)

DEVICE_OS = [
    "Windows XP Professional SP3",
    "Windows 7 Professional SP1",
    "Microsoft Windows 10 Enterprise",
    "Microsoft Windows 11 Enterprise 23H2",
    "Microsoft Windows 11 Enterprise 24H2",
    "Microsoft Windows 11 Enterprise 25H2",
    "Windows 11 Pro",
    "Solaris 10",
]
SERVER_OS = [
    "Microsoft Windows Server 2008 R2 Standard",
    "Microsoft Windows Server 2012 R2 Standard",
    "Microsoft Windows Server 2016 Standard",
    "Microsoft Windows Server 2019 Standard",
    "Microsoft Windows Server 2022 Standard",
    "Red Hat Enterprise Linux Server release 7.9 (Maipo)",
    "Red Hat Enterprise Linux release 9.2 (Plow)",
]


def generate(n_devices: int, n_servers: int) -> None:
    from daicho.core.models import Organisation, OrgUnit
    from daicho.infra.models import Server
    from daicho.lifecycle.matching import Resolver
    from daicho.registry.models import InformationSystem
    from daicho.sam.models import Device

    organisation = Organisation.objects.get(code="399999")
    if Device.objects.filter(organisation=organisation).count() >= n_devices:
        return
    rng = random.Random(6000)
    resolver = Resolver(organisation)
    units = list(OrgUnit.objects.filter(organisation=organisation, parent__isnull=False))
    systems = list(InformationSystem.objects.filter(organisation=organisation)[:1000])
    Device.objects.bulk_create(
        (
            Device(
                organisation=organisation,
                name=f"PC{n:07d}",
                unit=rng.choice(units),
                os=(os_name := rng.choice(DEVICE_OS)),
                release_id=resolver.release_id(os_name),
                purchased_on=datetime.date(2015, 4, 1),
            )
            for n in range(n_devices)
        ),
        batch_size=5000,
    )
    hosts = Server.objects.bulk_create(
        Server(
            organisation=organisation,
            name=f"VH{n:03d}",
            kind="host",
            os="VMware ESXi 7.0",
            release_id=resolver.release_id("VMware ESXi 7.0"),
        )
        for n in range(50)
    )
    Server.objects.bulk_create(
        (
            Server(
                organisation=organisation,
                name=f"SV{n:05d}",
                kind="vm" if n % 2 else "physical",
                host=rng.choice(hosts) if n % 2 else None,
                system=rng.choice(systems),
                os=(os_name := rng.choice(SERVER_OS)),
                release_id=resolver.release_id(os_name),
            )
            for n in range(n_servers - len(hosts))
        ),
        batch_size=5000,
    )


FLOOR_SQL = {
    "devices": """
        SELECT d.id, d.name, u.name, u.path, p.name, r.label, r.eol
        FROM sam_device d
        JOIN lifecycle_productrelease r ON r.id = d.release_id
        JOIN lifecycle_softwareproduct p ON p.id = r.product_id
        JOIN core_orgunit u ON u.id = d.unit_id
        WHERE d.organisation_id = %s AND r.eol IS NOT NULL AND r.eol <= %s
          AND (d.purchased_on IS NULL OR d.purchased_on <= %s)
          AND (d.disposed_on IS NULL OR d.disposed_on > %s)
    """,
    "servers": """
        SELECT s.id, s.name, u.name, u.path, y.code, y.name, p.name, r.label, r.eol
        FROM infra_server s
        JOIN lifecycle_productrelease r ON r.id = s.release_id
        JOIN lifecycle_softwareproduct p ON p.id = r.product_id
        LEFT JOIN registry_informationsystem y ON y.id = s.system_id
        LEFT JOIN core_orgunit u ON u.id = y.owner_unit_id
        WHERE s.organisation_id = %s AND r.eol IS NOT NULL AND r.eol <= %s
          AND (s.retired_on IS NULL OR s.retired_on > %s)
    """,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--servers", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", help="scratch folder to keep (default: a temporary one)")
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="daicho-eol-"))
    scratch.mkdir(parents=True, exist_ok=True)
    registry_list.setup_django(scratch)

    from django.db import connection

    from daicho.core.models import Organisation
    from daicho.lifecycle import eol

    registry_list.generate(1_000, 0)
    generate(args.devices, args.servers)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have by now
        cursor.execute("ANALYZE")
    organisation = Organisation.objects.get(code="399999")
    as_of = datetime.date(2026, 11, 27)
    horizon = eol.horizon_end(as_of, 12)

    def ours():
        return eol.eol_items(organisation=organisation, as_of=as_of, within_months=12)

    def floor():
        rows = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the driver's own cursor, below Django's wrapper
            for name, sql in FLOOR_SQL.items():
                params = (
                    [organisation.pk, horizon, as_of, as_of]
                    if name == "devices"
                    else [organisation.pk, horizon, as_of]
                )
                if connection.vendor == "sqlite":
                    sql, params = (
                        sql.replace("%s", "?"),
                        [str(p) if isinstance(p, datetime.date) else p for p in params],
                    )
                raw.execute(sql, params)
                rows += len(raw.fetchall())
        return rows

    def timed(fn):
        samples, result = [], None
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = fn()
            samples.append(time.perf_counter() - start)
        return samples, result

    ours_s, items = timed(ours)
    floor_s, rows = timed(floor)
    print(
        f"data: {args.devices} devices, {args.servers} servers on {connection.vendor}; "
        f"{len(items)} at risk on {as_of} (floor rows: {rows})"
    )
    print(f"{'':26} {'median s':>9} {'max s':>9} {'goal s':>7}")
    print(f"{'eol listing (Daicho)':26} {statistics.median(ours_s):9.3f} {max(ours_s):9.3f} {1:7}")
    print(f"{'raw SQL floor':26} {statistics.median(floor_s):9.3f} {max(floor_s):9.3f}")
    print(f"ratio (Daicho / floor): {statistics.median(ours_s) / statistics.median(floor_s):.1f}")


if __name__ == "__main__":
    main()
