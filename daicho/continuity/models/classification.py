"""Classification schemes and their levels, and a system's refined level."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.continuity.models.base import SystemRecord
from daicho.core.models import CodedModel, Organisation
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.registry.models import InformationSystem, code_validator


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
