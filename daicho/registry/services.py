"""Writes to the registry. Views, the API, importers and the CLI all call these."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core.models import Organisation, OrgUnit
from daicho.core.permissions import may_edit, scope_of
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require,
    require_policy,
)
from daicho.registry.models import (
    Contract,
    CostItem,
    CostLine,
    HostingChange,
    InformationSystem,
    SystemCoUse,
    Vendor,
    cost_item_key,
)

# --- systems ------------------------------------------------------------------------------------


@transaction.atomic
def system_create(
    *, organisation: Organisation, owner_unit: OrgUnit, code: str, name: str, **fields: Any
) -> InformationSystem:
    """Register an information system in the ledger."""
    require(scope_of(actor()).may_own(owner_unit))
    if fields.get("open_data"):
        _require_publisher(organisation)
    system = InformationSystem(
        organisation=organisation, owner_unit=owner_unit, code=code, name=name, **fields
    )
    return object_create(obj=system)


def _require_publisher(organisation: Organisation) -> None:
    """Only the IT policy division decides what is published as open data."""
    require(
        organisation.pk in scope_of(actor()).policy_org_ids,
        _("Only the IT policy division decides what is published as open data."),
    )


@transaction.atomic
def system_update(
    *,
    system: InformationSystem,
    data: dict[str, Any],
    effective_on: datetime.date | None = None,
) -> InformationSystem:
    """Change a system's record; moving it to another section needs rights over both.

    A change of hosting is kept in the system's hosting history from ``effective_on`` (default
    today), so the year-end figures of past years stay what they were."""
    require(may_edit(system, actor()))
    old_hosting = system.hosting
    if "owner_unit" in data and data["owner_unit"] != system.owner_unit:
        if data["owner_unit"] is None:
            raise ValidationError({"owner_unit": _("A system needs an owner section.")})
        require(scope_of(actor()).may_own(data["owner_unit"]))
    if "open_data" in data and bool(data["open_data"]) != system.open_data:
        _require_publisher(system.organisation)
    object_update(obj=system, data=data)
    if system.hosting != old_hosting:
        hosting_change_record(
            system=system,
            previous=old_hosting,
            hosting=system.hosting,
            effective_on=effective_on or timezone.localdate(),
        )
    return system


def hosting_change_record(
    *, system: InformationSystem, previous: str, hosting: str, effective_on: datetime.date
) -> HostingChange:
    """Record that ``system`` runs on ``hosting`` from ``effective_on`` (after ``previous``)."""
    changes = HostingChange.objects.filter(system=system)
    if not changes.exists():
        object_create(obj=HostingChange(system=system, effective_on=None, hosting=previous))
    same_day = changes.filter(effective_on=effective_on).first()
    if same_day is not None:
        return object_update(obj=same_day, data={"hosting": hosting})
    return object_create(
        obj=HostingChange(system=system, effective_on=effective_on, hosting=hosting)
    )


@transaction.atomic
def system_delete(*, system: InformationSystem) -> None:
    """Remove a system and its cost lines (each cost line is audited too)."""
    require(may_edit(system, actor()))
    for line in system.cost_lines.select_related("item", "system"):
        object_delete(obj=line)
    object_delete(obj=system)


@transaction.atomic
def system_bulk_update(*, systems: list[InformationSystem], data: dict[str, Any]) -> int:
    """Set the same fields on many systems: all or none, one audit event per system."""
    for system in systems:
        system_update(system=system, data=data)
    return len(systems)


@transaction.atomic
def system_bulk_delete(*, systems: list[InformationSystem]) -> int:
    """Delete many systems: all or none, one audit event per record."""
    for system in systems:
        system_delete(system=system)
    return len(systems)


# --- costs --------------------------------------------------------------------------------------


@transaction.atomic
def cost_line_create(
    *,
    system: InformationSystem,
    fiscal_year: int,
    basis: str,
    category: str,
    item: CostItem,
    amount: int,
    note: str = "",
) -> CostLine:
    """Record one cost of a system for a fiscal year."""
    require(may_edit(system, actor()))
    if CostLine.objects.filter(
        system=system, fiscal_year=fiscal_year, basis=basis, category=category, item=item
    ).exists():
        raise ValidationError(
            _("This system already has a %(item)s line for that year, basis and category.")
            % {"item": item.name}
        )
    return object_create(
        obj=CostLine(
            system=system,
            fiscal_year=fiscal_year,
            basis=basis,
            category=category,
            item=item,
            amount=amount,
            note=note,
        )
    )


@transaction.atomic
def cost_line_update(*, line: CostLine, data: dict[str, Any]) -> CostLine:
    """Correct a cost line."""
    require(may_edit(line, actor()))
    if "system" in data:
        require(may_edit(data["system"], actor()))
    return object_update(obj=line, data=data)


@transaction.atomic
def cost_line_delete(*, line: CostLine) -> None:
    """Remove a cost line."""
    require(may_edit(line, actor()))
    object_delete(obj=line)


@transaction.atomic
def cost_sheet_save(
    *,
    organisation: Organisation,
    fiscal_year: int,
    basis: str,
    category: str,
    amounts: dict[tuple[int, int], int | None],
) -> dict[str, int]:
    """Save a cost entry sheet: {(system id, cost item id): yen or None to clear}; all or nothing.

    One basis and category, every 費目 of the year at once. Only lines that change are written
    (and audited); returns counts created/updated/deleted."""
    system_ids = {system_id for system_id, _item in amounts}
    systems = {
        s.pk: s
        for s in InformationSystem.objects.filter(organisation=organisation, pk__in=system_ids)
    }
    items = {
        i.pk: i
        for i in CostItem.objects.filter(
            organisation=organisation, pk__in={item_id for _system, item_id in amounts}
        )
    }
    editable = (
        set(
            InformationSystem.objects.editable_by(actor())
            .filter(pk__in=system_ids)
            .values_list("pk", flat=True)
        )
        if actor() is not None
        else set(systems)
    )
    existing = {
        (line.system_id, line.item_id): line
        for line in CostLine.objects.filter(
            system_id__in=system_ids, fiscal_year=fiscal_year, basis=basis, category=category
        ).select_related("system", "item")
    }
    counts = {"created": 0, "updated": 0, "deleted": 0}
    for (system_id, item_id), amount in sorted(amounts.items()):
        line = existing.get((system_id, item_id))
        if (line.amount if line else None) == amount:
            continue
        system = systems.get(system_id)
        if system is None:
            raise ValidationError(_("Unknown system %(id)s.") % {"id": system_id})
        item = items.get(item_id)
        if item is None:
            raise ValidationError(_("Unknown cost item %(id)s.") % {"id": item_id})
        require(
            system_id in editable,
            _("You may not edit the costs of %(system)s.") % {"system": system},
        )
        if line is None:
            object_create(
                obj=CostLine(
                    system=system,
                    fiscal_year=fiscal_year,
                    basis=basis,
                    category=category,
                    item=item,
                    amount=amount,
                )
            )
            counts["created"] += 1
        elif amount is None:
            object_delete(obj=line)
            counts["deleted"] += 1
        else:
            object_update(obj=line, data={"amount": amount})
            counts["updated"] += 1
    return counts


# --- vendors, contracts, cost items ------------------------------------------------------------


@transaction.atomic
def vendor_create(*, organisation: Organisation, code: str, name: str, **fields: Any) -> Vendor:
    """Add a vendor (any member who records systems may add one)."""
    require(scope_of(actor()).writes_in(organisation.pk))
    return object_create(obj=Vendor(organisation=organisation, code=code, name=name, **fields))


@transaction.atomic
def vendor_update(*, vendor: Vendor, data: dict[str, Any]) -> Vendor:
    """Correct a vendor's record (IT policy division)."""
    require(may_edit(vendor, actor()))
    return object_update(obj=vendor, data=data)


@transaction.atomic
def vendor_delete(*, vendor: Vendor) -> None:
    """Remove a vendor that has no contracts."""
    require(may_edit(vendor, actor()))
    if vendor.contracts.exists():
        raise ValidationError(_("This vendor still has contracts; delete or move them first."))
    object_delete(obj=vendor)


@transaction.atomic
def _check_contract_systems(
    organisation: Organisation, systems: list[InformationSystem], kept: set[int] = frozenset()
) -> None:
    """A contract covers systems of its organisation that the actor may edit (those already on
    it, ``kept``, may stay: the IT policy division may have put them there)."""
    foreign = [s for s in systems if s.organisation_id != organisation.pk]
    if foreign:
        raise ValidationError(
            {
                "systems": _("A system belongs to another organisation: %(code)s")
                % {"code": foreign[0].code}
            }
        )
    if actor() is None:  # the CLI and the system: trusted
        return
    new = {s.pk for s in systems} - set(kept)
    editable = set(
        InformationSystem.objects.editable_by(actor())
        .filter(pk__in=new)
        .values_list("pk", flat=True)
    )
    refused = [s.code for s in systems if s.pk in new and s.pk not in editable]
    if refused:
        raise ValidationError(
            {
                "systems": _("You may not put another unit's system on this contract: %(codes)s")
                % {"codes": ", ".join(refused)}
            }
        )


def contract_create(
    *,
    organisation: Organisation,
    owner_unit: OrgUnit,
    vendor: Vendor,
    code: str,
    title: str,
    systems: list[InformationSystem] | None = None,
    **fields: Any,
) -> Contract:
    """Record a contract for the systems it covers."""
    require(scope_of(actor()).may_own(owner_unit))
    _check_contract_systems(organisation, systems or [])
    contract = Contract(
        organisation=organisation,
        owner_unit=owner_unit,
        vendor=vendor,
        code=code,
        title=title,
        **fields,
    )
    return object_create(obj=contract, m2m={"systems": systems or []})


@transaction.atomic
def contract_update(
    *, contract: Contract, data: dict[str, Any], systems: list[InformationSystem] | None = None
) -> Contract:
    """Change a contract (and, if given, the systems it covers)."""
    require(may_edit(contract, actor()))
    if "owner_unit" in data and data["owner_unit"] != contract.owner_unit:
        require(scope_of(actor()).may_own(data["owner_unit"]))
    if systems is not None:
        kept = set(contract.systems.values_list("pk", flat=True))
        _check_contract_systems(contract.organisation, systems, kept)
    return object_update(
        obj=contract, data=data, m2m={"systems": systems} if systems is not None else None
    )


@transaction.atomic
def contract_delete(*, contract: Contract) -> None:
    """Remove a contract."""
    require(may_edit(contract, actor()))
    object_delete(obj=contract)


def _require_item_keeper(organisation: Organisation) -> None:
    """Only the IT policy division keeps the organisation's list of 費目."""
    require(
        organisation.pk in scope_of(actor()).policy_org_ids,
        _("Only the IT policy division keeps the list of cost items."),
    )


@transaction.atomic
def cost_item_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    sort_order: int = 0,
    budget_section: str = "",
) -> CostItem:
    """Add an expense item (費目) to the organisation's list."""
    _require_item_keeper(organisation)
    return object_create(
        obj=CostItem(
            organisation=organisation,
            code=code,
            name=name,
            sort_order=sort_order,
            budget_section=budget_section,
        )
    )


@transaction.atomic
def cost_item_update(*, item: CostItem, data: dict[str, Any]) -> CostItem:
    """Rename, recode or reorder a 費目; its cost lines follow it."""
    _require_item_keeper(item.organisation)
    return object_update(obj=item, data=data)


@transaction.atomic
def cost_item_delete(*, item: CostItem) -> None:
    """Remove a 費目 that no cost line uses."""
    _require_item_keeper(item.organisation)
    used = item.cost_lines.count()
    if used:
        raise ValidationError(
            _(
                "%(item)s is used by %(count)d cost lines; move them to another cost item or "
                "delete them first."
            )
            % {"item": item.name, "count": used}
        )
    object_delete(obj=item)


@transaction.atomic
def cost_items_seed(*, organisation: Organisation) -> list[CostItem]:
    """Give the organisation the standard 費目 it lacks (the 節 IT costs use); idempotent.

    An item is there already when one has its code or its name (as imports compare names)."""
    from daicho.registry.cost_items import standard_items

    require_policy(organisation)
    items = list(CostItem.objects.filter(organisation=organisation))
    codes = {i.code.lower() for i in items}
    names = {cost_item_key(i.name) for i in items}
    created = []
    for standard in standard_items():
        if standard.code.lower() in codes or cost_item_key(standard.name) in names:
            continue
        created.append(
            cost_item_create(
                organisation=organisation,
                code=standard.code,
                name=standard.name,
                sort_order=standard.sort_order,
                budget_section=standard.name,
            )
        )
    return created


# --- co-use (共同利用) ----------------------------------------------------------------------------


@transaction.atomic
def co_use_set(
    *,
    system: InformationSystem,
    co_user: Organisation,
    share_percent,
    started_on=None,
    ended_on=None,
    note: str = "",
) -> SystemCoUse:
    """Record that ``co_user`` co-uses ``system`` with a share of its cost, or change the record
    (the owning organisation's IT policy division)."""
    require(system.organisation_id in scope_of(actor()).policy_org_ids)
    if co_user.pk == system.organisation_id:
        raise ValidationError({"co_user": _("An organisation does not co-use its own system.")})
    data = {
        "share_percent": share_percent,
        "started_on": started_on,
        "ended_on": ended_on,
        "note": note,
    }
    existing = SystemCoUse.objects.filter(system=system, co_user=co_user).first()
    if existing is not None:
        return object_update(obj=existing, data=data)
    return object_create(obj=SystemCoUse(system=system, co_user=co_user, **data))


@transaction.atomic
def co_use_end(*, co_use: SystemCoUse, ended_on) -> SystemCoUse:
    """End a co-use on a day (its record and its past shares are kept), the owning
    organisation's IT policy division."""
    require(co_use.system.organisation_id in scope_of(actor()).policy_org_ids)
    if co_use.started_on and ended_on < co_use.started_on:
        raise ValidationError({"ended_on": _("The co-use ends before it starts.")})
    return object_update(obj=co_use, data={"ended_on": ended_on})


@transaction.atomic
def co_use_remove(*, co_use: SystemCoUse) -> None:
    """End the record of a co-use (the owning organisation's IT policy division)."""
    require(co_use.system.organisation_id in scope_of(actor()).policy_org_ids)
    object_delete(obj=co_use)
