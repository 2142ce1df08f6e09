"""Service profiles, the units using a service, and outages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.continuity.models.base import SystemRecord
from daicho.core.models import OrgUnit
from daicho.core.scope import ScopedQuerySet
from daicho.registry.models import InformationSystem


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
