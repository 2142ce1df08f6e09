"""Writes to the SAM ledger: devices, titles, rules, licences, inventory campaigns, audits."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from daicho.core.models import Organisation, OrgUnit
from daicho.core.permissions import scope_of
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require,
    require_policy,
)
from daicho.lifecycle.matching import Resolver
from daicho.sam.models import Device, Installation, Licence, NormalisationRule, SoftwareTitle
from daicho.sam.normalisation import Normaliser


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


# ---------------------------------------------------------------------------------------------
# Titles and normalisation rules (organisation-wide: IT policy)


@transaction.atomic
def title_create(*, organisation: Organisation, name: str, **fields: Any) -> SoftwareTitle:
    """Add a software title (IT policy, or an import that names one)."""
    require_policy_or_sam(organisation)
    return object_create(obj=SoftwareTitle(organisation=organisation, name=name, **fields))


@transaction.atomic
def title_update(*, title: SoftwareTitle, data: dict[str, Any]) -> SoftwareTitle:
    require_policy(title.organisation)
    return object_update(obj=title, data=data)


def require_policy_or_sam(organisation: Organisation) -> None:
    """IT policy of the organisation, or one of its SAM officers or owners (who name titles
    when they import their unit's licences)."""
    scope = scope_of(actor())
    require(
        organisation.pk in scope.policy_org_ids
        or (organisation.pk in scope.read_org_ids and bool(scope.sam_paths or scope.owner_paths))
    )


@transaction.atomic
def rule_create(*, organisation: Organisation, pattern: str, title: str, **fields: Any):
    """Add a normalisation rule of the organisation (IT policy)."""
    require_policy(organisation)
    return object_create(
        obj=NormalisationRule(organisation=organisation, pattern=pattern, title=title, **fields)
    )


@transaction.atomic
def rule_update(*, rule: NormalisationRule, data: dict[str, Any]) -> NormalisationRule:
    require_policy(rule.organisation)
    return object_update(obj=rule, data=data)


@transaction.atomic
def rule_delete(*, rule: NormalisationRule) -> None:
    require_policy(rule.organisation)
    object_delete(obj=rule)


@transaction.atomic
def installations_renormalise(*, organisation: Organisation) -> int:
    """Apply the rules again to every distinct raw name of the organisation's installations;
    returns how many distinct names changed title or version."""
    normaliser = Normaliser(organisation)
    titles = {
        (t.publisher, t.name, t.edition): t
        for t in SoftwareTitle.objects.filter(organisation=organisation)
    }
    installs = Installation.objects.filter(device__organisation=organisation)
    changed = 0
    distinct = installs.values_list("raw_name", "publisher", "title_id", "version").distinct()
    for raw_name, publisher, title_id, version in distinct.iterator():
        found = normaliser(raw_name, publisher)
        new_title = None
        if found.matched:
            new_title = titles.get(found.key)
            if new_title is None:
                new_title = object_create(
                    obj=SoftwareTitle(
                        organisation=organisation,
                        publisher=found.publisher,
                        name=found.title,
                        edition=found.edition,
                        free=found.free,
                    )
                )
                titles[found.key] = new_title
        new_id = new_title.pk if new_title else None
        if (new_id, found.version) != (title_id, version):
            installs.filter(raw_name=raw_name, publisher=publisher).update(
                title_id=new_id, version=found.version
            )
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------
# Licences


def _may_keep_licence(organisation: Organisation, unit: OrgUnit | None) -> bool:
    """Organisation-wide licences are IT policy's; a unit's may be kept by its owners too."""
    if unit is None:
        return organisation.pk in scope_of(actor()).policy_org_ids
    return _may_keep(unit)


@transaction.atomic
def licence_create(*, organisation: Organisation, title: SoftwareTitle, **fields: Any) -> Licence:
    """Register an entitlement."""
    require(_may_keep_licence(organisation, fields.get("unit")))
    return object_create(obj=Licence(organisation=organisation, title=title, **fields))


@transaction.atomic
def licence_update(*, licence: Licence, data: dict[str, Any]) -> Licence:
    """Change an entitlement; moving it to another unit needs rights over both."""
    require(Licence.objects.editable_by(actor()).filter(pk=licence.pk).exists())
    if "unit" in data and data["unit"] != licence.unit:
        require(_may_keep_licence(licence.organisation, data["unit"]))
    return object_update(obj=licence, data=data)


@transaction.atomic
def licence_delete(*, licence: Licence) -> None:
    require(Licence.objects.editable_by(actor()).filter(pk=licence.pk).exists())
    object_delete(obj=licence)
