"""Writes to the infrastructure ledger. Views, the API, importers and the CLI call these."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from daicho.core.models import Organisation
from daicho.core.permissions import may_edit, scope_of
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require,
    require_policy,
)
from daicho.infra.models import (
    CloudService,
    Cluster,
    Server,
    ServerPlacement,
    Site,
    SoftwareComponent,
    VdiPool,
    VdiUsage,
)
from daicho.lifecycle.matching import Resolver
from daicho.registry.models import InformationSystem


def _may_edit_for(organisation: Organisation, system: InformationSystem | None) -> bool:
    """Policy edits everything; an owner section edits what serves its own systems."""
    if organisation.pk in scope_of(actor()).policy_org_ids:
        return True
    if system is None:
        return False
    return may_edit(system, actor())


def _release_for(organisation: Organisation, raw: str, resolver: Resolver | None = None):
    if not raw:
        return None
    return (resolver or Resolver(organisation)).release_id(raw)


# --- sites, clusters ----------------------------------------------------------------------------


@transaction.atomic
def site_create(*, organisation: Organisation, code: str, name: str, **fields: Any) -> Site:
    """Register a site (machine room, data centre)."""
    require_policy(organisation)
    return object_create(obj=Site(organisation=organisation, code=code, name=name, **fields))


@transaction.atomic
def site_update(*, site: Site, data: dict[str, Any]) -> Site:
    require_policy(site.organisation)
    return object_update(obj=site, data=data)


@transaction.atomic
def site_delete(*, site: Site) -> None:
    require_policy(site.organisation)
    object_delete(obj=site)


@transaction.atomic
def cluster_create(*, organisation: Organisation, name: str, **fields: Any) -> Cluster:
    """Register a virtualization cluster."""
    require_policy(organisation)
    return object_create(obj=Cluster(organisation=organisation, name=name, **fields))


@transaction.atomic
def cluster_update(*, cluster: Cluster, data: dict[str, Any]) -> Cluster:
    require_policy(cluster.organisation)
    return object_update(obj=cluster, data=data)


@transaction.atomic
def cluster_delete(*, cluster: Cluster) -> None:
    """Remove a cluster; its hosts stay, without a cluster."""
    require_policy(cluster.organisation)
    object_delete(obj=cluster)


# --- servers ------------------------------------------------------------------------------------


@transaction.atomic
def server_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    resolver: Resolver | None = None,
    **fields: Any,
) -> Server:
    """Register a physical server, a virtualization host or a virtual machine."""
    require(_may_edit_for(organisation, fields.get("system")))
    server = Server(organisation=organisation, name=name, kind=kind, **fields)
    server.release_id = _release_for(organisation, server.os, resolver)
    return object_create(obj=server)


@transaction.atomic
def server_update(
    *,
    server: Server,
    data: dict[str, Any],
    effective_on: datetime.date | None = None,
    resolver: Resolver | None = None,
) -> Server:
    """Change a server; a move to another host or site is kept in its placement history from
    ``effective_on`` (default today)."""
    require(_may_edit_for(server.organisation, server.system))
    if "system" in data and data["system"] != server.system:
        require(_may_edit_for(server.organisation, data["system"]))
    before = (server.host_id, server.site_id)
    if "os" in data and data["os"] != server.os:
        data = {**data, "release_id": _release_for(server.organisation, data["os"], resolver)}
    object_update(obj=server, data=data)
    if (server.host_id, server.site_id) != before:
        placement_record(
            server=server,
            previous=before,
            effective_on=effective_on or timezone.localdate(),
        )
    return server


def placement_record(
    *, server: Server, previous: tuple[int | None, int | None], effective_on: datetime.date
) -> ServerPlacement:
    """Record where ``server`` runs from ``effective_on`` on (after ``previous``)."""
    placements = ServerPlacement.objects.filter(server=server)
    if not placements.exists():
        object_create(
            obj=ServerPlacement(
                server=server, effective_on=None, host_id=previous[0], site_id=previous[1]
            )
        )
    same_day = placements.filter(effective_on=effective_on).first()
    if same_day is not None:
        return object_update(
            obj=same_day, data={"host_id": server.host_id, "site_id": server.site_id}
        )
    return object_create(
        obj=ServerPlacement(
            server=server, effective_on=effective_on, host=server.host, site=server.site
        )
    )


@transaction.atomic
def server_delete(*, server: Server) -> None:
    """Remove a server record (a retired server is better kept with its retirement date)."""
    require(_may_edit_for(server.organisation, server.system))
    object_delete(obj=server)


# --- cloud services, VDI ------------------------------------------------------------------------


@transaction.atomic
def cloud_service_create(
    *, organisation: Organisation, name: str, systems=(), **fields: Any
) -> CloudService:
    """Register a cloud service and the systems that run on it."""
    require_policy(organisation)
    return object_create(
        obj=CloudService(organisation=organisation, name=name, **fields),
        m2m={"systems": list(systems)},
    )


@transaction.atomic
def cloud_service_update(
    *, service: CloudService, data: dict[str, Any], systems=None
) -> CloudService:
    require_policy(service.organisation)
    return object_update(
        obj=service, data=data, m2m=None if systems is None else {"systems": list(systems)}
    )


@transaction.atomic
def cloud_service_delete(*, service: CloudService) -> None:
    require_policy(service.organisation)
    object_delete(obj=service)


@transaction.atomic
def vdi_pool_create(*, organisation: Organisation, name: str, **fields: Any) -> VdiPool:
    """Register a pool of virtual desktops."""
    require_policy(organisation)
    return object_create(obj=VdiPool(organisation=organisation, name=name, **fields))


@transaction.atomic
def vdi_pool_update(*, pool: VdiPool, data: dict[str, Any]) -> VdiPool:
    require_policy(pool.organisation)
    return object_update(obj=pool, data=data)


@transaction.atomic
def vdi_usage_record(*, pool: VdiPool, measured_on: datetime.date, seats_in_use: int) -> VdiUsage:
    """Record the seats in use in a pool on a date (replaces that date's count)."""
    require_policy(pool.organisation)
    existing = VdiUsage.objects.filter(pool=pool, measured_on=measured_on).first()
    if existing is not None:
        return object_update(obj=existing, data={"seats_in_use": seats_in_use})
    return object_create(
        obj=VdiUsage(pool=pool, measured_on=measured_on, seats_in_use=seats_in_use)
    )


# --- system components --------------------------------------------------------------------------


@transaction.atomic
def component_create(
    *, system: InformationSystem, name: str, resolver: Resolver | None = None, **fields: Any
) -> SoftwareComponent:
    """Record software a system is built on (database, middleware, runtime)."""
    require(_may_edit_for(system.organisation, system))
    component = SoftwareComponent(
        organisation=system.organisation, system=system, name=name, **fields
    )
    component.release_id = _release_for(system.organisation, name, resolver)
    return object_create(obj=component)


@transaction.atomic
def component_update(
    *, component: SoftwareComponent, data: dict[str, Any], resolver: Resolver | None = None
) -> SoftwareComponent:
    require(_may_edit_for(component.organisation, component.system))
    if "name" in data and data["name"] != component.name:
        data = {**data, "release_id": _release_for(component.organisation, data["name"], resolver)}
    return object_update(obj=component, data=data)


@transaction.atomic
def component_delete(*, component: SoftwareComponent) -> None:
    require(_may_edit_for(component.organisation, component.system))
    object_delete(obj=component)
