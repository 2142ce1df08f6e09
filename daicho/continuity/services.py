"""Writes of the continuity area. Views, importers and the CLI all call these; each checks who
may write and records the audit event in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.continuity.models import (
    ACTION_TRANSITIONS,
    ActionStatus,
    BackupConfig,
    BackupRule,
    BackupStandard,
    BcpPlan,
    ClassificationLevel,
    ClassificationScheme,
    Drill,
    DrillFinding,
    Outage,
    RestoreTest,
    ServiceProfile,
    ServiceUsage,
    SystemClassification,
)
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
from daicho.registry import services as registry_services
from daicho.registry.models import InformationSystem


def require_system(system: InformationSystem) -> None:
    """Only the system's owner section (or a unit above it) and the IT policy division."""
    require(
        may_edit(system, actor()),
        _("Only the owner section of %(system)s or the IT policy division may do this.")
        % {"system": system},
    )


# --- classification schemes ---------------------------------------------------------------------

# The schemes an organisation can start from: (code, name, version, effective, levels).
# Each level: (axis, code, name, guideline level, rank).
_GUIDELINE = [
    ("confidentiality", "3", "機密性3", "3", 30),
    ("confidentiality", "2", "機密性2", "2", 20),
    ("confidentiality", "1", "機密性1", "1", 10),
    ("integrity", "2", "完全性2", "2", 20),
    ("integrity", "1", "完全性1", "1", 10),
    ("availability", "2", "可用性2", "2", 20),
    ("availability", "1", "可用性1", "1", 10),
]
BUILTIN_SCHEMES: dict[str, dict[str, Any]] = {
    "soumu": {
        "name": "総務省ガイドライン（情報資産の分類）",
        "version": "平成27年版",
        "effective_from": datetime.date(2015, 3, 1),
        "description": "地方公共団体における情報セキュリティポリシーに関するガイドラインの分類。",
        "levels": _GUIDELINE,
    },
    "soumu-2024": {
        "name": "総務省ガイドライン（情報資産の分類）",
        "version": "令和6年改定",
        "effective_from": datetime.date(2024, 10, 1),
        "description": "機密性3を3A・3B・3Cに細分した改定版の分類。",
        "levels": [
            ("confidentiality", "3A", "機密性3A", "3", 33),
            ("confidentiality", "3B", "機密性3B", "3", 32),
            ("confidentiality", "3C", "機密性3C", "3", 31),
            *_GUIDELINE[1:],
        ],
    },
    "local-2ab": {
        "name": "県独自分類（2A/2B）",
        "version": "第1版",
        "effective_from": datetime.date(2014, 4, 1),
        "description": "機密性2と可用性2を、業務への影響の大きさで2A・2Bに分ける県独自の分類。",
        "levels": [
            ("confidentiality", "3", "機密性3", "3", 30),
            ("confidentiality", "2A", "機密性2A", "2", 22),
            ("confidentiality", "2B", "機密性2B", "2", 21),
            ("confidentiality", "1", "機密性1", "1", 10),
            ("integrity", "2", "完全性2", "2", 20),
            ("integrity", "1", "完全性1", "1", 10),
            ("availability", "2A", "可用性2A", "2", 22),
            ("availability", "2B", "可用性2B", "2", 21),
            ("availability", "1", "可用性1", "1", 10),
        ],
    },
}


@transaction.atomic
def scheme_install(*, organisation: Organisation, code: str) -> ClassificationScheme:
    """Add one of the built-in schemes (with its levels) to the organisation."""
    require_policy(organisation)
    if code not in BUILTIN_SCHEMES:
        raise ValidationError(
            {
                "code": _("Unknown scheme %(code)s; choose one of: %(codes)s")
                % {"code": code, "codes": ", ".join(BUILTIN_SCHEMES)}
            }
        )
    existing = ClassificationScheme.objects.filter(organisation=organisation, code=code).first()
    if existing:
        return existing
    data = BUILTIN_SCHEMES[code]
    scheme = object_create(
        obj=ClassificationScheme(
            organisation=organisation,
            code=code,
            name=data["name"],
            version=data["version"],
            effective_from=data["effective_from"],
            description=data["description"],
        )
    )
    for axis, level_code, name, guideline, rank in data["levels"]:
        object_create(
            obj=ClassificationLevel(
                scheme=scheme,
                axis=axis,
                code=level_code,
                name=name,
                guideline_level=guideline,
                rank=rank,
            )
        )
    return scheme


@transaction.atomic
def level_create(
    *,
    scheme: ClassificationScheme,
    axis: str,
    code: str,
    name: str,
    guideline_level: str,
    rank: int = 0,
    description: str = "",
) -> ClassificationLevel:
    """Add a level to a scheme (a local variant)."""
    require_policy(scheme.organisation)
    if ClassificationLevel.objects.filter(scheme=scheme, axis=axis, code=code).exists():
        raise ValidationError({"code": _("This level already exists in the scheme.")})
    return object_create(
        obj=ClassificationLevel(
            scheme=scheme,
            axis=axis,
            code=code,
            name=name,
            guideline_level=guideline_level,
            rank=rank,
            description=description,
        )
    )


@transaction.atomic
def system_classify(
    *, system: InformationSystem, level: ClassificationLevel
) -> SystemClassification:
    """Record a system's level in a scheme. The registry's guideline level follows the level
    chosen, so the system's classification has one source of truth."""
    require_system(system)
    scheme = level.scheme
    if scheme.organisation_id != system.organisation_id:
        raise ValidationError({"level": _("The scheme belongs to another organisation.")})
    from daicho.continuity.selectors import GUIDELINE_FIELDS

    field = GUIDELINE_FIELDS[level.axis]
    if getattr(system, field) != level.guideline_level:
        registry_services.system_update(system=system, data={field: level.guideline_level})
    existing = SystemClassification.objects.filter(
        system=system, scheme=scheme, axis=level.axis
    ).first()
    if existing is not None:
        if existing.level_id == level.pk:
            return existing
        return object_update(obj=existing, data={"level": level})
    return object_create(
        obj=SystemClassification(system=system, scheme=scheme, axis=level.axis, level=level)
    )


# --- backup standard ----------------------------------------------------------------------------


def _standard_unique(organisation, version, effective_from, exclude=None) -> None:
    others = BackupStandard.objects.filter(organisation=organisation)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    errors = {}
    if others.filter(version=version).exists():
        errors["version"] = _("This version of the standard already exists.")
    if others.filter(effective_from=effective_from).exists():
        errors["effective_from"] = _("Another version of the standard takes effect on this date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def standard_create(
    *,
    organisation: Organisation,
    version: str,
    title: str,
    scheme: ClassificationScheme,
    effective_from: datetime.date,
    note: str = "",
    copy_rules_from: BackupStandard | None = None,
) -> BackupStandard:
    """Issue a version of the backup standard; a new version may start from the rules of one
    in force (rules keyed by levels of another scheme are not copied)."""
    require_policy(organisation)
    _standard_unique(organisation, version, effective_from)
    standard = object_create(
        obj=BackupStandard(
            organisation=organisation,
            version=version,
            title=title,
            scheme=scheme,
            effective_from=effective_from,
            note=note,
        )
    )
    if copy_rules_from is not None:
        for rule in copy_rules_from.rules.prefetch_related("levels"):
            levels = [lv for lv in rule.levels.all() if lv.scheme_id == scheme.pk]
            if levels:
                rule_create(
                    standard=standard,
                    title=rule.title,
                    levels=levels,
                    order=rule.order,
                    max_frequency=rule.max_frequency,
                    min_generations=rule.min_generations,
                    min_copy_location=rule.min_copy_location,
                    encryption_required=rule.encryption_required,
                    restore_test_months=rule.restore_test_months,
                    note=rule.note,
                )
    return standard


@transaction.atomic
def standard_update(*, standard: BackupStandard, data: dict[str, Any]) -> BackupStandard:
    """Correct a version of the standard (its rules stay keyed to its scheme)."""
    require_policy(standard.organisation)
    _standard_unique(
        standard.organisation,
        data.get("version", standard.version),
        data.get("effective_from", standard.effective_from),
        exclude=standard,
    )
    if "scheme" in data and data["scheme"] != standard.scheme and standard.rules.exists():
        raise ValidationError(
            {"scheme": _("The rules are keyed to the levels of the scheme; remove them first.")}
        )
    return object_update(obj=standard, data=data)


@transaction.atomic
def standard_delete(*, standard: BackupStandard) -> None:
    """Withdraw a version of the standard with its rules."""
    require_policy(standard.organisation)
    for rule in standard.rules.all():
        object_delete(obj=rule)
    object_delete(obj=standard)


def _check_levels(standard: BackupStandard, levels) -> None:
    if not levels:
        raise ValidationError({"levels": _("Choose the levels the rule applies to.")})
    if any(level.scheme_id != standard.scheme_id for level in levels):
        raise ValidationError(
            {
                "levels": _("Choose levels of the standard's scheme (%(scheme)s).")
                % {"scheme": standard.scheme}
            }
        )


@transaction.atomic
def rule_create(
    *, standard: BackupStandard, title: str, levels: list[ClassificationLevel], **fields: Any
) -> BackupRule:
    """Add a rule to a version of the standard."""
    require_policy(standard.organisation)
    _check_levels(standard, levels)
    rule = BackupRule(standard=standard, title=title, **fields)
    return object_create(obj=rule, m2m={"levels": levels})


@transaction.atomic
def rule_update(
    *, rule: BackupRule, data: dict[str, Any], levels: list[ClassificationLevel] | None = None
) -> BackupRule:
    require_policy(rule.standard.organisation)
    if levels is not None:
        _check_levels(rule.standard, levels)
    return object_update(
        obj=rule, data=data, m2m={"levels": levels} if levels is not None else None
    )


@transaction.atomic
def rule_delete(*, rule: BackupRule) -> None:
    require_policy(rule.standard.organisation)
    object_delete(obj=rule)


# --- per-system backups -------------------------------------------------------------------------


@transaction.atomic
def backup_config_save(*, system: InformationSystem, **fields: Any) -> BackupConfig:
    """Record (or change) how a system is backed up."""
    require_system(system)
    existing = BackupConfig.objects.filter(system=system).first()
    if existing is not None:
        return object_update(obj=existing, data=fields)
    return object_create(obj=BackupConfig(system=system, **fields))


@transaction.atomic
def backup_config_delete(*, config: BackupConfig) -> None:
    require_system(config.system)
    object_delete(obj=config)


@transaction.atomic
def restore_test_create(
    *,
    system: InformationSystem,
    tested_on: datetime.date,
    result: str,
    duration_minutes: int,
    data_restored: str = "",
    note: str = "",
) -> RestoreTest:
    """Record a restore test of a system's backup."""
    require_system(system)
    if tested_on > timezone.localdate():
        raise ValidationError({"tested_on": _("A restore test cannot be in the future.")})
    return object_create(
        obj=RestoreTest(
            system=system,
            tested_on=tested_on,
            result=result,
            duration_minutes=duration_minutes,
            data_restored=data_restored,
            note=note,
        )
    )


@transaction.atomic
def restore_test_update(*, test: RestoreTest, data: dict[str, Any]) -> RestoreTest:
    require_system(test.system)
    return object_update(obj=test, data=data)


@transaction.atomic
def restore_test_delete(*, test: RestoreTest) -> None:
    require_system(test.system)
    object_delete(obj=test)


# --- ICT-BCP ------------------------------------------------------------------------------------


def _check_dependencies(system: InformationSystem, dependencies) -> None:
    for dependency in dependencies:
        if dependency.pk == system.pk:
            raise ValidationError({"dependencies": _("A system cannot depend on itself.")})
        if dependency.organisation_id != system.organisation_id:
            raise ValidationError(
                {
                    "dependencies": _("%(system)s belongs to another organisation.")
                    % {"system": dependency}
                }
            )


@transaction.atomic
def bcp_save(
    *, system: InformationSystem, dependencies: list[InformationSystem] | None = None, **fields
) -> BcpPlan:
    """Record (or change) a system's ICT-BCP entry."""
    require_system(system)
    if dependencies is not None:
        _check_dependencies(system, dependencies)
    m2m = {"dependencies": dependencies} if dependencies is not None else None
    existing = BcpPlan.objects.filter(system=system).first()
    if existing is not None:
        return object_update(obj=existing, data=fields, m2m=m2m)
    return object_create(obj=BcpPlan(system=system, **fields), m2m=m2m)


@transaction.atomic
def bcp_delete(*, plan: BcpPlan) -> None:
    require_system(plan.system)
    object_delete(obj=plan)


# --- drills -------------------------------------------------------------------------------------


def _same_org(organisation, systems, units) -> None:
    if any(s.organisation_id != organisation.pk for s in systems or ()):
        raise ValidationError({"systems": _("A system belongs to another organisation.")})
    if any(u.organisation_id != organisation.pk for u in units or ()):
        raise ValidationError({"units": _("A unit belongs to another organisation.")})


@transaction.atomic
def drill_create(
    *,
    organisation: Organisation,
    held_on: datetime.date,
    kind: str,
    title: str,
    systems=(),
    units=(),
    **fields: Any,
) -> Drill:
    """Record an ICT-BCP drill (the IT policy division organises them)."""
    require_policy(organisation)
    _same_org(organisation, systems, units)
    drill = Drill(organisation=organisation, held_on=held_on, kind=kind, title=title, **fields)
    return object_create(obj=drill, m2m={"systems": list(systems), "units": list(units)})


@transaction.atomic
def drill_update(*, drill: Drill, data: dict[str, Any], systems=None, units=None) -> Drill:
    require_policy(drill.organisation)
    _same_org(drill.organisation, systems, units)
    m2m = {}
    if systems is not None:
        m2m["systems"] = list(systems)
    if units is not None:
        m2m["units"] = list(units)
    return object_update(obj=drill, data=data, m2m=m2m)


@transaction.atomic
def drill_delete(*, drill: Drill) -> None:
    require_policy(drill.organisation)
    for finding in drill.findings.all():
        object_delete(obj=finding)
    object_delete(obj=drill)


@transaction.atomic
def finding_create(
    *,
    drill: Drill,
    finding: str,
    action: str,
    action_unit: OrgUnit,
    due_on: datetime.date,
    action_owner: str = "",
    note: str = "",
) -> DrillFinding:
    """Record what a drill found and the action that answers it (starts at Plan)."""
    require_policy(drill.organisation)
    return object_create(
        obj=DrillFinding(
            drill=drill,
            finding=finding,
            action=action,
            action_unit=action_unit,
            action_owner=action_owner,
            due_on=due_on,
            note=note,
        )
    )


@transaction.atomic
def finding_update(*, finding: DrillFinding, data: dict[str, Any]) -> DrillFinding:
    """Change a finding or its action (due date, owner); the status moves only by transitions."""
    require_policy(finding.drill.organisation)
    data.pop("status", None)
    return object_update(obj=finding, data=data)


@transaction.atomic
def finding_move(
    *, finding: DrillFinding, status: str, note: str = "", on: datetime.date | None = None
) -> DrillFinding:
    """Move an action along the PDCA cycle (Plan → Do → Check → Act, or back to Do)."""
    require(
        may_edit(finding, actor()),
        _("Only the responsible unit or the IT policy division may move this action."),
    )
    if status not in ACTION_TRANSITIONS[ActionStatus(finding.status)]:
        raise ValidationError(
            {
                "status": _("An action in %(current)s cannot move to %(target)s.")
                % {
                    "current": ActionStatus(finding.status).label,
                    "target": ActionStatus(status).label
                    if status in ActionStatus.values
                    else status,
                }
            }
        )
    data: dict[str, Any] = {"status": status}
    if status == ActionStatus.ACT:
        data["done_on"] = on or datetime.date.today()
    elif finding.done_on:
        data["done_on"] = None
    if note:
        data["note"] = (finding.note + "\n" if finding.note else "") + note
    return object_update(obj=finding, data=data)


_PDCA = [ActionStatus.PLAN, ActionStatus.DO, ActionStatus.CHECK, ActionStatus.ACT]


@transaction.atomic
def finding_set_status(
    *, finding: DrillFinding, status: str, on: datetime.date | None = None
) -> DrillFinding:
    """Bring an action to ``status`` through each PDCA step in turn (imports record where an
    action stands); going back is only Check → Do."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status: %(status)s") % {"status": status}})
    current, target = _PDCA.index(ActionStatus(finding.status)), _PDCA.index(ActionStatus(status))
    if target < current:
        return finding_move(finding=finding, status=status, on=on)
    for step in _PDCA[current + 1 : target + 1]:
        finding = finding_move(finding=finding, status=step, on=on)
    return finding


# --- availability -------------------------------------------------------------------------------


@transaction.atomic
def service_profile_save(*, system: InformationSystem, **fields: Any) -> ServiceProfile:
    """Set a system's service hours and how planned maintenance counts; flagging the shared file
    server is the IT policy division's (and moves the flag from any other system)."""
    require_system(system)
    existing = ServiceProfile.objects.filter(system=system).first()
    flag = fields.get("shared_file_server")
    if flag is not None and bool(flag) != bool(existing and existing.shared_file_server):
        require(
            system.organisation_id in scope_of(actor()).policy_org_ids,
            _("Only the IT policy division decides which system is the shared file server."),
        )
    if flag:
        for other in ServiceProfile.objects.filter(
            system__organisation=system.organisation, shared_file_server=True
        ).exclude(system=system):
            object_update(obj=other, data={"shared_file_server": False})
    if existing is not None:
        return object_update(obj=existing, data=fields)
    return object_create(obj=ServiceProfile(system=system, **fields))


@transaction.atomic
def usage_save(
    *,
    system: InformationSystem,
    unit: OrgUnit,
    since: datetime.date,
    until: datetime.date | None = None,
) -> ServiceUsage:
    """Record that a unit uses a shared system from a date (and until when)."""
    require_system(system)
    if unit.organisation_id != system.organisation_id:
        raise ValidationError({"unit": _("The unit belongs to another organisation.")})
    if until and until < since:
        raise ValidationError({"until": _("The end is before the start.")})
    existing = ServiceUsage.objects.filter(system=system, unit=unit).first()
    if existing is not None:
        return object_update(obj=existing, data={"since": since, "until": until})
    return object_create(obj=ServiceUsage(system=system, unit=unit, since=since, until=until))


@transaction.atomic
def usage_delete(*, usage: ServiceUsage) -> None:
    require_system(usage.system)
    object_delete(obj=usage)


@transaction.atomic
def outage_create(
    *,
    system: InformationSystem,
    started_at: datetime.datetime,
    cause: str,
    ended_at: datetime.datetime | None = None,
    planned: bool = False,
    note: str = "",
) -> Outage:
    """Record a time the system was not available."""
    require_system(system)
    return object_create(
        obj=Outage(
            system=system,
            started_at=started_at,
            ended_at=ended_at,
            planned=planned,
            cause=cause,
            note=note,
        )
    )


@transaction.atomic
def outage_update(*, outage: Outage, data: dict[str, Any]) -> Outage:
    require_system(outage.system)
    return object_update(obj=outage, data=data)


@transaction.atomic
def outage_delete(*, outage: Outage) -> None:
    require_system(outage.system)
    object_delete(obj=outage)
