"""Columns of the infrastructure lists."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column
from daicho.core.templatetags.daicho import jdate, yen
from daicho.infra.models import ServerKind, ServiceModel, SiteKind


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

VDI_POOL_COLUMNS = [
    Column("name", _("Pool"), optional=False),
    Column("unit", _("Unit using it"), field="unit__name", sort=("unit__tree_key",)),
    Column("capacity", _("Seats available"), numeric=True),
    Column("latest_seats", _("Seats in use"), numeric=True),
    Column("latest_on", _("Counted on"), format=jdate),
]


def _site_servers_link(site) -> str:
    url = reverse("infra:server_list")
    return format_html('<a href="{}?site={}">{}</a>', url, site.pk, site.name)


SITE_COLUMNS = [
    Column("code", _("Code"), optional=False),
    Column("name", _("Name"), _site_servers_link, sort=("name",), optional=False),
    Column("kind", _("Kind"), choices=SiteKind),
    Column("address", _("Address")),
    Column("servers_count", _("Servers in service"), numeric=True),
]

CLUSTER_COLUMNS = [
    Column("name", _("Name"), optional=False),
    Column("site", _("Site"), field="site__name"),
    Column("hosts_count", _("Hosts in service"), numeric=True),
]


def edit_column(url_name: str) -> Column:
    """A column of "Edit" links to each record's edit page (for those who may edit)."""
    return Column("edit", "", lambda r: _("Edit"), sort=(), link=url_name, optional=False)
