"""Writes to the SAM ledger: devices, titles, rules, licences, inventory campaigns, audits."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from daicho.core import audit
from daicho.core.models import Organisation, OrgUnit, Role
from daicho.core.permissions import may_edit, scope_of
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require,
    require_policy,
)
from daicho.lifecycle.matching import Resolver
from daicho.sam.models import (
    AuditFinding,
    CampaignStatus,
    CheckMethod,
    CheckResult,
    ConfirmationStatus,
    Device,
    DeviceStatus,
    FindingStatus,
    Installation,
    InventoryCampaign,
    InventoryCheck,
    InventoryConfirmation,
    Licence,
    NormalisationRule,
    SamAudit,
    SoftwareTitle,
)
from daicho.sam.normalisation import Normaliser


def _may_keep(unit: OrgUnit | None) -> bool:
    """Policy, or an owner or SAM officer at or above ``unit``: who edits its devices."""
    return scope_of(actor()).may_own(unit, Device.scoped.editors)


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
    require(may_edit(device, actor()))
    if "unit" in data and data["unit"] != device.unit:
        require(_may_keep(data["unit"]))
    if "os" in data and data["os"] != device.os:
        release_id = (resolver or Resolver(device.organisation)).release_id(data["os"])
        data = {**data, "release_id": release_id}
    return object_update(obj=device, data=data)


@transaction.atomic
def device_delete(*, device: Device) -> None:
    require(may_edit(device, actor()))
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
    scope = scope_of(actor())
    require(scope.writes_in(organisation.pk) or organisation.pk in scope.sam_org_ids)
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
            # Filtered on the old title and version too, so the (title, version, device) index
            # narrows the update to those rows instead of scanning every installation.
            installs.filter(
                title_id=title_id, version=version, raw_name=raw_name, publisher=publisher
            ).update(title_id=new_id, version=found.version)
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
    require(may_edit(licence, actor()))
    if "unit" in data and data["unit"] != licence.unit:
        require(_may_keep_licence(licence.organisation, data["unit"]))
    return object_update(obj=licence, data=data)


@transaction.atomic
def licence_delete(*, licence: Licence) -> None:
    require(may_edit(licence, actor()))
    object_delete(obj=licence)


# ---------------------------------------------------------------------------------------------
# Inventory-taking (棚卸): open → each unit reviews and confirms → close


def is_sam_of(unit: OrgUnit, user=None) -> bool:
    """Whether ``user`` (the acting user by default) is IT policy, or a SAM officer at or above
    ``unit``: who reviews the unit's inventory."""
    return scope_of(user if user is not None else actor()).may_own(unit, (Role.SAM_OFFICER,))


def confirmation_devices(confirmation: InventoryConfirmation):
    """The devices a unit reviews: those of its subtree, except sub-units with their own part
    in the campaign; disposed devices only when checked in this campaign — or, once the
    campaign is closed, disposed after it opened (a past year's campaign lists the devices in
    use while it ran, not those bought since)."""
    unit = confirmation.unit
    deeper = [
        path
        for path in confirmation.campaign.confirmations.exclude(pk=confirmation.pk).values_list(
            "unit__path", flat=True
        )
        if path.startswith(unit.path) and path != unit.path
    ]
    devices = Device.objects.filter(
        organisation_id=unit.organisation_id, unit__path__startswith=unit.path
    )
    for path in deeper:
        devices = devices.exclude(unit__path__startswith=path)
    in_use = ~Q(status=DeviceStatus.DISPOSED)
    campaign = confirmation.campaign
    if campaign.closed_on:  # a closed campaign is history: the devices in use while it ran
        devices = devices.filter(
            Q(purchased_on__isnull=True) | Q(purchased_on__lte=campaign.closed_on)
        )
        in_use |= Q(disposed_on__gte=campaign.opened_on)
    return devices.filter(in_use | Q(inventory_checks__confirmation=confirmation)).distinct()


@transaction.atomic
def campaign_open(
    *,
    organisation: Organisation,
    fiscal_year: int,
    deadline: datetime.date,
    units: list[OrgUnit],
    name: str = "",
    opened_on: datetime.date | None = None,
) -> InventoryCampaign:
    """IT policy opens the year's inventory-taking for the units in scope; a campaign of a past
    year is entered with its real opening date."""
    require_policy(organisation)
    if opened_on is not None and opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("The opening date is in the future.")})
    if not units:
        raise ValidationError({"units": _("Choose the units that take part.")})
    if any(u.organisation_id != organisation.pk for u in units):
        raise ValidationError({"units": _("The unit belongs to another organisation.")})
    if InventoryCampaign.objects.filter(
        organisation=organisation, fiscal_year=fiscal_year, status=CampaignStatus.OPEN
    ).exists():
        raise ValidationError(
            {"fiscal_year": _("An inventory campaign for this fiscal year is already under way.")}
        )
    campaign = object_create(
        obj=InventoryCampaign(
            organisation=organisation,
            fiscal_year=fiscal_year,
            name=name or _("FY%(year)d software inventory") % {"year": fiscal_year},
            deadline=deadline,
            opened_on=opened_on or timezone.localdate(),
        )
    )
    confirmations = InventoryConfirmation.objects.bulk_create(
        InventoryConfirmation(campaign=campaign, unit=unit)
        for unit in {u.pk: u for u in units}.values()
    )
    audit.record_created_many(confirmations, organisation=organisation)
    return campaign


def _open_part(confirmation: InventoryConfirmation) -> None:
    require(is_sam_of(confirmation.unit))
    if confirmation.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("The inventory campaign is closed."))
    if confirmation.status == ConfirmationStatus.CONFIRMED:
        raise ValidationError(_("This unit has already confirmed its inventory."))


def _decide(
    confirmation: InventoryConfirmation,
    device_id: int,
    result: str,
    *,
    method: str,
    note: str = "",
    existing: InventoryCheck | None = None,
) -> InventoryCheck:
    """Record (or change) one device's result with how it was decided, by whom and when."""
    stamp = {"checked_by": actor(), "checked_at": timezone.now()}
    if existing is None:
        return object_create(
            obj=InventoryCheck(
                confirmation=confirmation,
                device_id=device_id,
                result=result,
                note=note,
                method=method,
                **stamp,
            )
        )
    return object_update(
        obj=existing, data={"result": result, "note": note, "method": method, **stamp}
    )


@transaction.atomic
def inventory_check(
    *,
    confirmation: InventoryConfirmation,
    device: Device,
    result: str,
    note: str = "",
    method: str = CheckMethod.CHECKED,
) -> InventoryCheck:
    """Record what the unit found for one device (present, missing, disposed), checked on the
    page or scanned."""
    confirmation = InventoryConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    _open_part(confirmation)
    if not confirmation_devices(confirmation).filter(pk=device.pk).exists():
        raise ValidationError(_("This device is not in the unit's inventory."))
    if result not in (CheckResult.PRESENT, CheckResult.MISSING, CheckResult.DISPOSED):
        raise ValidationError({"result": _("Choose present, missing or disposed.")})
    if method not in (CheckMethod.CHECKED, CheckMethod.SCANNED):
        raise ValidationError(_("Mark devices in bulk with a reason."))
    check = _decide(
        confirmation,
        device.pk,
        result,
        method=method,
        note=note,
        existing=InventoryCheck.objects.filter(confirmation=confirmation, device=device).first(),
    )
    if result == CheckResult.DISPOSED and device.status != DeviceStatus.DISPOSED:
        device_update(
            device=device,
            data={"status": DeviceStatus.DISPOSED, "disposed_on": timezone.localdate()},
        )
    _start(confirmation)
    return check


def inventory_scan(*, confirmation: InventoryConfirmation, code: str) -> Device:
    """A scanned label (the device name or its serial number) marks its device present."""
    code = code.strip()
    if not code:
        raise ValidationError(_("Scan or type the device's label."))
    label = Q(name__iexact=code) | Q(serial__iexact=code)
    device = confirmation_devices(confirmation).filter(label).first()
    if device is None:
        elsewhere = (
            Device.objects.filter(organisation_id=confirmation.unit.organisation_id)
            .filter(label)
            .select_related("unit")
            .first()
        )
        if elsewhere is not None:
            raise ValidationError(
                _("%(code)s is a device of %(unit)s, not of this unit's inventory.")
                % {"code": code, "unit": elsewhere.unit.name}
            )
        raise ValidationError(
            _("No device has the label %(code)s: add it below if it is really here.")
            % {"code": code}
        )
    inventory_check(
        confirmation=confirmation,
        device=device,
        result=CheckResult.PRESENT,
        method=CheckMethod.SCANNED,
    )
    return device


def unchecked_devices(confirmation: InventoryConfirmation):
    """The unit's devices nobody has marked yet."""
    return confirmation_devices(confirmation).exclude(inventory_checks__confirmation=confirmation)


@transaction.atomic
def inventory_mark_unchecked(
    *, confirmation: InventoryConfirmation, result: str, reason: str, method: str
) -> int:
    """Mark every device nobody has checked as present or missing at once, with the stated
    reason (e.g. 「資産管理ツールの稼働記録で確認」); each is recorded with who decided."""
    confirmation = InventoryConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    _open_part(confirmation)
    if result not in (CheckResult.PRESENT, CheckResult.MISSING):
        raise ValidationError({"result": _("Choose present or missing.")})
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for marking devices without checking each.")}
        )
    pending = list(unchecked_devices(confirmation).values_list("pk", flat=True))
    stamp = {"checked_by": actor(), "checked_at": timezone.now()}
    created = InventoryCheck.objects.bulk_create(
        InventoryCheck(
            confirmation=confirmation,
            device_id=pk,
            result=result,
            note=reason.strip()[:300],
            method=method,
            **stamp,
        )
        for pk in pending
    )
    audit.record_created_many(created, organisation=confirmation.unit.organisation)
    if created:
        _start(confirmation)
    return len(created)


def _start(confirmation: InventoryConfirmation) -> None:
    if confirmation.status == ConfirmationStatus.PENDING:
        object_update(obj=confirmation, data={"status": ConfirmationStatus.IN_PROGRESS})


@transaction.atomic
def inventory_add_device(
    *, confirmation: InventoryConfirmation, name: str, note: str = "", **fields: Any
) -> Device:
    """A device found in the unit that the ledger did not list: registered and recorded."""
    confirmation = InventoryConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    _open_part(confirmation)
    device = device_create(
        organisation=confirmation.unit.organisation, name=name, unit=confirmation.unit, **fields
    )
    _decide(confirmation, device.pk, CheckResult.ADDED, method=CheckMethod.CHECKED, note=note)
    _start(confirmation)
    return device


@transaction.atomic
def inventory_confirm(
    *,
    confirmation: InventoryConfirmation,
    note: str = "",
    unchecked: str = "",
    reason: str = "",
    completed_on: datetime.date | None = None,
) -> InventoryConfirmation:
    """The unit confirms its inventory. Every device must have been decided: devices nobody
    checked are refused with their count unless the confirmer decides them here (``unchecked``
    present or missing, with the ``reason``), recorded as theirs. Differences (missing,
    disposed, added) must be explained. ``completed_on`` is the real day of completion (a
    campaign entered for a past year keeps its dates)."""
    confirmation = InventoryConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    _open_part(confirmation)
    today = timezone.localdate()
    completed_on = completed_on or today
    if completed_on > today or completed_on < confirmation.campaign.opened_on:
        raise ValidationError(
            {
                "completed_on": _("The completion date must be between %(start)s and today.")
                % {"start": confirmation.campaign.opened_on.isoformat()}
            }
        )
    pending = unchecked_devices(confirmation).count()
    if pending and not unchecked:
        raise ValidationError(
            {
                "unchecked": ngettext(
                    "%(count)d device has not been checked: mark it, or decide here whether "
                    "it is present or missing.",
                    "%(count)d devices have not been checked: mark them, or decide here whether "
                    "they are present or missing.",
                    pending,
                )
                % {"count": pending}
            }
        )
    if pending:
        inventory_mark_unchecked(
            confirmation=confirmation,
            result=unchecked,
            reason=reason,
            method=CheckMethod.DECIDED,
        )
    differences = confirmation.checks.exclude(result=CheckResult.PRESENT).count()
    explanation = note.strip() or (reason.strip() if unchecked == CheckResult.MISSING else "")
    if differences and not explanation:
        raise ValidationError(
            {"note": _("Explain the differences (%(count)d devices).") % {"count": differences}}
        )
    return object_update(
        obj=confirmation,
        data={
            "status": ConfirmationStatus.CONFIRMED,
            "note": explanation,
            "confirmed_at": timezone.now(),
            "confirmed_by": actor(),
            "completed_on": completed_on,
        },
    )


@transaction.atomic
def inventory_reopen(*, confirmation: InventoryConfirmation) -> InventoryConfirmation:
    """IT policy sends a unit's confirmation back (e.g. after an audit finding)."""
    require_policy(confirmation.unit.organisation)
    if confirmation.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("The inventory campaign is closed."))
    return object_update(
        obj=confirmation,
        data={"status": ConfirmationStatus.IN_PROGRESS, "confirmed_at": None, "confirmed_by": None},
    )


@transaction.atomic
def campaign_close(
    *, campaign: InventoryCampaign, closed_on: datetime.date | None = None
) -> InventoryCampaign:
    """IT policy closes the campaign (on its real date for a past year); the completion rate
    stays as it is."""
    require_policy(campaign.organisation)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("The inventory campaign is closed."))
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate() or closed_on < campaign.opened_on:
        raise ValidationError(
            {
                "closed_on": _("The closing date must be between %(start)s and today.")
                % {"start": campaign.opened_on.isoformat()}
            }
        )
    return object_update(
        obj=campaign, data={"status": CampaignStatus.CLOSED, "closed_on": closed_on}
    )


def inventory_remind(
    *, campaign: InventoryCampaign, today: datetime.date, days: int = 14
) -> list[InventoryConfirmation]:
    """Remind the SAM officers of units that have not confirmed when the deadline is within
    ``days``; each reminder is recorded on the unit's part (and audited), and mailed once the
    transaction commits. The IT policy division reminds every unit, a SAM officer the units of
    their own subtree; nobody else may."""
    from django.core.mail import send_mail

    from daicho.core.models import Membership

    scope = scope_of(actor())
    policy = campaign.organisation_id in scope.policy_org_ids
    require(
        policy or campaign.organisation_id in scope.sam_org_ids,
        _("Only the IT policy division and SAM officers send inventory reminders."),
    )
    if campaign.status != CampaignStatus.OPEN or (campaign.deadline - today).days > days:
        return []
    late = [
        confirmation
        for confirmation in campaign.confirmations.exclude(
            status=ConfirmationStatus.CONFIRMED
        ).select_related("unit")
        if policy or actor() is None or is_sam_of(confirmation.unit)
    ]
    officers = list(
        Membership.objects.filter(
            organisation=campaign.organisation, role=Role.SAM_OFFICER
        ).select_related("user", "unit")
    )
    with transaction.atomic():
        for confirmation in late:
            emails = sorted(
                {
                    m.user.email
                    for m in officers
                    if m.unit and confirmation.unit.path.startswith(m.unit.path) and m.user.email
                }
            )
            if emails:
                # Mail leaves the process: only once the reminder is recorded for good.
                subject = _("Inventory due %(date)s: %(unit)s") % {
                    "date": campaign.deadline.isoformat(),
                    "unit": confirmation.unit.name,
                }
                body = _("Please confirm the software inventory of %(unit)s by %(date)s.") % {
                    "unit": confirmation.unit.name,
                    "date": campaign.deadline.isoformat(),
                }
                transaction.on_commit(
                    lambda s=subject, b=body, to=emails: send_mail(
                        s, b, None, to, fail_silently=True
                    )
                )
            object_update(obj=confirmation, data={"reminded_at": timezone.now()})
    return late


# ---------------------------------------------------------------------------------------------
# SAM audits and their findings


@transaction.atomic
def sam_audit_create(*, organisation: Organisation, **fields: Any) -> SamAudit:
    """Record a SAM audit (IT policy)."""
    require_policy(organisation)
    return object_create(obj=SamAudit(organisation=organisation, **fields))


@transaction.atomic
def finding_add(*, audit_record: SamAudit, unit: OrgUnit, description: str, **fields: Any):
    """Add a finding for a unit, with its follow-up action (IT policy)."""
    require_policy(audit_record.organisation)
    if unit.organisation_id != audit_record.organisation_id:
        raise ValidationError({"unit": _("The unit belongs to another organisation.")})
    return object_create(
        obj=AuditFinding(audit=audit_record, unit=unit, description=description, **fields)
    )


@transaction.atomic
def finding_done(*, finding: AuditFinding, action: str = "") -> AuditFinding:
    """The unit (its SAM officer or owner) or IT policy records the follow-up as done."""
    require(_may_keep(finding.unit) or is_sam_of(finding.unit))
    if finding.status == FindingStatus.DONE:
        raise ValidationError(_("This finding is already done."))
    data: dict[str, Any] = {"status": FindingStatus.DONE, "done_on": timezone.localdate()}
    if action:
        data["action"] = action
    return object_update(obj=finding, data=data)


@transaction.atomic
def raw_name_map(
    *,
    organisation: Organisation,
    raw_name: str,
    title: str,
    edition: str = "",
    version: str = "",
    free: bool = False,
    publisher: str = "",
) -> NormalisationRule:
    """Map one unmatched installed name to a title: a rule for exactly that name (IT policy),
    applied at once to the installations already loaded."""
    import re

    from daicho.sam.patterns import normalise

    rule = rule_create(
        organisation=organisation,
        pattern=f"^{re.escape(normalise(raw_name))}$",
        title=title,
        edition=edition,
        version=version,
        free=free,
        publisher=publisher,
    )
    installations_renormalise(organisation=organisation)
    return rule
