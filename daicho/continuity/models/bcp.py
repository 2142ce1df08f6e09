"""A system's ICT-BCP entry (非常時優先業務, recovery priority, RTO, RPO)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.continuity.models.base import SystemRecord
from daicho.core.scope import ScopedQuerySet
from daicho.registry.models import InformationSystem


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
