"""Columns of the infrastructure lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column
from daicho.core.templatetags.daicho import jdate, yen
from daicho.infra.models import ServerKind, ServiceModel


def _yes(value: bool) -> str:
    return "✓" if value else ""


SERVER_COLUMNS = [
    Column("name", _("Name"), link="infra:server_detail", optional=False),
    Column("kind", _("Kind"), choices=ServerKind),
    Column(
        "system",
        _("System"),
        lambda s: f"{s.system.code} {s.system.name}" if s.system else "",
        sort=("system__code",),
    ),
    Column("host", _("Host"), field="host__name"),
    Column("site", _("Site"), field="site__name", sort=("site__code",)),
    Column("os", _("OS")),
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
    Column("cores", _("CPU cores"), numeric=True),
    Column("memory_gb", _("Memory (GB)"), numeric=True),
    Column("storage_gb", _("Storage (GB)"), numeric=True, default=False),
    Column("purchased_on", _("Purchased on"), format=jdate, default=False),
    Column("lease_end", _("Lease ends"), format=jdate),
    Column("retired_on", _("Retired on"), format=jdate),
]

CLOUD_COLUMNS = [
    Column("name", _("Name"), link="infra:cloud_edit", optional=False),
    Column("provider", _("Provider")),
    Column("service_model", _("Service model"), choices=ServiceModel),
    Column("government_cloud", _("Government cloud"), format=_yes, sort=()),
    Column(
        "systems", _("Systems"), lambda c: "、".join(f"{s.code} {s.name}" for s in c.systems.all())
    ),
    Column("started_on", _("In use since"), format=jdate),
    Column("ended_on", _("Ended on"), format=jdate),
    Column("annual_cost", _("Annual cost (yen)"), format=yen, numeric=True),
]
