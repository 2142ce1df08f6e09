"""The demo organisation's infrastructure, following the seed's story (idempotent):

* FY2008: 115 physical servers serve the 74 systems that later move to the platform;
* the virtualization platform (仮想化基盤, S0008) grows to 14 hosts by FY2013 and takes those
  systems in FY2010–FY2013 (74 run there in March 2014, as the seed says), then 4 more each year
  from FY2014 (the plan asks for ≥ 3), systems that had their own servers until then;
  its hosts are renewed in FY2019 and FY2024 and the VMs move with them (placement history);
* cloud: three systems on cloud services since the start, more SaaS from FY2014, and the
  government cloud for standardised business systems from FY2024;
* a VDI pool from FY2014 (a trial in 情報政策課 first); software components with their
  end-of-support dates.

The ledgers are files under data/demo/ loaded through the import engine, as the IT policy
division would load its own: the servers (hosts before their VMs), then the VMs' moves at each
host renewal (one import per renewal, --effective its day, which keeps the placement history),
the systems' moves to the platform (the systems import with --effective the move's day), cloud
services, VDI seats and components. The sites and the cluster have no import kind and are
created by the services; the systems the registry demo already loads as virtualized (the seed's
March 2014) keep their earlier hosting in history rows written directly, since an import records
a change of hosting only. tests/infra/test_demo_source.py checks the files' story.
"""

from __future__ import annotations

import datetime
from itertools import groupby
from pathlib import Path

from django.utils.translation import gettext

from daicho.core.demo import data_rows, import_rows
from daicho.core.models import Organisation
from daicho.infra import services
from daicho.infra.models import CloudService, Server, SiteKind
from daicho.registry.models import Hosting, HostingChange, InformationSystem

DATA = Path(__file__).parent / "data" / "demo"
SITES = [
    ("HQ", "本庁舎 サーバ室", SiteKind.OFFICE, "岡山市北区内山下2-4-6"),
    ("DC1", "県データセンター", SiteKind.DATA_CENTRE, ""),
    ("AWS-TYO", "ガバメントクラウド 東京リージョン", SiteKind.CLOUD, ""),
]
CLUSTER = ("仮想化基盤クラスタ", "DC1")


def _by_day(rows: list[dict], column: str):
    """(day, rows without the day column) per day, in the file's order: one import each."""
    for day, group in groupby(rows, key=lambda row: row[column]):
        yield (
            datetime.date.fromisoformat(day),
            [{k: v for k, v in row.items() if k != column} for row in group],
        )


def _platform_moves(organisation) -> None:
    """Each system's move to the platform on its day: the systems import records the change of
    hosting from --effective; a system the registry already holds as virtualized gets its
    history (on premises, then virtualized from the day) directly."""
    systems = {s.code: s for s in InformationSystem.objects.filter(organisation=organisation)}
    rows = data_rows(DATA / "platform_moves.csv")
    already = [row for row in rows if systems[row["システムID"]].hosting == Hosting.VIRTUALIZED]
    HostingChange.objects.bulk_create(
        [
            HostingChange(
                system=systems[row["システムID"]], effective_on=None, hosting=Hosting.ON_PREMISES
            )
            for row in already
        ]
        + [
            HostingChange(
                system=systems[row["システムID"]],
                effective_on=datetime.date.fromisoformat(row["移行日"]),
                hosting=Hosting.VIRTUALIZED,
            )
            for row in already
        ]
    )
    moving = [row for row in rows if row not in already]
    for day, group in _by_day(moving, "移行日"):
        import_rows(
            "systems",
            group,
            organisation=organisation,
            name=f"demo-platform-moves-{day}.csv",
            effective=day,
        )


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None or Server.objects.filter(organisation=organisation).exists():
        return
    sites = {
        code: services.site_create(
            organisation=organisation, code=code, name=name, kind=kind, address=address
        )
        for code, name, kind, address in SITES
    }
    services.cluster_create(organisation=organisation, name=CLUSTER[0], site=sites[CLUSTER[1]])
    import_rows(
        "servers",
        data_rows(DATA / "servers.csv"),
        organisation=organisation,
        name="demo-servers.csv",
    )
    for day, group in _by_day(data_rows(DATA / "server_moves.csv"), "移設日"):
        import_rows(
            "servers",
            group,
            organisation=organisation,
            name=f"demo-host-renewal-{day}.csv",
            effective=day,
        )
    _platform_moves(organisation)
    for kind, file in (
        ("cloud-services", "cloud_services.csv"),
        ("vdi", "vdi.csv"),
        ("components", "components.csv"),
    ):
        import_rows(kind, data_rows(DATA / file), organisation=organisation, name=f"demo-{file}")
    if stdout is not None:
        stdout.write(
            gettext("Infrastructure: %(servers)d servers, %(clouds)d cloud services.")
            % {
                "servers": Server.objects.filter(organisation=organisation).count(),
                "clouds": CloudService.objects.filter(organisation=organisation).count(),
            }
        )
