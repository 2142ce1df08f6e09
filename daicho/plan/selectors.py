"""Reads of the plan: every indicator's value for a year — frozen, computed or entered — and the
records behind each figure (docs/indicators.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import metrics
from daicho.plan.models import Indicator, IndicatorResult, Plan, TargetKind


@dataclass
class Row:
    """One indicator in one fiscal year, as the dashboard and the report show it."""

    indicator: Indicator
    fiscal_year: int
    value: Decimal | None
    previous: Decimal | None
    met: bool | None
    source: str  # "published", "computed", "manual" or "unavailable"
    detail: str = ""
    records_url: str = ""  # the area's list page (today's data) for the figure
    live: Decimal | None = None  # the value computed now, when the year is published
    reason: str = ""  # why there is no value, when there is none
    origin: Any = None  # the stored result or the measurement the value comes from
    trend: list[tuple[int, Decimal | None]] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def changed_since_published(self) -> bool:
        return self.source == "published" and self.live is not None and self.live != self.value

    @property
    def drilldown_url(self) -> str:
        """The page listing the records this figure counted ("" for a hand-entered figure)."""
        if not self.indicator.metric or self.value is None:
            return ""
        return reverse("plan:records", args=[self.indicator.pk]) + f"?fy={self.fiscal_year}"


def evaluate(indicator: Indicator, value: Decimal | None, previous: Decimal | None) -> bool | None:
    """Whether a value meets the indicator's target (None when it cannot be told)."""
    if value is None:
        return None
    target = indicator.target
    kind = indicator.target_kind
    if kind == TargetKind.AT_LEAST and target is not None:
        return value >= target
    if kind == TargetKind.AT_MOST and target is not None:
        return value <= target
    if kind == TargetKind.EQUAL and target is not None:
        return value == target
    if previous is None:
        return None
    if kind == TargetKind.INCREASE:
        return value > previous
    if kind == TargetKind.DECREASE:
        return value < previous
    return None


def compute(indicator: Indicator, fiscal_year: int) -> metrics.Measurement | None:
    """The registered metric's measurement for the year, or None when none is registered."""
    metric = metrics.metrics().get(indicator.metric) if indicator.metric else None
    if metric is None:
        return None
    plan = indicator.measure.plan
    return metric.compute(
        plan.organisation, fiscal_year, base_year=plan.base_year, basis=indicator.basis or "budget"
    )


def unavailable_reason(indicator: Indicator) -> str:
    """Why an indicator has no figure when no metric gave a reason of its own."""
    if not indicator.metric:
        return _("Entered by hand; no figure has been entered for this year yet.")
    return _("No area of the ledger computes this indicator yet.")


class Figures:
    """Every figure of a plan a page asks for, each computed once: the dashboard shows a year,
    the year before and each year's trend, and the same figure must not be computed per use.
    Stored results are read in one query for all the years asked."""

    def __init__(self, plan: Plan, indicators: list[Indicator], years: list[int]):
        self.plan = plan
        self.stored = {
            (r.indicator_id, r.fiscal_year): r
            for r in IndicatorResult.objects.filter(indicator__in=indicators, fiscal_year__in=years)
        }
        self.measured: dict[tuple[int, int], metrics.Measurement | None] = {}

    def measure(self, indicator: Indicator, fiscal_year: int) -> metrics.Measurement | None:
        key = (indicator.pk, fiscal_year)
        if key not in self.measured:
            self.measured[key] = compute(indicator, fiscal_year)
        return self.measured[key]

    def value(self, indicator: Indicator, fiscal_year: int) -> tuple:
        """(value, source, detail or reason, origin) of the indicator in the year."""
        result = self.stored.get((indicator.pk, fiscal_year))
        if result is not None and result.published:
            return result.value, "published", result.detail, result
        measurement = self.measure(indicator, fiscal_year)
        if measurement is not None:
            return measurement.value, "computed", measurement.detail, measurement
        if result is not None:
            return result.value, "manual", result.evidence, result
        return None, "unavailable", "", None

    def row(self, indicator: Indicator, fiscal_year: int, *, live: bool = True) -> Row:
        value, source, detail, origin = self.value(indicator, fiscal_year)
        previous = self.value(indicator, fiscal_year - 1)[0]
        url = getattr(origin, "records_url", "") if origin is not None else ""
        reason = ""
        current = None
        if source == "published" and live:  # the frozen figure, beside what the ledger says today
            measurement = self.measure(indicator, fiscal_year)
            current = measurement.value if measurement is not None else None
            url = measurement.records_url if measurement is not None else ""
        if value is None:
            if source == "published":
                reason = detail or _("There was no figure when the year was published.")
                detail = ""
            else:
                reason = getattr(origin, "reason", "") or unavailable_reason(indicator)
        return Row(
            indicator,
            fiscal_year,
            value,
            previous,
            # A published year keeps the verdict it was published with.
            origin.met if source == "published" else evaluate(indicator, value, previous),
            source,
            detail,
            url,
            current,
            reason,
            origin,
        )


def _indicators(plan: Plan) -> list[Indicator]:
    return list(
        Indicator.objects.filter(measure__plan=plan).select_related(
            "measure", "measure__plan", "measure__plan__organisation"
        )
    )


def indicator_rows(plan: Plan, fiscal_year: int, *, live: bool = True) -> list[Row]:
    """Every indicator of the plan for the year, with last year's value and whether it is met
    (and, for a published year, the value the ledger gives today unless ``live`` is False)."""
    indicators = _indicators(plan)
    figures = Figures(plan, indicators, [fiscal_year, fiscal_year - 1])
    with metrics.sharing():
        return [figures.row(indicator, fiscal_year, live=live) for indicator in indicators]


def dashboard_rows(plan: Plan, fiscal_year: int) -> list[Row]:
    """`indicator_rows` with each indicator's trend over the plan's years, every figure computed
    once (call inside `core.metrics.sharing` to share the areas' figures with their summaries)."""
    indicators = _indicators(plan)
    years = plan.years()
    figures = Figures(plan, indicators, sorted({*years, fiscal_year, fiscal_year - 1}))
    rows = []
    for indicator in indicators:
        row = figures.row(indicator, fiscal_year)
        row.trend = [(fy, figures.value(indicator, fy)[0]) for fy in years]
        rows.append(row)
    return rows


def trend(plan: Plan, indicator: Indicator) -> list[tuple[int, Decimal | None]]:
    """The indicator's value for each fiscal year of the plan (and the base year)."""
    figures = Figures(plan, [indicator], plan.years())
    with metrics.sharing():
        return [(fy, figures.value(indicator, fy)[0]) for fy in plan.years()]


@dataclass
class CountedRecords:
    """The records an indicator's figure counted in a fiscal year (docs/indicators.md)."""

    row: Row
    records: list  # model instances, in the model's order
    frozen: bool  # the set stored when the year was published
    as_of: datetime.date | None  # the day the figure is measured on
    missing: int = 0  # frozen records deleted since
    kind: str = ""  # the records' model, in the users' words (plural)


def counted_records(indicator: Indicator, fiscal_year: int) -> CountedRecords:
    """What the figure counted: the frozen set of a published year, or the records the metric
    counts for the year as of its end (today while the year runs)."""
    plan = indicator.measure.plan
    figures = Figures(plan, [indicator], [fiscal_year, fiscal_year - 1])
    with metrics.sharing():
        row = figures.row(indicator, fiscal_year)
        origin = row.origin
        records: list = []
        missing = 0
        kind = ""
        if row.source == "published":
            model = _model(origin.record_model)
            if model is not None:
                records = list(
                    model._default_manager.filter(pk__in=origin.record_ids).select_related()
                )
                missing = len(set(origin.record_ids)) - len(records)
                kind = str(model._meta.verbose_name_plural)
        elif row.source == "computed" and origin.records is not None:
            records = list(origin.records.select_related())
            kind = str(origin.records.model._meta.verbose_name_plural)
    end = datetime.date(fiscal_year + 1, 3, 31)
    today = timezone.localdate()
    as_of = None if today < datetime.date(fiscal_year, 4, 1) else min(end, today)
    return CountedRecords(
        row=row,
        records=records,
        frozen=row.source == "published",
        as_of=as_of,
        missing=missing,
        kind=kind,
    )


def _model(label: str):
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_set(measurement: metrics.Measurement | None) -> tuple[str, list]:
    """(model label, ids) of the records a measurement counted, to freeze with its value."""
    if measurement is None or measurement.records is None:
        return "", []
    records = measurement.records
    return records.model._meta.label_lower, sorted(records.values_list("pk", flat=True))


def plan_for(user, code: str | None = None) -> Plan | None:
    plans = Plan.objects.visible_to(user)
    if code:
        return plans.filter(code=code).first()
    return plans.order_by("-start_year").first()
