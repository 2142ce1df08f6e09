"""The migration of each standard business area (標準化対象業務) to a standard-conforming system.

One `Migration` per organisation and area: the systems it runs today, the target system, where it
will run (the Government Cloud or another environment, with the reason), its phase, and the
特定移行支援 designation. `MigrationPhase` keeps the planned and actual date of each phase — the
dated history the phase at any year end is read from. `MigrationShare` is a municipality letting
another organisation (its prefecture) or everyone (open data) read its migration state.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core.models import Organisation
from daicho.core.scope import Scoped, ScopedQuerySet, scope_of
from daicho.registry.models import InformationSystem, StandardBusiness

#: The national deadline: the end of FY2025 (令和7年度末).
DEADLINE = datetime.date(2026, 3, 31)
#: The national base year of the operating-cost goal (平成30年度).
BASE_YEAR = 2018
#: The national goal: operating costs at least 30 % below the base year.
TARGET_REDUCTION = 30


class Phase(models.TextChoices):
    """Where an area's migration stands, in the order it goes through them."""

    NOT_STARTED = "not_started", _("Not started yet")
    PLANNING = "planning", _("Planning phase")
    PROCUREMENT = "procurement", _("Procurement")
    MIGRATING = "migrating", _("Migrating")
    MIGRATED = "migrated", _("Migrated")
    SPECIAL = "special", _("Specified migration support")


PHASE_ORDER = {phase: index for index, phase in enumerate(Phase.values)}


class Environment(models.TextChoices):
    GOV_CLOUD = "gov_cloud", _("Government Cloud")
    OTHER = "other", _("Another environment")


class CloudProvider(models.TextChoices):
    """The Government Cloud's certified providers."""

    AWS = "aws", "Amazon Web Services"
    AZURE = "azure", "Microsoft Azure"
    GOOGLE = "google", "Google Cloud"
    OCI = "oci", "Oracle Cloud Infrastructure"
    SAKURA = "sakura", "さくらのクラウド"


class Tenancy(models.TextChoices):
    SINGLE = "single", _("Own tenancy")
    SHARED = "shared", _("Shared tenancy (co-use)")


class MigrationQuerySet(ScopedQuerySet):
    """Migrations are the organisation's: its members read them, its IT policy division keeps
    them. Another organisation reads them only through `shared_with` (see MigrationShare)."""

    def shared_with(self, user):
        """Other organisations' migrations the user's organisations may read: shared with one of
        them by name, or with everyone as open data."""
        read = scope_of(user).read_org_ids
        sharers = MigrationShare.objects.filter(Q(reader__isnull=True) | Q(reader_id__in=read))
        return self.filter(organisation_id__in=sharers.values("organisation_id")).exclude(
            organisation_id__in=read
        )


class Migration(models.Model):
    """One standard business area of an organisation on its way to a standard-conforming system."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    area = models.CharField(
        _("standardisation business area"), max_length=20, choices=StandardBusiness.choices
    )
    current_systems = models.ManyToManyField(
        InformationSystem,
        blank=True,
        related_name="migrations_from",
        verbose_name=_("current systems"),
    )
    target_system = models.ForeignKey(
        InformationSystem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="migrations_to",
        verbose_name=_("target system"),
        help_text=_("The standard-conforming system: the organisation's own, or one it co-uses."),
    )
    target_product = models.CharField(_("standard-conforming product"), max_length=200, blank=True)
    target_vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    spec_version = models.CharField(_("standard specification version"), max_length=30, blank=True)
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.NOT_STARTED
    )
    environment = models.CharField(
        _("environment"), max_length=20, choices=Environment.choices, default=Environment.GOV_CLOUD
    )
    cloud_provider = models.CharField(
        _("Government Cloud provider"), max_length=20, choices=CloudProvider.choices, blank=True
    )
    tenancy = models.CharField(_("tenancy"), max_length=20, choices=Tenancy.choices, blank=True)
    environment_reason = models.TextField(_("reason for another environment"), blank=True)
    special_reason = models.TextField(_("reason for specified migration support"), blank=True)
    special_target_on = models.DateField(
        _("target date under specified migration support"), null=True, blank=True
    )
    depends_on = models.ManyToManyField(
        InformationSystem,
        blank=True,
        related_name="migrations_depending",
        verbose_name=_("depends on"),
        help_text=_("Systems the migration needs first, such as 宛名 or the 共通基盤."),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped()
    objects = MigrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("standardisation migration")
        verbose_name_plural = _("standardisation migrations")
        ordering = ["organisation", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "area"], name="standardisation_migration_unique_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ({self.get_phase_display()})"

    def get_absolute_url(self) -> str:
        return reverse("standardisation:migration_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.phase == Phase.SPECIAL:
            if not self.special_reason.strip():
                errors["special_reason"] = _("Say why the area needs specified migration support.")
            if not self.special_target_on:
                errors["special_target_on"] = _(
                    "Give the target date of the specified migration support."
                )
        if self.environment == Environment.OTHER and not self.environment_reason.strip():
            errors["environment_reason"] = _(
                "Say why the system does not run on the Government Cloud."
            )
        if self.environment == Environment.GOV_CLOUD and self.environment_reason.strip():
            errors["environment_reason"] = _("A reason is only given for another environment.")
        if self.target_system_id and self.organisation_id:
            system = self.target_system
            if (
                system.organisation_id != self.organisation_id
                and not system.co_uses.filter(co_user_id=self.organisation_id).exists()
            ):
                errors["target_system"] = _(
                    "The target system is another organisation's and not co-used by this one."
                )
        if errors:
            raise ValidationError(errors)


class MigrationPhase(models.Model):
    """A phase of an area's migration with its planned and actual date (the dated history)."""

    migration = models.ForeignKey(
        Migration, on_delete=models.CASCADE, related_name="phases", verbose_name=_("migration")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    actual_on = models.DateField(_("actual"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("migration phase")
        verbose_name_plural = _("migration phases")
        ordering = ["migration", "actual_on", "planned_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["migration", "phase"], name="standardisation_phase_unique"
            )
        ]
        indexes = [models.Index(fields=["phase", "actual_on"])]

    def __str__(self) -> str:
        return f"{self.migration.get_area_display()} {self.get_phase_display()}"

    @property
    def organisation(self) -> Organisation:
        return self.migration.organisation

    def audit_root(self) -> Migration:
        """A phase's history belongs to its migration's."""
        return self.migration


class MigrationShare(models.Model):
    """An organisation letting another (``reader``) or everyone (no reader: open data) read its
    migration state — how a prefecture sees its municipalities'."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    reader = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
        help_text=_("Empty: published as open data, for everyone."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("migration share")
        verbose_name_plural = _("migration shares")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reader"],
                condition=Q(reader__isnull=False),
                name="standardisation_share_unique_reader",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(reader__isnull=True),
                name="standardisation_share_unique_open_data",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.reader or _('open data')}"

    def clean(self) -> None:
        if self.reader_id and self.reader_id == self.organisation_id:
            raise ValidationError({"reader": _("An organisation reads its own migration anyway.")})
