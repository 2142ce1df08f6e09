"""Business continuity (3.1.1, 3.1.2, 3.3.3): classification schemes, the backup standard,
per-system backups and restore tests, ICT-BCP, drills with PDCA actions, outages.

A system's guideline classification (機密性/完全性/可用性 1–3) stays where the registry keeps it,
on the system: that is the one source of truth. A scheme that splits a guideline level (the 2024
revision's 3A/3B/3C, a local 2A/2B) stores only the refinement (`SystemClassification`), and a
refinement that no longer agrees with the system's guideline level is ignored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core.models import CodedModel, Organisation, OrgUnit
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.registry.models import InformationSystem, code_validator


class SystemRecord(models.Model):
    """A record kept per system: its history belongs to the system's カルテ; the system's
    organisation reads it, its owner section (and the units above) and IT policy edit it."""

    scoped = Scoped(org="system__organisation", unit="system__owner_unit")

    class Meta:
        abstract = True

    @property
    def organisation(self) -> Organisation:
        return self.system.organisation

    def audit_root(self) -> InformationSystem:
        return self.system


# --- classification schemes -------------------------------------------------------------------


class Axis(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    INTEGRITY = "integrity", _("Integrity")
    AVAILABILITY = "availability", _("Availability")


class ClassificationScheme(CodedModel):
    """A versioned set of classification levels (総務省 guideline, its 2024 revision, a local
    variant)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    code = models.CharField(_("code"), max_length=30, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    version = models.CharField(_("version"), max_length=30, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("classification scheme")
        verbose_name_plural = _("classification schemes")
        ordering = ["effective_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="continuity_scheme_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()

    def get_absolute_url(self) -> str:
        return reverse("continuity:scheme_detail", args=[self.pk])


class ClassificationLevel(models.Model):
    """One level of a scheme on one axis (e.g. 機密性3A), and the guideline level it refines."""

    scheme = models.ForeignKey(
        ClassificationScheme,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("scheme"),
    )
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    code = models.CharField(_("level"), max_length=10)
    name = models.CharField(_("name"), max_length=50)
    guideline_level = models.CharField(
        _("guideline level"),
        max_length=1,
        choices=[("1", "1"), ("2", "2"), ("3", "3")],
        help_text=_("The 総務省 guideline level (as recorded on the system) this level refines."),
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Higher is more important; orders the levels.")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("classification level")
        verbose_name_plural = _("classification levels")
        ordering = ["scheme", "axis", "-rank", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "axis", "code"], name="continuity_level_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self) -> Organisation:
        return self.scheme.organisation

    def audit_root(self):
        return self.scheme


class SystemClassification(SystemRecord):
    """A system's level in a scheme that splits its guideline level (e.g. 3 → 3A/3B/3C)."""

    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="scheme_levels",
        verbose_name=_("system"),
    )
    scheme = models.ForeignKey(
        ClassificationScheme, on_delete=models.CASCADE, related_name="+", verbose_name=_("scheme")
    )
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    level = models.ForeignKey(
        ClassificationLevel, on_delete=models.CASCADE, related_name="+", verbose_name=_("level")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("system classification")
        verbose_name_plural = _("system classifications")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "scheme", "axis"], name="continuity_sysclass_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system.code} {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:system_backup", args=[self.system_id])


# --- the backup standard ----------------------------------------------------------------------


class Frequency(models.TextChoices):
    HOURLY = "hourly", _("Hourly or more often")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


FREQUENCY_HOURS = {
    Frequency.HOURLY: 1,
    Frequency.DAILY: 24,
    Frequency.WEEKLY: 24 * 7,
    Frequency.MONTHLY: 24 * 31,
}


class CopyLocation(models.TextChoices):
    SAME_BUILDING = "same_building", _("Same building")
    OFF_SITE = "off_site", _("Off-site")
    CLOUD = "cloud", _("Cloud")
    OTHER_REGION = "other_region", _("Another region")


# How far a copy is from the original: a disaster that takes the building must not take it.
LOCATION_DISTANCE = {
    CopyLocation.SAME_BUILDING: 0,
    CopyLocation.OFF_SITE: 1,
    CopyLocation.CLOUD: 1,
    CopyLocation.OTHER_REGION: 2,
}


class BackupStandard(models.Model):
    """One version of the organisation's backup and restore standard, in force from a date."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    version = models.CharField(_("version"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    scheme = models.ForeignKey(
        ClassificationScheme,
        on_delete=models.PROTECT,
        related_name="standards",
        verbose_name=_("classification scheme"),
    )
    effective_from = models.DateField(_("effective from"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("backup standard")
        verbose_name_plural = _("backup standards")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="continuity_standard_unique_version"
            ),
            models.UniqueConstraint(
                fields=["organisation", "effective_from"],
                name="continuity_standard_unique_effective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:standard_detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.scheme_id
            and self.organisation_id
            and self.scheme.organisation_id != self.organisation_id
        ):
            raise ValidationError({"scheme": _("The scheme belongs to another organisation.")})


class BackupRule(models.Model):
    """What the standard requires of the systems with any of the rule's classification levels."""

    standard = models.ForeignKey(
        BackupStandard, on_delete=models.CASCADE, related_name="rules", verbose_name=_("standard")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=100)
    levels = models.ManyToManyField(
        ClassificationLevel,
        related_name="+",
        verbose_name=_("applies to levels"),
        help_text=_("The rule applies to a system with any of these levels."),
    )
    max_frequency = models.CharField(
        _("at least"), max_length=10, choices=Frequency.choices, blank=True
    )
    min_generations = models.PositiveSmallIntegerField(
        _("generations at least"), null=True, blank=True, validators=[MaxValueValidator(999)]
    )
    min_copy_location = models.CharField(
        _("a copy kept at least"), max_length=20, choices=CopyLocation.choices, blank=True
    )
    encryption_required = models.BooleanField(_("encrypted"), default=False)
    restore_test_months = models.PositiveSmallIntegerField(
        _("restore test every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("backup rule")
        verbose_name_plural = _("backup rules")
        ordering = ["standard", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.standard.get_absolute_url()

    @property
    def organisation(self) -> Organisation:
        return self.standard.organisation

    def audit_root(self):
        return self.standard


# --- per-system backups -----------------------------------------------------------------------


class BackupMethod(models.TextChoices):
    FULL = "full", _("Full")
    INCREMENTAL = "incremental", _("Incremental")
    DIFFERENTIAL = "differential", _("Differential")
    SNAPSHOT = "snapshot", _("Snapshot")
    REPLICATION = "replication", _("Replication")


class BackupConfig(SystemRecord):
    """How a system is backed up: method, target, frequency, generations, where copies are."""

    system = models.OneToOneField(
        InformationSystem, on_delete=models.CASCADE, related_name="backup", verbose_name=_("system")
    )
    method = models.CharField(
        _("method"), max_length=20, choices=BackupMethod.choices, default=BackupMethod.FULL
    )
    target = models.CharField(_("what is backed up"), max_length=200, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    generations = models.PositiveSmallIntegerField(
        _("generations kept"), validators=[MaxValueValidator(999)]
    )
    copy_location = models.CharField(
        _("farthest copy kept"), max_length=20, choices=CopyLocation.choices
    )
    encrypted = models.BooleanField(_("encrypted"), default=False)
    last_success_on = models.DateField(_("last successful backup"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("backup configuration")
        verbose_name_plural = _("backup configurations")
        ordering = ["system__code"]

    def __str__(self) -> str:
        return f"{self.system.code} {self.system.name}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:system_backup", args=[self.system_id])

    @property
    def interval_hours(self) -> int:
        return FREQUENCY_HOURS[self.frequency]


class RestoreResult(models.TextChoices):
    SUCCESS = "success", _("Restored")
    PARTIAL = "partial", _("Partly restored")
    FAILURE = "failure", _("Failed")


class RestoreTest(SystemRecord):
    """A test that data can be restored from a backup: when, result, how long, what."""

    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="restore_tests",
        verbose_name=_("system"),
    )
    tested_on = models.DateField(_("tested on"))
    result = models.CharField(_("result"), max_length=10, choices=RestoreResult.choices)
    duration_minutes = models.PositiveIntegerField(
        _("time to restore (minutes)"), validators=[MaxValueValidator(60 * 24 * 60)]
    )
    data_restored = models.CharField(_("data restored"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("restore test")
        verbose_name_plural = _("restore tests")
        ordering = ["-tested_on", "-pk"]
        # The import's natural key (docs/import-keys.md): one restore test per system and day.
        constraints = [
            models.UniqueConstraint(
                fields=["system", "tested_on"],
                name="continuity_restoretest_unique",
                violation_error_message=_("A restore test of this system on this day is recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.system.code} {self.tested_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:system_backup", args=[self.system_id])


# --- ICT-BCP ----------------------------------------------------------------------------------


class RecoveryPriority(models.TextChoices):
    A = "A", _("Priority A (restore first)")
    B = "B", _("Priority B")
    C = "C", _("Priority C")
    D = "D", _("Priority D (restore last)")


class BcpPlan(SystemRecord):
    """A system's ICT-BCP entry: priority work, recovery priority, RTO/RPO, what to do meanwhile."""

    system = models.OneToOneField(
        InformationSystem, on_delete=models.CASCADE, related_name="bcp", verbose_name=_("system")
    )
    priority_work = models.BooleanField(
        _("supports priority work in an emergency"),
        default=False,
        help_text=_("非常時優先業務"),
    )
    recovery_priority = models.CharField(
        _("recovery priority"), max_length=1, choices=RecoveryPriority.choices
    )
    rto_hours = models.PositiveIntegerField(
        _("RTO (hours)"), validators=[MaxValueValidator(24 * 365)]
    )
    rpo_hours = models.PositiveIntegerField(
        _("RPO (hours)"), validators=[MaxValueValidator(24 * 365)]
    )
    alternate_procedure = models.TextField(_("alternate procedure"), blank=True)
    staff_contact = models.CharField(_("staff contact"), max_length=200, blank=True)
    vendor_contact = models.CharField(_("vendor contact"), max_length=200, blank=True)
    dependencies = models.ManyToManyField(
        InformationSystem,
        related_name="bcp_dependents",
        blank=True,
        verbose_name=_("depends on"),
    )
    established_on = models.DateField(_("established on"))
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ICT-BCP")
        verbose_name_plural = _("ICT-BCPs")
        ordering = ["recovery_priority", "system__code"]

    def __str__(self) -> str:
        return f"{self.system.code} {self.system.name}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:system_bcp", args=[self.system_id])


# --- drills and their PDCA actions ------------------------------------------------------------


class DrillKind(models.TextChoices):
    DESK = "desk", _("Desk exercise")
    FUNCTIONAL = "functional", _("Functional drill")
    FULL = "full", _("Full-scale drill")


class Drill(models.Model):
    """An ICT-BCP drill (訓練): when, what kind, the scenario, who took part."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=12, choices=DrillKind.choices)
    title = models.CharField(_("title"), max_length=200)
    scenario = models.TextField(_("scenario"), blank=True)
    systems = models.ManyToManyField(
        InformationSystem, related_name="drills", blank=True, verbose_name=_("systems")
    )
    units = models.ManyToManyField(
        OrgUnit, related_name="drills", blank=True, verbose_name=_("units taking part")
    )
    participants = models.PositiveIntegerField(_("participants"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-held_on", "-pk"]
        # The import's natural key (docs/import-keys.md): a drill is its date and title.
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "held_on", "title"],
                name="continuity_drill_unique",
                violation_error_message=_("A drill with this title is recorded on this day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:drill_detail", args=[self.pk])


class ActionStatus(models.TextChoices):
    PLAN = "plan", _("Planned (P)")
    DO = "do", _("Doing (D)")
    CHECK = "check", _("Checking (C)")
    ACT = "act", _("Done (A)")


# The PDCA cycle of a finding's action; a check that fails sends it back to Do.
ACTION_TRANSITIONS = {
    ActionStatus.PLAN: (ActionStatus.DO,),
    ActionStatus.DO: (ActionStatus.CHECK,),
    ActionStatus.CHECK: (ActionStatus.ACT, ActionStatus.DO),
    ActionStatus.ACT: (),
}


class FindingQuerySet(ScopedQuerySet):
    """Findings are read by the organisation; their action is moved on by the IT policy division
    or the owner of the unit responsible."""

    def overdue(self, on):
        return self.filter(due_on__lt=on).exclude(status=ActionStatus.ACT)


class DrillFinding(models.Model):
    """What a drill found, and the action that answers it (owner, due date, PDCA status)."""

    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, related_name="findings", verbose_name=_("drill")
    )
    finding = models.TextField(_("finding"))
    action = models.TextField(_("improvement action"))
    action_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit")
    )
    action_owner = models.CharField(_("responsible person"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLAN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    scoped = Scoped(org="drill__organisation", unit="action_unit")
    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill finding")
        verbose_name_plural = _("drill findings")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.finding[:60]

    def get_absolute_url(self) -> str:
        return reverse("continuity:drill_detail", args=[self.drill_id])

    @property
    def organisation(self) -> Organisation:
        return self.drill.organisation

    def audit_root(self):
        return self.drill

    def clean(self) -> None:
        if (
            self.action_unit_id
            and self.drill_id
            and self.action_unit.organisation_id != self.drill.organisation_id
        ):
            raise ValidationError({"action_unit": _("The unit belongs to another organisation.")})


# --- availability -----------------------------------------------------------------------------


class ServiceProfile(SystemRecord):
    """When a system is meant to be available, and how planned maintenance counts."""

    system = models.OneToOneField(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="service_profile",
        verbose_name=_("system"),
    )
    shared_file_server = models.BooleanField(
        _("the shared file server"),
        default=False,
        help_text=_("The system the file-server indicators (3.3.3) are computed for."),
    )
    service_start_hour = models.PositiveSmallIntegerField(
        _("service starts (hour)"), default=0, validators=[MaxValueValidator(23)]
    )
    service_end_hour = models.PositiveSmallIntegerField(
        _("service ends (hour)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    weekdays_only = models.BooleanField(_("weekdays only"), default=False)
    exclude_planned = models.BooleanField(
        _("planned maintenance is not downtime"),
        default=True,
        help_text=_("Announced maintenance is taken out of the service time."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service profile")
        verbose_name_plural = _("service profiles")

    def __str__(self) -> str:
        return f"{self.system.code} {self.system.name}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:system_availability", args=[self.system_id])

    def clean(self) -> None:
        if self.service_end_hour <= self.service_start_hour:
            raise ValidationError({"service_end_hour": _("The service must end after it starts.")})


class ServiceUsage(SystemRecord):
    """A unit that uses a shared system (e.g. the shared file server) from a date."""

    system = models.ForeignKey(
        InformationSystem, on_delete=models.CASCADE, related_name="usages", verbose_name=_("system")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service usage")
        verbose_name_plural = _("service usages")
        ordering = ["unit__tree_key"]
        constraints = [
            models.UniqueConstraint(fields=["system", "unit"], name="continuity_usage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.system.code} {self.unit.name}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:system_availability", args=[self.system_id])


class Outage(SystemRecord):
    """A time the system was not available: start, end, planned or not, cause."""

    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="outages",
        verbose_name=_("system"),
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(
        _("ended at"), null=True, blank=True, help_text=_("Empty while it lasts.")
    )
    planned = models.BooleanField(_("planned maintenance"), default=False)
    cause = models.CharField(_("cause"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        ordering = ["-started_at", "-pk"]
        # The import's natural key (docs/import-keys.md): one outage of a system per start.
        constraints = [
            models.UniqueConstraint(
                fields=["system", "started_at"],
                name="continuity_outage_unique",
                violation_error_message=_("An outage of this system starting then is recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.system.code} {self.started_at:%Y-%m-%d %H:%M} {self.cause}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:system_availability", args=[self.system_id])

    def clean(self) -> None:
        if self.ended_at and self.started_at and self.ended_at <= self.started_at:
            raise ValidationError({"ended_at": _("The outage ends before it starts.")})
