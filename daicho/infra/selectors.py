"""Reads of the infrastructure ledger: lists, the virtualization platform, year-end counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear

from daicho.infra.models import (
    CloudService,
    Server,
    ServerKind,
    ServerPlacement,
    VdiPool,
    VdiUsage,
)
from daicho.registry.models import Hosting, InformationSystem
from daicho.registry.selectors import hosting_on, systems_in_service_on


def server_list(*, user) -> QuerySet[Server]:
    """Servers the user may read, with what a list row shows, in one query."""
    return Server.objects.visible_to(user).select_related(
        "system", "host", "site", "cluster", "release__product"
    )


def in_service_on(qs: QuerySet[Server], day: datetime.date) -> QuerySet[Server]:
    """Servers running on ``day``: in service (or bought) by then and not yet retired."""
    started = Coalesce("in_service_on", "purchased_on")
    return qs.annotate(started_on=started).filter(
        (Q(started_on__isnull=True) | Q(started_on__lte=day))
        & (Q(retired_on__isnull=True) | Q(retired_on__gt=day))
    )


def host_on(day: datetime.date):
    """An expression for a VM's host on ``day`` from its placement history."""
    then = (
        ServerPlacement.objects.filter(server=OuterRef("pk"))
        .filter(Q(effective_on__lte=day) | Q(effective_on__isnull=True))
        .order_by(F("effective_on").desc(nulls_last=True), "-pk")
        .values("host_id")[:1]
    )
    return Coalesce(Subquery(then), F("host_id"), output_field=BigIntegerField())


def physical_servers_on(organisation, day: datetime.date) -> QuerySet[Server]:
    """Physical machines (plain servers and virtualization hosts) running on ``day``."""
    return in_service_on(
        Server.objects.filter(
            organisation=organisation, kind__in=[ServerKind.PHYSICAL, ServerKind.HOST]
        ),
        day,
    )


def platform_systems_on(organisation, day: datetime.date):
    """Systems in operation on ``day`` whose hosting then was the virtualization platform."""
    return systems_in_service_on(organisation, day).filter(hosting_then=Hosting.VIRTUALIZED)


def _cloud_services_on(organisation, day: datetime.date) -> QuerySet[CloudService]:
    """Cloud services in use on ``day``."""
    return CloudService.objects.filter(organisation=organisation).filter(
        (Q(started_on__isnull=True) | Q(started_on__lte=day))
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    )


def cloud_systems_on(organisation, day: datetime.date):
    """Systems in operation on ``day`` on cloud: hosted there, or using a cloud service then."""
    active = _cloud_services_on(organisation, day)
    return systems_in_service_on(organisation, day).filter(
        Q(hosting_then__in=[Hosting.CLOUD, Hosting.GOV_CLOUD]) | Q(pk__in=active.values("systems"))
    )


def vdi_seats_on(organisation, day: datetime.date) -> tuple[int, int]:
    """(seats in use, pools counted): each pool's latest count on or before ``day``."""
    latest = (
        VdiUsage.objects.filter(pool=OuterRef("pk"), measured_on__lte=day)
        .order_by("-measured_on")
        .values("seats_in_use")[:1]
    )
    pools = VdiPool.objects.filter(organisation=organisation).annotate(seats=Subquery(latest))
    result = pools.filter(seats__isnull=False).aggregate(total=Sum("seats"), pools=Count("pk"))
    return result["total"] or 0, result["pools"]


@dataclass
class HostRow:
    """A virtualization host with what its VMs take of it on a date."""

    host: Server
    vms: list[Server] = field(default_factory=list)
    vcpu: int = 0
    memory_gb: int = 0
    storage_gb: int = 0

    def _share(self, used: int, capacity: int | None) -> Decimal | None:
        if not capacity:
            return None
        return (Decimal(used) * 100 / capacity).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def vcpu_ratio(self) -> Decimal | None:
        """vCPU per physical core (overcommit), not a percentage."""
        if not self.host.cores:
            return None
        return (Decimal(self.vcpu) / self.host.cores).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def memory_share(self) -> Decimal | None:
        return self._share(self.memory_gb, self.host.memory_gb)

    @property
    def storage_share(self) -> Decimal | None:
        return self._share(self.storage_gb, self.host.storage_gb)


@dataclass
class Platform:
    """The virtualization platform on a date."""

    day: datetime.date
    hosts: list[HostRow]
    clusters: dict[str, list[HostRow]]
    vm_count: int
    systems_on_platform: int
    replaced_physical: int

    @property
    def consolidation_ratio(self) -> Decimal | None:
        """Physical servers replaced per host (retired servers of systems now on the platform)."""
        if not self.hosts:
            return None
        return (Decimal(self.replaced_physical) / len(self.hosts)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    @property
    def totals(self) -> dict[str, int]:
        return {
            "cores": sum(h.host.cores or 0 for h in self.hosts),
            "memory_gb": sum(h.host.memory_gb or 0 for h in self.hosts),
            "storage_gb": sum(h.host.storage_gb or 0 for h in self.hosts),
            "vcpu": sum(h.vcpu for h in self.hosts),
            "vm_memory_gb": sum(h.memory_gb for h in self.hosts),
            "vm_storage_gb": sum(h.storage_gb for h in self.hosts),
        }


def platform_on(*, user, organisation, day: datetime.date) -> Platform:
    """Hosts running on ``day`` with the VMs placed on them then (three queries)."""
    hosts = list(
        in_service_on(
            Server.objects.visible_to(user).filter(organisation=organisation, kind=ServerKind.HOST),
            day,
        )
        .select_related("cluster", "site", "release__product")
        .order_by("cluster__name", "name")
    )
    rows = {h.pk: HostRow(h) for h in hosts}
    vms = (
        in_service_on(Server.objects.filter(organisation=organisation, kind=ServerKind.VM), day)
        .annotate(host_then=host_on(day))
        .select_related("system", "release__product")
        .order_by("name")
    )
    count = 0
    for vm in vms:
        row = rows.get(vm.host_then)
        if row is None:
            continue
        count += 1
        row.vms.append(vm)
        row.vcpu += vm.cores or 0
        row.memory_gb += vm.memory_gb or 0
        row.storage_gb += vm.storage_gb or 0
    clusters: dict[str, list[HostRow]] = {}
    for row in rows.values():
        clusters.setdefault(row.host.cluster.name if row.host.cluster else "", []).append(row)
    on_platform = platform_systems_on(organisation, day)
    replaced = Server.objects.filter(
        organisation=organisation,
        kind=ServerKind.PHYSICAL,
        retired_on__lte=day,
        system__in=on_platform.values("pk"),
    ).count()
    return Platform(
        day=day,
        hosts=list(rows.values()),
        clusters=clusters,
        vm_count=count,
        systems_on_platform=on_platform.count(),
        replaced_physical=replaced,
    )


def _fiscal_year(field: str):
    """An expression for the fiscal year (April to March) a date field falls in; NULL stays."""
    return Case(
        When(**{f"{field}__month__lt": 4}, then=ExtractYear(field) - 1),
        default=ExtractYear(field),
    )


def year_end_counts(organisation, fiscal_years: list[int]) -> list[dict]:
    """Per fiscal year end: physical servers, hosts, VMs, systems on the platform, on cloud.

    Two GROUP BY queries whatever the number of years, by the same rules as
    ``physical_servers_on``, ``platform_systems_on`` and ``cloud_systems_on``: servers per kind
    and fiscal years in and out of service; systems per fiscal years in and out and their
    hosting (and cloud service use) at each year end, each worked out once per system. A year
    end then adds up the few groups running on that day (started by then, retired after it)."""
    if not fiscal_years:
        return []
    days = {fy: datetime.date(fy + 1, 3, 31) for fy in fiscal_years}
    server_groups = (
        Server.objects.filter(organisation=organisation)
        .alias(started_on=Coalesce("in_service_on", "purchased_on"))
        .values("kind", start=_fiscal_year("started_on"), end=_fiscal_year("retired_on"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    then = {}
    for fy, day in days.items():
        then[f"hosting_{fy}"] = hosting_on(day)
        then[f"service_{fy}"] = Case(  # a set read once per year end, not a look-up per system
            When(pk__in=_cloud_services_on(organisation, day).values("systems"), then=True),
            default=False,
            output_field=BooleanField(),
        )
    system_groups = (
        InformationSystem.objects.filter(organisation=organisation, in_service_on__isnull=False)
        .values(start=_fiscal_year("in_service_on"), end=_fiscal_year("retired_on"), **then)
        .annotate(n=Count("pk"))
        .order_by()
    )
    keys = ("physical", "hosts", "vms", "platform_systems", "cloud_systems", "systems")
    rows = {fy: dict.fromkeys(keys, 0) for fy in fiscal_years}
    kinds = {ServerKind.PHYSICAL: "physical", ServerKind.HOST: "hosts", ServerKind.VM: "vms"}
    for group in server_groups:
        key = kinds.get(group["kind"])
        for fy, row in rows.items():
            if key and _running(group, fy):
                row[key] += group["n"]
    cloud = {Hosting.CLOUD, Hosting.GOV_CLOUD}
    for group in system_groups:
        for fy, row in rows.items():
            if not _running(group, fy):
                continue
            hosting = group[f"hosting_{fy}"]
            row["systems"] += group["n"]
            if hosting == Hosting.VIRTUALIZED:
                row["platform_systems"] += group["n"]
            if hosting in cloud or group[f"service_{fy}"]:
                row["cloud_systems"] += group["n"]
    return [{"fiscal_year": fy, **row} for fy, row in rows.items()]


def _running(group: dict, fiscal_year: int) -> bool:
    """Whether a group started by the end of ``fiscal_year`` (or undated) and retired after."""
    return (group["start"] is None or group["start"] <= fiscal_year) and (
        group["end"] is None or group["end"] > fiscal_year
    )
