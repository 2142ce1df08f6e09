"""ICT-BCP drills, their findings and the PDCA actions that follow them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core.models import Organisation, OrgUnit
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.registry.models import InformationSystem


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
