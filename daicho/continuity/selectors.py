"""Reads of the continuity area: compliance with the backup standard, BCP readiness, overdue
actions, availability. Each list is a constant number of queries; the rules are then applied in
Python to the rows fetched (a few hundred systems at most)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.continuity.models import (
    FREQUENCY_HOURS,
    LOCATION_DISTANCE,
    Axis,
    BackupConfig,
    BackupRule,
    BackupStandard,
    BcpPlan,
    ClassificationLevel,
    CopyLocation,
    DrillFinding,
    Frequency,
    Outage,
    RestoreResult,
    RestoreTest,
    ServiceProfile,
    SystemClassification,
)
from daicho.core import metrics, wareki
from daicho.core.models import OrgUnit
from daicho.core.tables import label
from daicho.registry.models import InformationSystem, Status


def fiscal_year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def evaluation_date(fiscal_year: int, today: datetime.date | None = None) -> datetime.date | None:
    """The day a fiscal year is measured on: its last day, or today while it runs (None before
    it starts)."""
    today = today or timezone.localdate()
    if today < datetime.date(fiscal_year, 4, 1):
        return None
    return min(fiscal_year_end(fiscal_year), today)


def systems_in_operation(organisation, on: datetime.date):
    """Systems in service on ``on`` (started, not retired)."""
    return InformationSystem.objects.filter(
        organisation=organisation, in_service_on__lte=on
    ).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=on))


# --- classification -----------------------------------------------------------------------------

GUIDELINE_FIELDS = {
    Axis.CONFIDENTIALITY: "confidentiality",
    Axis.INTEGRITY: "integrity",
    Axis.AVAILABILITY: "availability",
}


@dataclass
class SchemeLevels:
    """A scheme's levels, indexed for resolving systems' levels without queries per system."""

    scheme: object
    by_guideline: dict[tuple[str, str], list[ClassificationLevel]]
    refinements: dict[tuple[int, str], ClassificationLevel]

    @classmethod
    def load(cls, scheme, system_ids=None) -> SchemeLevels:
        by_guideline: dict[tuple[str, str], list[ClassificationLevel]] = defaultdict(list)
        for level in ClassificationLevel.objects.filter(scheme=scheme):
            by_guideline[(level.axis, level.guideline_level)].append(level)
        refinements = SystemClassification.objects.filter(scheme=scheme).select_related("level")
        if system_ids is not None:
            refinements = refinements.filter(system_id__in=system_ids)
        return cls(
            scheme=scheme,
            by_guideline=dict(by_guideline),
            refinements={(r.system_id, r.axis): r.level for r in refinements},
        )

    def level_of(self, system, axis: str) -> tuple[ClassificationLevel | None, list]:
        """The system's level on ``axis`` and, when the scheme splits its guideline level and
        nothing (consistent) is recorded, the levels to choose from."""
        guideline = getattr(system, GUIDELINE_FIELDS[axis])
        if not guideline:
            return None, []
        candidates = self.by_guideline.get((axis, guideline), [])
        if len(candidates) == 1:
            return candidates[0], []
        refined = self.refinements.get((system.pk, axis))
        if refined is not None and refined.guideline_level == guideline:
            return refined, []
        return None, candidates


# --- compliance with the backup standard --------------------------------------------------------


def standard_in_force(organisation, on: datetime.date) -> BackupStandard | None:
    """The version of the backup standard in force on ``on``."""
    return (
        BackupStandard.objects.filter(organisation=organisation, effective_from__lte=on)
        .select_related("scheme")
        .order_by("-effective_from")
        .first()
    )


@dataclass
class Shortfall:
    """Why a system fails a rule: which rule, what it asks, what the system has."""

    rule: str
    check: str
    message: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "check": self.check, "message": self.message}


@dataclass
class SystemCompliance:
    system: InformationSystem
    levels: list[ClassificationLevel] = field(default_factory=list)
    rules: list[BackupRule] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    last_restore_on: datetime.date | None = None

    @property
    def compliant(self) -> bool:
        return not self.shortfalls

    def as_dict(self) -> dict:
        s = self.system
        return {
            "system": s.code,
            "name": s.name,
            "owner_unit": s.owner_unit.code,
            "owner_unit_name": s.owner_unit.name,
            "levels": [lv.code if lv.name == lv.code else lv.name for lv in self.levels],
            "rules": [r.title for r in self.rules],
            "compliant": self.compliant,
            "last_restore_test": self.last_restore_on.isoformat() if self.last_restore_on else None,
            "reasons": [f.as_dict() for f in self.shortfalls],
        }


def _frequency_label(value: str) -> str:
    return label(Frequency, value)


def evaluate(
    *,
    system,
    config,
    last_restore_on: datetime.date | None,
    levels: SchemeLevels,
    rules: list[BackupRule],
    rule_levels: dict[int, set[int]],
    on: datetime.date,
) -> SystemCompliance:
    """Check one system against the rules of a standard on a day, with the reasons it fails."""
    result = SystemCompliance(system=system, last_restore_on=last_restore_on)
    scheme = levels.scheme
    if not any(getattr(system, f) for f in GUIDELINE_FIELDS.values()):
        result.shortfalls.append(
            Shortfall(
                "",
                "classification",
                _(
                    "The system's classification (confidentiality, integrity, availability) is "
                    "not recorded."
                ),
            )
        )
        return result
    level_ids: set[int] = set()
    for axis in Axis.values:
        level, choices = levels.level_of(system, axis)
        if level is not None:
            result.levels.append(level)
            level_ids.add(level.pk)
        elif choices:
            result.shortfalls.append(
                Shortfall(
                    "",
                    "classification",
                    _("Record the level in %(scheme)s: %(choices)s.")
                    % {"scheme": scheme, "choices": " / ".join(c.name for c in choices)},
                )
            )
    result.rules = [r for r in rules if rule_levels.get(r.pk, set()) & level_ids]
    if result.rules and config is None:
        result.shortfalls.append(
            Shortfall(result.rules[0].title, "config", _("No backup configuration is recorded."))
        )
        return result
    for rule in result.rules:
        _check_rule(result, rule, config, last_restore_on, on)
    return result


def _check_rule(result, rule, config, last_restore_on, on) -> None:
    add = result.shortfalls.append
    if (
        rule.max_frequency
        and FREQUENCY_HOURS[config.frequency] > FREQUENCY_HOURS[rule.max_frequency]
    ):
        add(
            Shortfall(
                rule.title,
                "frequency",
                _("Backed up %(actual)s; the standard asks for %(required)s or more often.")
                % {
                    "actual": _frequency_label(config.frequency),
                    "required": _frequency_label(rule.max_frequency),
                },
            )
        )
    if rule.min_generations and config.generations < rule.min_generations:
        add(
            Shortfall(
                rule.title,
                "generations",
                _("%(actual)d generations kept; at least %(required)d required (%(short)d short).")
                % {
                    "actual": config.generations,
                    "required": rule.min_generations,
                    "short": rule.min_generations - config.generations,
                },
            )
        )
    if (
        rule.min_copy_location
        and LOCATION_DISTANCE[config.copy_location] < LOCATION_DISTANCE[rule.min_copy_location]
    ):
        add(
            Shortfall(
                rule.title,
                "location",
                _("The farthest copy is kept in: %(actual)s; the standard asks for %(required)s.")
                % {
                    "actual": label(CopyLocation, config.copy_location),
                    "required": label(CopyLocation, rule.min_copy_location),
                },
            )
        )
    if rule.encryption_required and not config.encrypted:
        add(
            Shortfall(
                rule.title, "encryption", _("Backups are not encrypted; the standard asks so.")
            )
        )
    if rule.restore_test_months:
        if last_restore_on is None:
            add(
                Shortfall(
                    rule.title,
                    "restore_test",
                    _(
                        "No successful restore test is recorded; one is required every "
                        "%(months)d months."
                    )
                    % {"months": rule.restore_test_months},
                )
            )
        else:
            due = wareki.add_months(last_restore_on, rule.restore_test_months)
            if due < on:
                add(
                    Shortfall(
                        rule.title,
                        "restore_test",
                        _(
                            "The last successful restore test was on %(date)s; one is required "
                            "every %(months)d months (%(days)d days overdue)."
                        )
                        % {
                            "date": last_restore_on.isoformat(),
                            "months": rule.restore_test_months,
                            "days": (on - due).days,
                        },
                    )
                )


def backup_compliance(
    *, organisation, on: datetime.date | None = None, systems=None, standard=None
) -> tuple[BackupStandard | None, list[SystemCompliance]]:
    """Every system in operation on ``on`` checked against the standard in force that day."""
    on = on or timezone.localdate()
    standard = standard or standard_in_force(organisation, on)
    if systems is None:
        systems = systems_in_operation(organisation, on).exclude(status=Status.PLANNING)
    last_success = (
        RestoreTest.objects.filter(
            system=OuterRef("pk"), result=RestoreResult.SUCCESS, tested_on__lte=on
        )
        .order_by()
        .values("system")
        .annotate(last=Max("tested_on"))
        .values("last")
    )
    rows = list(
        systems.select_related("owner_unit", "owner_unit__department")
        .annotate(last_restore_on=Subquery(last_success))
        .order_by("owner_unit__tree_key", "code")
    )
    if standard is None:
        return None, []
    # The configurations in a query of their own: select_related("backup") would also link each
    # configuration back to its system, a reference cycle per system that only the garbage
    # collector frees (about 5,000 objects a dashboard request, freed in one slow full collection).
    configs = {
        config.system_id: config
        for config in BackupConfig.objects.filter(system__in=systems.values("pk"))
    }
    rules = list(standard.rules.all())
    rule_levels: dict[int, set[int]] = defaultdict(set)
    for rule_id, level_id in BackupRule.levels.through.objects.filter(
        backuprule__standard=standard
    ).values_list("backuprule_id", "classificationlevel_id"):
        rule_levels[rule_id].add(level_id)
    levels = SchemeLevels.load(standard.scheme)
    results = []
    for system in rows:
        config = configs.get(system.pk)
        results.append(
            evaluate(
                system=system,
                config=config,
                last_restore_on=system.last_restore_on,
                levels=levels,
                rules=rules,
                rule_levels=rule_levels,
                on=on,
            )
        )
    return standard, results


def backup_compliance_shared(
    *, organisation, on: datetime.date
) -> tuple[BackupStandard | None, list[SystemCompliance]]:
    """`backup_compliance` on ``on``, computed once per page that shows it several times (the
    indicator, its trend and the dashboard's summary: `core.metrics.sharing`)."""
    return metrics.shared(
        ("continuity.backup_compliance", organisation.pk, on),
        lambda: backup_compliance(organisation=organisation, on=on),
    )


def _has_backup(system) -> bool:
    try:
        return system.backup is not None
    except InformationSystem.backup.RelatedObjectDoesNotExist:
        return False


def compliance_by_unit(results: list[SystemCompliance]) -> list[dict]:
    """Results grouped by owner section, in the unit tree's order."""
    groups: dict[int, dict] = {}
    for result in results:
        unit = result.system.owner_unit
        group = groups.setdefault(
            unit.pk,
            {
                "unit": unit,
                "department": result.system.owner_unit.department,
                "results": [],
                "failing": 0,
            },
        )
        group["results"].append(result)
        group["failing"] += 0 if result.compliant else 1
    return list(groups.values())


# --- ICT-BCP readiness --------------------------------------------------------------------------


@dataclass
class ReadinessIssue:
    check: str
    message: str
    contradiction: bool = True

    def as_dict(self) -> dict:
        return {"check": self.check, "message": self.message, "contradiction": self.contradiction}


def _last_test(field_name: str):
    return Subquery(
        RestoreTest.objects.filter(system=OuterRef("system_id"))
        .order_by("-tested_on", "-pk")
        .values(field_name)[:1]
    )


def bcp_list(*, user=None, organisation=None):
    """BCP entries with what the readiness check needs, in a constant number of queries."""
    plans = BcpPlan.objects.all()
    if user is not None:
        plans = plans.visible_to(user)
    if organisation is not None:
        plans = plans.filter(system__organisation=organisation)
    return (
        plans.select_related("system", "system__owner_unit", "system__backup")
        .annotate(
            last_test_on=_last_test("tested_on"), last_test_minutes=_last_test("duration_minutes")
        )
        .prefetch_related(
            Prefetch(
                "dependencies",
                queryset=InformationSystem.objects.select_related("bcp").order_by("code"),
            )
        )
    )


def _hours(value: int) -> str:
    return _("%(hours)s h") % {"hours": value}


def _minutes(value: int) -> str:
    hours, minutes = divmod(value, 60)
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


def readiness(plan: BcpPlan) -> list[ReadinessIssue]:
    """Contradictions in a system's ICT-BCP (and gaps that leave it untested)."""
    issues: list[ReadinessIssue] = []
    system = plan.system
    backup = system.backup if _has_backup(system) else None
    if backup is None:
        issues.append(
            ReadinessIssue(
                "rpo",
                _("RPO is %(rpo)s but no backup is recorded for the system.")
                % {"rpo": _hours(plan.rpo_hours)},
            )
        )
    elif FREQUENCY_HOURS[backup.frequency] > plan.rpo_hours:
        issues.append(
            ReadinessIssue(
                "rpo",
                _(
                    "RPO is %(rpo)s but backups are taken %(frequency)s: up to %(interval)s of "
                    "data could be lost."
                )
                % {
                    "rpo": _hours(plan.rpo_hours),
                    "frequency": label(Frequency, backup.frequency),
                    "interval": _hours(FREQUENCY_HOURS[backup.frequency]),
                },
            )
        )
    last_on = getattr(plan, "last_test_on", None)
    last_minutes = getattr(plan, "last_test_minutes", None)
    if last_on is None:
        issues.append(
            ReadinessIssue(
                "rto",
                _("No restore test is recorded: the RTO of %(rto)s is untested.")
                % {"rto": _hours(plan.rto_hours)},
                contradiction=False,
            )
        )
    elif last_minutes > plan.rto_hours * 60:
        issues.append(
            ReadinessIssue(
                "rto",
                _("RTO is %(rto)s but the last restore test (%(date)s) took %(took)s.")
                % {
                    "rto": _hours(plan.rto_hours),
                    "date": last_on.isoformat(),
                    "took": _minutes(last_minutes),
                },
            )
        )
    for dependency in plan.dependencies.all():
        dep_plan = getattr(dependency, "bcp", None) if _has_bcp(dependency) else None
        if dep_plan is None:
            issues.append(
                ReadinessIssue(
                    "dependency",
                    _("Depends on %(system)s, which has no ICT-BCP.") % {"system": dependency},
                )
            )
        elif dep_plan.recovery_priority > plan.recovery_priority:
            issues.append(
                ReadinessIssue(
                    "dependency",
                    _(
                        "Depends on %(system)s with recovery priority %(theirs)s, lower than this "
                        "system's %(ours)s."
                    )
                    % {
                        "system": dependency,
                        "theirs": dep_plan.recovery_priority,
                        "ours": plan.recovery_priority,
                    },
                )
            )
        elif dep_plan.rto_hours > plan.rto_hours:
            issues.append(
                ReadinessIssue(
                    "dependency",
                    _(
                        "Depends on %(system)s, whose RTO (%(theirs)s) is longer than this "
                        "system's (%(ours)s)."
                    )
                    % {
                        "system": dependency,
                        "theirs": _hours(dep_plan.rto_hours),
                        "ours": _hours(plan.rto_hours),
                    },
                )
            )
    if plan.priority_work and not plan.alternate_procedure.strip():
        issues.append(
            ReadinessIssue(
                "alternate",
                _("Supports priority work but no alternate procedure is written."),
                contradiction=False,
            )
        )
    return issues


def _has_bcp(system) -> bool:
    try:
        return system.bcp is not None
    except InformationSystem.bcp.RelatedObjectDoesNotExist:
        return False


# --- drills -------------------------------------------------------------------------------------


def overdue_actions(*, user, on: datetime.date | None = None):
    """Actions from drill findings past their due date and not done, that the user may read."""
    on = on or timezone.localdate()
    return (
        DrillFinding.objects.visible_to(user)
        .overdue(on)
        .select_related("drill", "action_unit")
        .order_by("due_on", "pk")
    )


# --- availability -------------------------------------------------------------------------------


@dataclass
class Availability:
    fiscal_year: int
    service_minutes: int
    downtime_minutes: int
    planned_minutes: int
    outages: int

    @property
    def percent(self) -> Decimal | None:
        if not self.service_minutes:
            return None
        return (
            Decimal(self.service_minutes - self.downtime_minutes) * 100 / self.service_minutes
        ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    """Total length of the intersection of two sorted, merged interval lists."""
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            total += end - start
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def availability(
    *, profile: ServiceProfile | None, outages, fiscal_year: int, now=None
) -> Availability:
    """Availability of one system in a fiscal year: service time within its service hours
    (weekdays only if so set), minus downtime; planned maintenance is taken out of the service
    time when the profile says so. Outages are clipped to the year (one spanning 31 March counts
    in both years) and an outage still open counts up to now."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start_hour = profile.service_start_hour if profile else 0
    end_hour = profile.service_end_hour if profile else 24
    weekdays_only = profile.weekdays_only if profile else False
    exclude_planned = profile.exclude_planned if profile else True
    year_start = datetime.datetime(fiscal_year, 4, 1, tzinfo=tz)
    year_end = min(datetime.datetime(fiscal_year + 1, 4, 1, tzinfo=tz), max(now, year_start))
    windows = []
    day = year_start.date()
    while True:
        begin = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
        if begin >= year_end:
            break
        if not (weekdays_only and day.weekday() >= 5):
            w_start = begin + datetime.timedelta(hours=start_hour)
            w_end = min(begin + datetime.timedelta(hours=end_hour), year_end)
            if w_end > w_start:
                windows.append((w_start.timestamp(), w_end.timestamp()))
        day += datetime.timedelta(days=1)
    planned, unplanned = [], []
    count = 0
    for outage in outages:
        start = max(outage.started_at, year_start)
        end = min(outage.ended_at or now, year_end)
        if end <= start:
            continue
        count += 1
        (planned if outage.planned else unplanned).append((start.timestamp(), end.timestamp()))
    planned, everything = _merge(planned), _merge(planned + unplanned)
    service = sum(b - a for a, b in windows)
    in_planned = _overlap(windows, planned)
    in_any = _overlap(windows, everything)
    if exclude_planned:
        service -= in_planned
        down = in_any - in_planned
    else:
        down = in_any
    return Availability(
        fiscal_year=fiscal_year,
        service_minutes=round(service / 60),
        downtime_minutes=round(down / 60),
        planned_minutes=round(in_planned / 60),
        outages=count,
    )


def fiscal_year_span(fiscal_year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The fiscal year as local times: [1 April 00:00, next 1 April 00:00)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(fiscal_year, 4, 1, tzinfo=tz),
        datetime.datetime(fiscal_year + 1, 4, 1, tzinfo=tz),
    )


def system_availability(*, system, fiscal_year: int, now=None) -> Availability:
    profile = ServiceProfile.objects.filter(system=system).first()
    year_start, year_end = fiscal_year_span(fiscal_year)
    outages = Outage.objects.filter(system=system, started_at__lt=year_end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=year_start)
    )
    return availability(profile=profile, outages=outages, fiscal_year=fiscal_year, now=now)


def shared_file_server(organisation):
    """The system flagged as the shared file server, if any."""
    profile = (
        ServiceProfile.objects.filter(system__organisation=organisation, shared_file_server=True)
        .select_related("system")
        .first()
    )
    return profile.system if profile else None


def file_server_users(organisation, on: datetime.date) -> tuple:
    """(the sections using the shared file server on ``on`` as a queryset, how many sections
    there are, the server), or (None, sections, None) when no server is marked."""
    server = shared_file_server(organisation)
    sections = OrgUnit.objects.filter(organisation=organisation, kind="section", is_active=True)
    total = sections.count()
    if server is None:
        return None, total, None
    users = sections.filter(
        pk__in=server.usages.filter(since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .values("unit_id")
    )
    return users, total, server


def file_server_usage(organisation, on: datetime.date) -> tuple[int, int, object]:
    """(units using the shared file server, sections, the server) on ``on``."""
    server = shared_file_server(organisation)
    sections = OrgUnit.objects.filter(organisation=organisation, kind="section", is_active=True)
    total = sections.count()
    if server is None:
        return 0, total, None
    using = sections.filter(
        pk__in=server.usages.filter(since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .values("unit_id")
    ).count()
    return using, total, server
