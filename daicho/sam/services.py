"""Writes to the SAM ledger (devices, in this part)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from daicho.core.models import Organisation, OrgUnit
from daicho.core.permissions import scope_of
from daicho.core.services import actor, object_create, object_delete, object_update, require
from daicho.lifecycle.matching import Resolver
from daicho.sam.models import Device


def _may_keep(unit: OrgUnit | None) -> bool:
    """Policy, or an owner or SAM officer at or above ``unit``."""
    if unit is None:
        return False
    scope = scope_of(actor())
    return unit.organisation_id in scope.policy_org_ids or (
        unit.organisation_id in scope.read_org_ids
        and any(unit.path.startswith(p) for p in scope.owner_paths + scope.sam_paths)
    )


@transaction.atomic
def device_create(
    *,
    organisation: Organisation,
    name: str,
    unit: OrgUnit,
    resolver: Resolver | None = None,
    **fields: Any,
) -> Device:
    """Register a device in a unit; its OS is matched to a release."""
    require(_may_keep(unit))
    device = Device(organisation=organisation, name=name, unit=unit, **fields)
    if device.os:
        device.release_id = (resolver or Resolver(organisation)).release_id(device.os)
    return object_create(obj=device)


@transaction.atomic
def device_update(
    *, device: Device, data: dict[str, Any], resolver: Resolver | None = None
) -> Device:
    """Change a device; moving it to another unit needs rights over both."""
    require(Device.objects.editable_by(actor()).filter(pk=device.pk).exists())
    if "unit" in data and data["unit"] != device.unit:
        require(_may_keep(data["unit"]))
    if "os" in data and data["os"] != device.os:
        release_id = (resolver or Resolver(device.organisation)).release_id(data["os"])
        data = {**data, "release_id": release_id}
    return object_update(obj=device, data=data)


@transaction.atomic
def device_delete(*, device: Device) -> None:
    require(Device.objects.editable_by(actor()).filter(pk=device.pk).exists())
    object_delete(obj=device)
