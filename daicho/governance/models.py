"""Governance of IT spending: procurement cases through the IT policy division's gates (第4章),
consultations (支援), budget review thresholds and post-implementation evaluations (事後評価)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daicho.core import wareki
from daicho.core.models import CodedModel, Organisation, OrgUnit
from daicho.core.money import MAX_YEN
from daicho.core.scope import Scoped, ScopedQuerySet
from daicho.registry.models import (
    ContractKind,
    InformationSystem,
    Vendor,
    code_validator,
)

YEN = [MinValueValidator(0), MaxValueValidator(MAX_YEN)]
FISCAL_YEAR = [
    MinValueValidator(wareki.MIN_FISCAL_YEAR),
    MaxValueValidator(wareki.MAX_FISCAL_YEAR),
]


class Stage(models.TextChoices):
    """The gates of the procurement procedure (図15), in order."""

    # Distinct words from the system statuses ("Planning" is 企画中 there; a gate is 企画).
    PLANNING = "planning", _("Planning stage")
    BUDGET = "budget", _("Budget request")
    PROCUREMENT = "procurement", _("Procurement and contract")
    OPERATION = "operation", _("Operation stage")
    EVALUATION = "evaluation", _("Post-implementation evaluation")


STAGE_ORDER = list(Stage.values)


class CaseState(models.TextChoices):
    """Where a case stands at its current gate."""

    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")


class CaseKind(models.TextChoices):
    NEW = "new", _("New system")
    RENEWAL = "renewal", _("Renewal")
    MODIFICATION = "modification", _("Modification")
    CLOUD = "cloud", _("Cloud service contract")


class ProcurementMethod(models.TextChoices):
    GENERAL_TENDER = "general_tender", _("General competitive tender")
    PROPOSAL = "proposal", _("Proposal competition")
    DESIGNATED_TENDER = "designated_tender", _("Designated competitive tender")
    NEGOTIATED = "negotiated", _("Negotiated contract")
    UNDECIDED = "undecided", _("Not decided yet")


class GreenStatus(models.TextChoices):
    """Whether the purchase meets the green procurement criteria (グリーン購入法)."""

    YES = "yes", _("Meets the green criteria")
    NO = "no", _("Does not meet the green criteria")
    NOT_APPLICABLE = "na", _("Not applicable (services only)")


class ProcurementCase(CodedModel):
    """A procurement case (案件) that goes through the IT policy division's gates."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    code = models.CharField(_("case ID"), max_length=30, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)
    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.PROTECT,
        related_name="procurement_cases",
        verbose_name=_("system"),
        help_text=_("A new system is registered first with the status “Planning”."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner section")
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("budget fiscal year"),
        validators=FISCAL_YEAR,
        help_text=_("The fiscal year the budget is requested for."),
    )
    initial_cost = models.BigIntegerField(
        _("estimated initial cost (yen)"), default=0, validators=YEN
    )
    recurring_cost = models.BigIntegerField(
        _("estimated recurring cost per year (yen)"), default=0, validators=YEN
    )
    procurement_method = models.CharField(
        _("procurement method"),
        max_length=20,
        choices=ProcurementMethod.choices,
        default=ProcurementMethod.UNDECIDED,
    )
    green = models.CharField(
        _("green procurement"),
        max_length=3,
        choices=GreenStatus.choices,
        default=GreenStatus.NOT_APPLICABLE,
    )
    purpose = models.TextField(_("purpose and expected effect"), blank=True)
    expected_staff_hours_saved = models.PositiveIntegerField(
        _("expected staff hours saved per year"), null=True, blank=True
    )
    expected_usage = models.PositiveIntegerField(
        _("expected usage per year (transactions)"), null=True, blank=True
    )
    # The contract (filled by the owner before the contract gate; written to the registry on
    # approval).
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vendor"),
    )
    contract_code = models.CharField(
        _("contract ID"), max_length=30, blank=True, validators=[code_validator]
    )
    contract_kind = models.CharField(
        _("contract kind"), max_length=20, choices=ContractKind.choices, blank=True
    )
    contract_start_on = models.DateField(_("contract start"), null=True, blank=True)
    contract_end_on = models.DateField(_("contract end"), null=True, blank=True)
    contract_amount = models.BigIntegerField(
        _("contract yearly amount (yen)"), null=True, blank=True, validators=YEN
    )
    stage = models.CharField(
        _("gate"), max_length=20, choices=Stage.choices, default=Stage.PLANNING
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.DRAFT
    )
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    review_checks = models.JSONField(
        _("IT policy review"),
        default=dict,
        blank=True,
        help_text=_("The IT policy division's own checks of each gate, by stage."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    in_operation_on = models.DateField(_("in operation since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scoped = Scoped(unit="owner_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("procurement case")
        verbose_name_plural = _("procurement cases")
        ordering = ["-fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="governance_case_unique_code"
            )
        ]
        indexes = [models.Index(fields=["organisation", "stage", "state"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("governance:case_detail", args=[self.pk])

    def audit_root(self) -> InformationSystem:
        """A case's history belongs to its system's カルテ."""
        return self.system

    @property
    def is_open(self) -> bool:
        return self.state not in (CaseState.WITHDRAWN, CaseState.COMPLETED)

    def clean(self) -> None:
        errors = {}
        org = self.organisation_id
        if self.system_id and org and self.system.organisation_id != org:
            errors["system"] = _("The system belongs to another organisation.")
        if self.owner_unit_id and org and self.owner_unit.organisation_id != org:
            errors["owner_unit"] = _("The owner section belongs to another organisation.")
        if self.vendor_id and org and self.vendor.organisation_id != org:
            errors["vendor"] = _("The vendor belongs to another organisation.")
        if (
            self.contract_start_on
            and self.contract_end_on
            and self.contract_end_on < self.contract_start_on
        ):
            errors["contract_end_on"] = _("The contract ends before it starts.")
        if errors:
            raise ValidationError(errors)


class DecisionAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    WITHDRAW = "withdraw", _("Withdrawn")
    COMPLETE = "complete", _("Evaluated")


class GateDecision(models.Model):
    """One step of a case through a gate: who did what, with which comment and checklist."""

    case = models.ForeignKey(
        ProcurementCase, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("case")
    )
    stage = models.CharField(_("gate"), max_length=20, choices=Stage.choices)
    action = models.CharField(_("action"), max_length=10, choices=DecisionAction.choices)
    comment = models.TextField(_("comment"), blank=True)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    review_checks = models.JSONField(_("IT policy review"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150)
    decided_at = models.DateTimeField(_("time"), default=timezone.now)

    scoped = Scoped(org="case__organisation", editable=False)  # written by the case's gates
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate decision")
        verbose_name_plural = _("gate decisions")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.code} {self.get_stage_display()} {self.get_action_display()}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()

    @property
    def organisation(self) -> Organisation:
        return self.case.organisation

    def audit_root(self) -> InformationSystem:
        return self.case.system


class ConsultationChannel(models.TextChoices):
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By e-mail")
    MEETING = "meeting", _("Meeting")
    DOCUMENT = "document", _("Document review")


class ConsultationTopic(models.TextChoices):
    # Distinct words from the system statuses ("Planning" is 企画中 there; a gate is 企画).
    PLANNING = "planning", _("Planning stage")
    BUDGET = "budget", _("Budget request")
    PROCUREMENT = "procurement", _("Procurement and specification")
    CONTRACT = "contract", _("Contract and estimate")
    OPERATION = "operation", _("Operation and maintenance")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class Consultation(models.Model):
    """Support the IT policy division gave an owner section (支援): one consultation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    consulted_on = models.DateField(_("date"))
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("section")
    )
    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("system"),
    )
    case = models.ForeignKey(
        ProcurementCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("procurement case"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=ConsultationTopic.choices)
    subject = models.CharField(_("subject"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=ConsultationChannel.choices)
    result = models.TextField(_("result"), blank=True)
    cost_saving = models.BigIntegerField(
        _("cost saving (yen)"),
        default=0,
        validators=YEN,
        help_text=_("Yearly cost cut thanks to the advice; 0 if none."),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-consulted_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "consulted_on"])]
        # The import's natural key (docs/import-keys.md): date, section and subject.
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "consulted_on", "unit", "subject"],
                name="governance_consultation_unique",
                violation_error_message=_(
                    "A consultation of this section with this subject is recorded on this day."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.consulted_on:%Y-%m-%d} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("governance:consultation_edit", args=[self.pk])

    def audit_root(self):
        return self.system or self

    @property
    def fiscal_year(self) -> int:
        return wareki.fiscal_year_of(self.consulted_on)

    def clean(self) -> None:
        errors = {}
        org = self.organisation_id
        if self.unit_id and org and self.unit.organisation_id != org:
            errors["unit"] = _("The section belongs to another organisation.")
        if self.system_id and org and self.system.organisation_id != org:
            errors["system"] = _("The system belongs to another organisation.")
        if self.consulted_on and self.consulted_on > timezone.localdate() + datetime.timedelta(
            days=1
        ):
            errors["consulted_on"] = _("A consultation cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class Conclusion(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    IMPROVE = "improve", _("Improve")
    MODERNISE = "modernise", _("Modernise")
    RETIRE = "retire", _("Retire")


class Evaluation(models.Model):
    """A post-implementation evaluation (事後評価): expected against actual effect, a conclusion."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    system = models.ForeignKey(
        InformationSystem,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("system"),
    )
    case = models.ForeignKey(
        ProcurementCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("procurement case"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year evaluated"), validators=FISCAL_YEAR
    )
    evaluated_on = models.DateField(_("evaluated on"))
    expected_cost = models.BigIntegerField(
        _("expected recurring cost (yen)"), null=True, blank=True, validators=YEN
    )
    actual_cost = models.BigIntegerField(
        _("actual recurring cost (yen)"), null=True, blank=True, validators=YEN
    )
    expected_usage = models.PositiveIntegerField(_("expected usage"), null=True, blank=True)
    actual_usage = models.PositiveIntegerField(_("actual usage"), null=True, blank=True)
    expected_staff_hours_saved = models.PositiveIntegerField(
        _("expected staff hours saved"), null=True, blank=True
    )
    actual_staff_hours_saved = models.PositiveIntegerField(
        _("actual staff hours saved"), null=True, blank=True
    )
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scoped = Scoped(unit="system__owner_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self) -> str:
        year = wareki.format_fiscal_year(self.fiscal_year)
        return f"{self.system.code} {year} {self.get_conclusion_display()}"

    def get_absolute_url(self) -> str:
        return reverse("governance:evaluation_detail", args=[self.pk])

    def audit_root(self) -> InformationSystem:
        return self.system

    def clean(self) -> None:
        if (
            self.system_id
            and self.organisation_id
            and self.system.organisation_id != self.organisation_id
        ):
            raise ValidationError({"system": _("The system belongs to another organisation.")})
        if self.case_id and self.system_id and self.case.system_id != self.system_id:
            raise ValidationError({"case": _("The case is about another system.")})


class ReviewSettings(models.Model):
    """Thresholds of the budget review, one row per organisation (IT policy division edits)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    growth_percent = models.PositiveSmallIntegerField(
        _("flag an increase over last year above (%)"), default=10
    )
    history_percent = models.PositiveSmallIntegerField(
        _("flag a request above the average of the past three years' actuals by (%)"), default=15
    )
    peer_percent = models.PositiveSmallIntegerField(
        _("flag a request above the upper quartile of similar systems by (%)"), default=200
    )
    min_amount = models.BigIntegerField(
        _("ignore requests below (yen)"), default=1_000_000, validators=YEN
    )

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget review settings")
        verbose_name_plural = _("budget review settings")

    def __str__(self) -> str:
        return str(self.organisation)


def open_cases_q() -> Q:
    return ~Q(state__in=[CaseState.WITHDRAWN, CaseState.COMPLETED])


class NotificationPreference(models.Model):
    """What a user chooses to be told about: kinds switched off, and whether to get the e-mail
    digest. Kinds are those of `daicho.core.notices`; a kind added later is on by default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    muted = models.JSONField(_("kinds switched off"), default=list, blank=True)
    email_digest = models.BooleanField(_("e-mail digest"), default=True)
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
