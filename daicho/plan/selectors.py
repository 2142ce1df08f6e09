"""Reads of the plan: every indicator's value for a year — frozen, computed or entered."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
    records_url: str = ""
    live: Decimal | None = None  # the value computed now, when the year is published

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def changed_since_published(self) -> bool:
        return self.source == "published" and self.live is not None and self.live != self.value


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


def compute(indicator: Indicator, fiscal_year: int):
    """The registered metric's measurement for the year, or None when none is registered."""
    metric = metrics.metrics().get(indicator.metric) if indicator.metric else None
    if metric is None:
        return None
    plan = indicator.measure.plan
    return metric.compute(
        plan.organisation, fiscal_year, base_year=plan.base_year, basis=indicator.basis or "budget"
    )


def _value(indicator: Indicator, fiscal_year: int, stored: dict) -> tuple:
    result = stored.get((indicator.pk, fiscal_year))
    if result is not None and result.published:
        return result.value, "published", result.detail, result
    measurement = compute(indicator, fiscal_year)
    if measurement is not None:
        return measurement.value, "computed", measurement.detail, measurement
    if result is not None:
        return result.value, "manual", result.evidence, result
    return None, "unavailable", "", None


def indicator_rows(plan: Plan, fiscal_year: int) -> list[Row]:
    """Every indicator of the plan for the year, with last year's value and whether it is met."""
    indicators = list(
        Indicator.objects.filter(measure__plan=plan).select_related(
            "measure", "measure__plan", "measure__plan__organisation"
        )
    )
    stored = {
        (r.indicator_id, r.fiscal_year): r
        for r in IndicatorResult.objects.filter(
            indicator__in=indicators, fiscal_year__in=[fiscal_year, fiscal_year - 1]
        )
    }
    rows = []
    for indicator in indicators:
        value, source, detail, origin = _value(indicator, fiscal_year, stored)
        previous = _value(indicator, fiscal_year - 1, stored)[0]
        live = None
        url = getattr(origin, "records_url", "") if origin is not None else ""
        if source == "published":  # the frozen figure, beside what the ledger says today
            measurement = compute(indicator, fiscal_year)
            live = measurement.value if measurement is not None else None
            url = measurement.records_url if measurement is not None else ""
        rows.append(
            Row(
                indicator,
                fiscal_year,
                value,
                previous,
                # A published year keeps the verdict it was published with.
                origin.met if source == "published" else evaluate(indicator, value, previous),
                source,
                detail,
                url,
                live,
            )
        )
    return rows


def trend(plan: Plan, indicator: Indicator) -> list[tuple[int, Decimal | None]]:
    """The indicator's value for each fiscal year of the plan (and the base year)."""
    stored = {
        (r.indicator_id, r.fiscal_year): r
        for r in IndicatorResult.objects.filter(indicator=indicator)
    }
    return [(fy, _value(indicator, fy, stored)[0]) for fy in plan.years()]


def plan_for(user, code: str | None = None) -> Plan | None:
    plans = Plan.objects.visible_to(user)
    if code:
        return plans.filter(code=code).first()
    return plans.order_by("-start_year").first()
