"""Servers, VMs and system components as sources of the end-of-support listing."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from daicho.infra.models import Server, ServerKind, SoftwareComponent
from daicho.infra.selectors import in_service_on
from daicho.lifecycle.eol import EolSource


def _servers(kind: str):
    def rows(organisation, as_of):
        return in_service_on(
            Server.objects.filter(organisation=organisation, kind=kind), as_of
        ).annotate(
            item_name=F("name"),
            unit_name=F("system__owner_unit__name"),
            unit_path=F("system__owner_unit__path"),
            system_code=F("system__code"),
            system_name=F("system__name"),
        )

    return rows


def _components(organisation, as_of):
    return (
        SoftwareComponent.objects.filter(organisation=organisation)
        .filter(
            (Q(system__in_service_on__isnull=True) | Q(system__in_service_on__lte=as_of))
            & (Q(system__retired_on__isnull=True) | Q(system__retired_on__gt=as_of))
        )
        .annotate(
            item_name=F("name"),
            unit_name=F("system__owner_unit__name"),
            unit_path=F("system__owner_unit__path"),
            system_code=F("system__code"),
            system_name=F("system__name"),
        )
    )


SOURCES = [
    EolSource("server", _("Physical server"), _servers(ServerKind.PHYSICAL), "infra:server_detail"),
    EolSource("host", _("Virtualization host"), _servers(ServerKind.HOST), "infra:server_detail"),
    EolSource("vm", _("Virtual machine"), _servers(ServerKind.VM), "infra:server_detail"),
    EolSource(
        "component",
        _("System component"),
        _components,
        "infra:component_redirect",
    ),
]
