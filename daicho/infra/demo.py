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
"""

from __future__ import annotations

import datetime
import random

from django.utils.translation import gettext

from daicho.core.models import Organisation
from daicho.infra.models import (
    CloudService,
    Cluster,
    Server,
    ServerKind,
    ServerPlacement,
    ServiceModel,
    Site,
    SiteKind,
    SoftwareComponent,
    VdiPool,
    VdiUsage,
)
from daicho.lifecycle.matching import Resolver
from daicho.registry import services as registry_services
from daicho.registry.models import Hosting, HostingChange, InformationSystem, Status

D = datetime.date

# (moved on, how many systems): all 70 of the registry's virtualized systems that ran before the
# platform, so that with the 4 built on it 74 run there at the end of FY2013 (the seed's 3.3.2).
MOVES = [(D(2010, 10, 1), 12), (D(2011, 10, 1), 16), (D(2012, 10, 1), 16), (D(2013, 10, 1), 26)]
# Then 4 systems a year that had stayed on their own servers (the plan asks ≥ 3 a year).
LATER_MOVES = [(D(2014, 10, 1), 4), (D(2015, 10, 1), 4), (D(2016, 10, 1), 4)]
# SaaS taken up from FY2014: (started, name, provider, the system whose work it does).
SAAS = [
    (D(2014, 10, 1), "グループウェア（SaaS）", "サイボウズ（株）", "S0051"),
    (D(2015, 4, 1), "オンライン研修サービス", "（株）ラーニングクラウド", "S0189"),
    (D(2015, 10, 1), "アンケート集計サービス", "（株）フォームズ", "S0197"),
    (D(2016, 4, 1), "会議録検索サービス", "（株）会議録研究所", "S0172"),
    (D(2016, 10, 1), "庁内問合せチャットボット", "（株）AIサポート", "S0110"),
    (D(2016, 12, 1), "公開型施設予約サービス", "（株）よやくネット", "S0041"),
    (D(2017, 1, 10), "ウェブ会議サービス", "（株）つながるミーティング", "S0002"),
]
# Host generations: (in service, retired, count, OS, cores, memory GB, storage GB)
HOSTS = [
    (D(2010, 4, 1), D(2019, 4, 1), 6, "VMware ESXi 5.0", 12, 96, 4000),
    (D(2012, 4, 1), D(2019, 4, 1), 4, "VMware ESXi 5.1", 16, 128, 6000),
    (D(2013, 4, 1), D(2019, 4, 1), 4, "VMware ESXi 5.5", 16, 192, 8000),
    (D(2019, 4, 1), D(2024, 4, 1), 10, "VMware ESXi 6.7", 32, 512, 20000),
    (D(2024, 4, 1), None, 8, "VMware ESXi 8.0 Update 2", 48, 1024, 40000),
]
PHYSICAL_OS = [
    "Microsoft Windows Server 2003 R2 Standard Edition",
    "Windows Server 2003 Standard",
    "Microsoft Windows Server 2008 Standard",
    "Red Hat Enterprise Linux Server release 5.4 (Tikanga)",
    "Solaris 10",
    "HP-UX 11i v3",
]
VM_OS = [
    "Microsoft Windows Server 2016 Standard",
    "Microsoft Windows Server 2019 Standard",
    "Microsoft Windows Server 2019 Standard",
    "Microsoft Windows Server 2022 Standard",
    "Microsoft Windows Server 2012 R2 Standard",
    "Red Hat Enterprise Linux release 8.8 (Ootpa)",
    "Red Hat Enterprise Linux Server release 7.9 (Maipo)",
    "CentOS Linux 7.9.2009",
]
ONPREM_OS = [
    "Microsoft Windows Server 2016 Standard",
    "Microsoft Windows Server 2019 Standard",
    "Microsoft Windows Server 2022 Datacenter",
    "Microsoft Windows Server 2012 R2 Standard",
    "Red Hat Enterprise Linux release 9.2 (Plow)",
]
# The servers those systems ran on before their renewal (supported until 2020).
FIRST_ONPREM_OS = [
    "Microsoft Windows Server 2008 R2 Standard",
    "Microsoft Windows Server 2012 Standard",
    "Red Hat Enterprise Linux Server release 6.5 (Santiago)",
]
COMPONENTS = [
    ("Oracle Database 11g Release 2 (11.2.0.4)", "DB"),
    ("Oracle Database 19c Standard Edition 2", "DB"),
    ("Microsoft SQL Server 2014 Standard", "DB"),
    ("Microsoft SQL Server 2016 Standard", "DB"),
    ("Microsoft SQL Server 2019 Standard", "DB"),
    ("PostgreSQL 12.17", "DB"),
    ("PostgreSQL 15.5", "DB"),
    ("Java SE 8 Update 401", "AP"),
    ("Apache Tomcat 9.0.85", "AP"),
    ("PHP 7.4.33", "AP"),
    ("Apache HTTP Server 2.4.58", "Web"),
    ("IIS 10.0", "Web"),
]


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None or Server.objects.filter(organisation=organisation).exists():
        return
    rng = random.Random(2014)
    resolver = Resolver(organisation)
    systems = list(InformationSystem.objects.filter(organisation=organisation).order_by("code"))
    by_code = {s.code: s for s in systems}
    platform = by_code.get("S0008")
    sites = {
        "office": Site.objects.create(
            organisation=organisation,
            code="HQ",
            name="本庁舎 サーバ室",
            kind=SiteKind.OFFICE,
            address="岡山市北区内山下2-4-6",
        ),
        "dc": Site.objects.create(
            organisation=organisation,
            code="DC1",
            name="県データセンター",
            kind=SiteKind.DATA_CENTRE,
        ),
        "cloud": Site.objects.create(
            organisation=organisation,
            code="AWS-TYO",
            name="ガバメントクラウド 東京リージョン",
            kind=SiteKind.CLOUD,
        ),
    }
    cluster = Cluster.objects.create(
        organisation=organisation, name="仮想化基盤クラスタ", site=sites["dc"]
    )

    def server(**fields) -> Server:
        s = Server(organisation=organisation, **fields)
        s.release_id = resolver.release_id(s.os)
        return s

    # --- the systems that move to the platform and their physical servers ---------------------
    movers = [
        s
        for s in systems
        if s.hosting == Hosting.VIRTUALIZED and s.in_service_on and s.in_service_on < D(2010, 4, 1)
    ]
    schedule = [day for day, n in MOVES for _ in range(n)]
    moved_on = dict(zip([s.pk for s in movers], schedule, strict=False))
    # FY2008: 115 physical servers of 74 systems — those that move, and some retired instead.
    retiring = [
        s
        for s in systems
        if s.status == Status.RETIRED and s.retired_on and s.retired_on > D(2009, 3, 31)
    ]
    fleet = (movers + retiring)[:74]
    physical: list[Server] = []
    counts = [2] * 41 + [1] * 33
    for system, n in zip(fleet, counts, strict=False):
        for i in range(n):
            bought = min(max(system.in_service_on, D(2004, 4, 1)), D(2009, 3, 1))
            physical.append(
                server(
                    name=f"{system.code}-SV{i + 1:02d}",
                    kind=ServerKind.PHYSICAL,
                    system=system,
                    site=sites["office"],
                    os=rng.choice(PHYSICAL_OS),
                    cores=rng.choice([2, 4, 8]),
                    memory_gb=rng.choice([4, 8, 16]),
                    storage_gb=rng.choice([146, 300, 600]),
                    purchased_on=bought,
                    lease_end=D(bought.year + 5, 3, 31),
                    in_service_on=bought,
                    retired_on=(
                        moved_on[system.pk] - datetime.timedelta(days=1)
                        if system.pk in moved_on
                        else system.retired_on
                    ),
                )
            )
    # Systems that stay on premises keep their own servers (some past end of support now). Each
    # replaces the server the system ran on before, on the same day: a renewal leaves the count
    # of physical servers as it was, so the plan's consolidation shows as a steady decline.
    stay = [s for s in systems if s.hosting == Hosting.ON_PREMISES and s.status == Status.OPERATING]
    for system in stay[:40]:
        bought = D(rng.choice([2016, 2018, 2020, 2022]), 4, 1)
        if system.in_service_on and system.in_service_on < bought:
            first = max(system.in_service_on, D(2009, 4, 1))
            earlier = random.Random(f"renewal-{system.code}")  # leaves `rng`'s draws as they were
            physical.append(
                server(
                    name=f"{system.code}-SV00",
                    kind=ServerKind.PHYSICAL,
                    system=system,
                    site=sites["office"],
                    os=earlier.choice(FIRST_ONPREM_OS),
                    cores=earlier.choice([4, 8]),
                    memory_gb=earlier.choice([16, 32]),
                    storage_gb=earlier.choice([600, 1200]),
                    purchased_on=first,
                    lease_end=D(first.year + 5, 3, 31),
                    in_service_on=first,
                    retired_on=bought,  # the day its successor takes over
                )
            )
        physical.append(
            server(
                name=f"{system.code}-SV01",
                kind=ServerKind.PHYSICAL,
                system=system,
                site=sites["office"],
                os=rng.choice(ONPREM_OS),
                cores=rng.choice([8, 16]),
                memory_gb=rng.choice([32, 64]),
                storage_gb=rng.choice([1200, 2400]),
                purchased_on=bought,
                lease_end=D(bought.year + 5, 3, 31),
                in_service_on=bought,
            )
        )
    # The systems that move in FY2014–FY2016: on their own server until the move.
    saas = {code for *_, code in SAAS}
    later = [
        s
        for s in stay[40:]
        if s.in_service_on and s.in_service_on < D(2010, 4, 1) and s.code not in saas
    ]
    later_schedule = [day for day, n in LATER_MOVES for _ in range(n)]
    recorded: set[int] = set()  # their hosting history is the service's
    for system, day in zip(later, later_schedule, strict=False):
        first = max(system.in_service_on, D(2009, 4, 1))
        earlier = random.Random(f"later-{system.code}")
        physical.append(
            server(
                name=f"{system.code}-SV01",
                kind=ServerKind.PHYSICAL,
                system=system,
                site=sites["office"],
                os=earlier.choice(FIRST_ONPREM_OS),
                cores=earlier.choice([4, 8]),
                memory_gb=earlier.choice([16, 32]),
                storage_gb=earlier.choice([600, 1200]),
                purchased_on=first,
                lease_end=D(first.year + 5, 3, 31),
                in_service_on=first,
                retired_on=day,
            )
        )
        # The move as an owner records it: the hosting history keeps the years before.
        registry_services.system_update(
            system=system, data={"hosting": Hosting.VIRTUALIZED}, effective_on=day
        )
        moved_on[system.pk] = day
        recorded.add(system.pk)
    Server.objects.bulk_create(physical)

    # --- hosts, generation by generation ------------------------------------------------------
    generations: list[list[Server]] = []
    number = 0
    for start, end, n, os_name, cores, memory, storage in HOSTS:
        hosts = []
        for _ in range(n):
            number += 1
            hosts.append(
                server(
                    name=f"VH{number:02d}",
                    kind=ServerKind.HOST,
                    system=platform,
                    cluster=cluster,
                    site=sites["dc"],
                    os=os_name,
                    cores=cores,
                    memory_gb=memory,
                    storage_gb=storage,
                    purchased_on=start,
                    lease_end=D(start.year + 5, 3, 31),
                    in_service_on=start,
                    retired_on=end,
                )
            )
        generations.append(Server.objects.bulk_create(hosts))
    first_era = [h for g in generations[:3] for h in g]
    eras = [(D(2019, 4, 1), generations[3]), (D(2024, 4, 1), generations[4])]

    # --- VMs: one per system on the platform (two for some), moved with each host renewal ------
    on_platform = [s for s in systems if s.hosting == Hosting.VIRTUALIZED]
    placements: list[tuple[Server, list[tuple[datetime.date | None, Server]]]] = []
    vms: list[Server] = []
    load: dict[int, int] = {}  # memory given out per host: each VM goes to the least loaded

    def least_loaded(hosts: list[Server], memory: int) -> Server:
        host = min(hosts, key=lambda h: (load.get(h.pk, 0) / h.memory_gb, h.pk))
        load[host.pk] = load.get(host.pk, 0) + memory
        return host

    for index, system in enumerate(on_platform):
        created = moved_on.get(system.pk) or max(
            system.in_service_on or D(2010, 4, 1), D(2010, 10, 1)
        )
        available = [h for h in first_era if h.in_service_on <= created] or first_era
        for role in ("AP", "DB")[: 2 if index % 3 == 0 else 1]:
            memory = rng.choice([4, 8, 8, 16])
            history = []
            host = least_loaded(available, memory)
            if created < eras[0][0]:
                history.append((None, host))
            for day, hosts in eras:
                if created < day:
                    host = least_loaded(hosts, memory)
                    history.append((day, host))
                elif not history:
                    host = least_loaded(hosts, memory)
                    history.append((None, host))
            vm = server(
                name=f"{system.code}-{role}",
                kind=ServerKind.VM,
                system=system,
                host=host,
                site=sites["dc"],
                os=rng.choice(VM_OS),
                cores=rng.choice([2, 4, 8]),
                memory_gb=memory,
                storage_gb=rng.choice([100, 200, 500]),
                in_service_on=created,
            )
            vms.append(vm)
            placements.append((vm, history))
    Server.objects.bulk_create(vms)
    ServerPlacement.objects.bulk_create(
        ServerPlacement(server=vm, effective_on=day, host=host, site=sites["dc"])
        for vm, history in placements
        if len(history) > 1
        for day, host in history
    )

    # --- hosting history: the move of each system to the platform ------------------------------
    HostingChange.objects.bulk_create(
        [
            HostingChange(system_id=pk, effective_on=None, hosting=Hosting.ON_PREMISES)
            for pk in moved_on
            if pk not in recorded
        ]
        + [
            HostingChange(system_id=pk, effective_on=day, hosting=Hosting.VIRTUALIZED)
            for pk, day in moved_on.items()
            if pk not in recorded
        ]
    )

    # --- cloud services -------------------------------------------------------------------------
    for code, name, provider in (
        ("S0009", "電子申請サービス（共同利用）", "岡山県電子自治体推進協議会"),
        ("S0011", "統合型GISクラウド", "（株）地図情報サービス"),
        ("S0027", "防災メール配信サービス", "（株）アラートネット"),
    ):
        service = CloudService.objects.create(
            organisation=organisation,
            name=name,
            provider=provider,
            service_model=ServiceModel.SAAS,
            started_on=by_code[code].in_service_on if code in by_code else None,
            annual_cost=rng.choice([4_800_000, 7_200_000, 12_000_000]),
        )
        if code in by_code:
            service.systems.set([by_code[code]])
    # Each SaaS serves the system whose work it does (the cloud ratio counts those systems).
    for started, name, provider, code in SAAS:
        service = CloudService.objects.create(
            organisation=organisation,
            name=name,
            provider=provider,
            service_model=ServiceModel.SAAS,
            started_on=started,
            annual_cost=rng.choice([1_200_000, 2_400_000, 3_600_000]),
        )
        if code in by_code:
            service.systems.set([by_code[code]])
    standard = [s for s in systems if s.standard_business and s.status == Status.OPERATING]
    gov = CloudService.objects.create(
        organisation=organisation,
        name="ガバメントクラウド（標準準拠システム）",
        provider="デジタル庁（AWS）",
        service_model=ServiceModel.IAAS,
        government_cloud=True,
        started_on=D(2025, 1, 1),
        annual_cost=96_000_000,
        note="標準化対象業務のシステムを標準準拠システムとして移行",
    )
    gov.systems.set(standard)

    # --- VDI: a trial in 情報政策課 in FY2014 (3.2.1: 当面、試験導入), then every year more -----
    pool = VdiPool.objects.create(
        organisation=organisation, name="庁内VDI（本庁・出先）", capacity=1200
    )
    seats = [40, 120, 260, 340, 420, 520, 640, 760, 880, 950, 1000, 1040]
    VdiUsage.objects.bulk_create(
        VdiUsage(pool=pool, measured_on=D(2015 + i, 3, 31), seats_in_use=n)
        for i, n in enumerate(seats)
    )

    # --- software components ---------------------------------------------------------------------
    components = []
    for i, system in enumerate(on_platform[:30] + stay[:10]):
        name, role = COMPONENTS[i % len(COMPONENTS)]
        components.append(
            SoftwareComponent(
                organisation=organisation,
                system=system,
                name=name,
                role=role,
                release_id=resolver.release_id(name),
            )
        )
    SoftwareComponent.objects.bulk_create(components)
    if stdout is not None:
        stdout.write(
            gettext("Infrastructure: %(servers)d servers, %(clouds)d cloud services.")
            % {
                "servers": Server.objects.filter(organisation=organisation).count(),
                "clouds": CloudService.objects.filter(organisation=organisation).count(),
            }
        )
