"""The backup standard and its rules, a system's backup configuration and restore tests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.continuity.models.base import SystemRecord
from daicho.continuity.models.classification import ClassificationLevel, ClassificationScheme
from daicho.core.models import Organisation
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.registry.models import InformationSystem


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
