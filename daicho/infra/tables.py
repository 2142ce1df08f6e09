"""Columns of the infrastructure lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column, label
from daicho.core.templatetags.daicho import jdate, yen
from daicho.infra.models import ServerKind, ServiceModel


def _release(s) -> str:
    return str(s.release.label) if s.release else ""


SERVER_COLUMNS = [
    Column(
        "name",
        _("Name"),
        lambda s: s.name,
        sort=("name",),
        link="infra:server_detail",
        optional=False,
    ),
    Column("kind", _("Kind"), lambda s: label(ServerKind, s.kind), sort=("kind",)),
    Column(
        "system",
        _("System"),
        lambda s: f"{s.system.code} {s.system.name}" if s.system else "",
        sort=("system__code",),
    ),
    Column("host", _("Host"), lambda s: s.host.name if s.host else "", sort=("host__name",)),
    Column("site", _("Site"), lambda s: s.site.name if s.site else "", sort=("site__code",)),
    Column("os", _("OS"), lambda s: s.os, sort=("os",)),
    Column(
        "release",
        _("OS release"),
        lambda s: f"{s.release.product.name} {s.release.label}" if s.release else "",
        default=False,
    ),
    Column(
        "eol",
        _("End of support"),
        lambda s: jdate(s.end_of_support) if s.release else "",  # the organisation's date
        sort=("end_of_support",),
    ),
    Column("cores", _("CPU cores"), lambda s: s.cores, sort=("cores",), numeric=True),
    Column("memory_gb", _("Memory (GB)"), lambda s: s.memory_gb, sort=("memory_gb",), numeric=True),
    Column(
        "storage_gb",
        _("Storage (GB)"),
        lambda s: s.storage_gb,
        sort=("storage_gb",),
        numeric=True,
        default=False,
    ),
    Column(
        "purchased_on",
        _("Purchased on"),
        lambda s: jdate(s.purchased_on),
        sort=("purchased_on",),
        default=False,
    ),
    Column("lease_end", _("Lease ends"), lambda s: jdate(s.lease_end), sort=("lease_end",)),
    Column("retired_on", _("Retired on"), lambda s: jdate(s.retired_on), sort=("retired_on",)),
]

CLOUD_COLUMNS = [
    Column(
        "name", _("Name"), lambda c: c.name, sort=("name",), link="infra:cloud_edit", optional=False
    ),
    Column("provider", _("Provider"), lambda c: c.provider, sort=("provider",)),
    Column(
        "service_model",
        _("Service model"),
        lambda c: label(ServiceModel, c.service_model),
        sort=("service_model",),
    ),
    Column("government_cloud", _("Government cloud"), lambda c: "✓" if c.government_cloud else ""),
    Column(
        "systems", _("Systems"), lambda c: "、".join(f"{s.code} {s.name}" for s in c.systems.all())
    ),
    Column("started_on", _("In use since"), lambda c: jdate(c.started_on), sort=("started_on",)),
    Column("ended_on", _("Ended on"), lambda c: jdate(c.ended_on), sort=("ended_on",)),
    Column(
        "annual_cost",
        _("Annual cost (yen)"),
        lambda c: yen(c.annual_cost) if c.annual_cost is not None else "",
        sort=("annual_cost",),
        numeric=True,
    ),
]
