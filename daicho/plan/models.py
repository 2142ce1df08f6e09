"""A plan (計画) with its measures and indicators, and each indicator's result per fiscal year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daicho.core.models import Organisation
from daicho.core.scope import Scoped, ScopedQuerySet


class Plan(models.Model):
    """An organisation's IT plan for a period of fiscal years, measured against a base year."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    code = models.SlugField(_("code"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first fiscal year"))
    end_year = models.PositiveSmallIntegerField(_("last fiscal year"))
    base_year = models.PositiveSmallIntegerField(_("base fiscal year"))
    source = models.TextField(_("source"), blank=True)
    policies = models.JSONField(default=list, blank=True)

    scoped = Scoped()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="plan_plan_unique_code")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan:dashboard") + f"?plan={self.code}"

    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Measure(models.Model):
    """A measure of the plan (e.g. 3.1.2 データバックアップの徹底)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField(_("code"), max_length=20)
    policy = models.CharField(_("policy"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def organisation(self):
        return self.plan.organisation


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class TargetKind(models.TextChoices):
    AT_LEAST = "at_least", _("At least")
    AT_MOST = "at_most", _("At most")
    EQUAL = "equal", _("Equal to")
    INCREASE = "increase_over_last_year", _("More than last year")
    DECREASE = "decrease", _("Less than last year")


class Indicator(models.Model):
    """An indicator (評価指標): computed by a registered metric, or entered by hand."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(
        _("metric"),
        max_length=60,
        blank=True,
        help_text=_("Registered metric key; empty for a manual indicator."),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    target_kind = models.CharField(_("target"), max_length=30, choices=TargetKind.choices)
    target = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    basis = models.CharField(_("cost basis"), max_length=10, blank=True)
    seed_text = models.TextField(_("wording in the plan"), blank=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["measure__sort_order", "sort_order"]

    def __str__(self) -> str:
        return self.name

    @property
    def plan(self) -> Plan:
        return self.measure.plan

    @property
    def organisation(self):
        return self.measure.plan.organisation


class IndicatorResult(models.Model):
    """The value of an indicator for a fiscal year; frozen once the year is published."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)
    computed = models.BooleanField(_("computed"), default=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    # The records the figure counted, frozen with it when the year is published, so the
    # drill-down of a published year lists that set and not today's (docs/indicators.md).
    record_model = models.CharField(_("kind of the counted records"), max_length=100, blank=True)
    record_ids = models.JSONField(_("counted records"), default=list, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="plan_result_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} FY{self.fiscal_year}"

    @property
    def organisation(self):
        return self.indicator.measure.plan.organisation

    def audit_root(self):
        return self.indicator.measure.plan


class IndicatorNarrative(models.Model):
    """The committee report's words on an indicator in a fiscal year: what was done, how it went,
    and the policy for next year (written by the IT policy division, shown in every format)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="narratives")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    activities = models.TextField(_("activities"), blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    next_policy = models.TextField(_("policy for next year"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator narrative")
        verbose_name_plural = _("indicator narratives")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="plan_narrative_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}（{self.fiscal_year}年度）"

    @property
    def organisation(self):
        return self.indicator.measure.plan.organisation

    def audit_root(self):
        return self.indicator.measure.plan


class PublishedReport(models.Model):
    """The annual report's figures as they stood when the year was published (frozen with the
    indicators), so a published report never mixes frozen and live numbers."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="published_reports")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    figures = models.JSONField(_("figures"), default=dict)
    published_at = models.DateTimeField(_("published at"), auto_now=True)

    class Meta:
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year"], name="plan_published_report_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} FY{self.fiscal_year}"
