"""Writes of the plan: load a plan file, enter a manual result, publish (freeze) a year, and the
annual report's narrative."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from daicho.core.models import Organisation
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require_policy,
)
from daicho.plan import report, selectors
from daicho.plan.models import (
    Indicator,
    IndicatorNarrative,
    IndicatorResult,
    Measure,
    Plan,
    PublishedReport,
    TargetKind,
)

BUILTIN = {
    "okayama-2014": Path(__file__).resolve().parent / "data" / "okayama-2014.yaml",
    # 標準化 (daicho/standardisation): its indicators are that app's metrics.
    "standardisation-2025": Path(__file__).resolve().parents[1]
    / "standardisation"
    / "data"
    / "standardisation-2025.yaml",
}


def plan_data(source: str) -> dict[str, Any]:
    """A plan file (YAML) as data, or a clear ValidationError."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise ValidationError(
            _("The plan file is not valid YAML: %(error)s") % {"error": exc}
        ) from None
    if not isinstance(data, dict) or not data.get("code") or not data.get("measures"):
        raise ValidationError(_("A plan file needs at least a code and measures."))
    return data


@transaction.atomic
def plan_import(*, organisation: Organisation, data: dict[str, Any]) -> Plan:
    """Create or replace an organisation's plan from plan-file data (measures and indicators)."""
    require_policy(organisation)
    period = data.get("period") or {}
    fields = {
        "title": data.get("title") or data["code"],
        "start_year": period.get("start"),
        "end_year": period.get("end"),
        "base_year": data.get("base_year"),
        "source": data.get("source") or "",
        "policies": data.get("policies") or [],
    }
    missing = [k for k in ("start_year", "end_year", "base_year") if not fields[k]]
    if missing:
        raise ValidationError(_("The plan file lacks: %(fields)s") % {"fields": ", ".join(missing)})
    plan = Plan.objects.filter(organisation=organisation, code=data["code"]).first()
    if plan is None:
        plan = object_create(obj=Plan(organisation=organisation, code=data["code"], **fields))
    else:
        object_update(obj=plan, data=fields)
    kept: set[int] = set()
    for m_order, m in enumerate(data["measures"], start=1):
        measure = Measure.objects.filter(plan=plan, code=str(m["code"])).first()
        m_fields = {
            "title": m.get("title", ""),
            "policy": str(m.get("policy") or ""),
            "summary": m.get("summary") or "",
            "sort_order": m_order,
        }
        if measure is None:
            measure = object_create(obj=Measure(plan=plan, code=str(m["code"]), **m_fields))
        else:
            object_update(obj=measure, data=m_fields)
        for i_order, i in enumerate(m.get("indicators") or [], start=1):
            kind = i.get("target_kind") or TargetKind.AT_LEAST
            if kind not in TargetKind.values:
                raise ValidationError(
                    _("Unknown target kind %(kind)s of %(code)s.")
                    % {"kind": kind, "code": i.get("code")}
                )
            target = i.get("target")
            i_fields = {
                "measure": measure,
                "name": i.get("name") or i["code"],
                "metric": i.get("metric") or "",
                "unit": i.get("unit") or "",
                "direction": i.get("direction") or "up",
                "target_kind": kind,
                "target": None if target is None else Decimal(str(target)),
                "basis": i.get("basis") or "",
                "seed_text": i.get("seed_text") or "",
                "sort_order": i_order,
            }
            indicator = Indicator.objects.filter(measure__plan=plan, code=i["code"]).first()
            if indicator is None:
                indicator = object_create(obj=Indicator(code=i["code"], **i_fields))
            else:
                object_update(obj=indicator, data=i_fields)
            kept.add(indicator.pk)
    for stale in Indicator.objects.filter(measure__plan=plan).exclude(pk__in=kept):
        object_delete(obj=stale)
    for empty in Measure.objects.filter(plan=plan, indicators__isnull=True):
        object_delete(obj=empty)
    return plan


def plan_export(*, plan: Plan) -> str:
    """The plan as a plan file (YAML) that `plan_import` reads back unchanged."""
    measures = []
    for measure in plan.measures.prefetch_related("indicators"):
        measures.append(
            {
                "code": measure.code,
                "policy": measure.policy or None,
                "title": measure.title,
                "summary": measure.summary,
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "metric": i.metric or None,
                        "unit": i.unit,
                        "direction": i.direction,
                        "target_kind": i.target_kind,
                        "target": None
                        if i.target is None
                        else float(i.target)
                        if i.target % 1
                        else int(i.target),
                        **({"basis": i.basis} if i.basis else {}),
                        "seed_text": i.seed_text,
                    }
                    for i in measure.indicators.all()
                ],
            }
        )
    data = {
        "code": plan.code,
        "title": plan.title,
        "organisation_code": plan.organisation.code,
        "period": {"start": plan.start_year, "end": plan.end_year},
        "base_year": plan.base_year,
        "source": plan.source,
        "policies": plan.policies,
        "measures": measures,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@transaction.atomic
def result_enter(
    *, indicator: Indicator, fiscal_year: int, value: Decimal | None, evidence: str
) -> IndicatorResult:
    """Enter the value of a manual indicator for a year, with its evidence (IT policy)."""
    require_policy(indicator.organisation)
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say where the figure comes from.")})
    result = IndicatorResult.objects.filter(indicator=indicator, fiscal_year=fiscal_year).first()
    if result is not None and result.published:
        raise ValidationError(
            _("FY%(year)s is published; its figures no longer change.") % {"year": fiscal_year}
        )
    data = {
        "value": value,
        "evidence": evidence.strip(),
        "computed": False,
        "entered_by": actor() if getattr(actor(), "pk", None) else None,
    }
    if result is None:
        return object_create(
            obj=IndicatorResult(indicator=indicator, fiscal_year=fiscal_year, **data)
        )
    return object_update(obj=result, data=data)


@transaction.atomic
def year_publish(*, plan: Plan, fiscal_year: int) -> int:
    """Freeze the year's figures: later edits of the ledger no longer change them."""
    require_policy(plan.organisation)
    count = 0
    for row in selectors.indicator_rows(plan, fiscal_year, live=False):
        if row.source == "published":
            continue
        result = IndicatorResult.objects.filter(
            indicator=row.indicator, fiscal_year=fiscal_year
        ).first()
        record_model, record_ids = selectors.record_set(
            row.origin if row.source == "computed" else None
        )
        data = {
            "value": row.value,
            "met": row.met,
            "published": True,
            "computed": row.source == "computed",
            # A missing figure keeps the reason it was missing for.
            "detail": (row.detail if row.available else row.reason)[:300],
            "record_model": record_model,
            "record_ids": record_ids,
        }
        if result is None:
            object_create(
                obj=IndicatorResult(indicator=row.indicator, fiscal_year=fiscal_year, **data)
            )
        else:
            object_update(obj=result, data=data)
        count += 1
    if count or not PublishedReport.objects.filter(plan=plan, fiscal_year=fiscal_year).exists():
        # The report's other figures (costs, chart, risk tables) freeze with the indicators. The
        # frozen results above are the audited record of the publication; this is their print.
        PublishedReport.objects.update_or_create(
            plan=plan,
            fiscal_year=fiscal_year,
            defaults={"figures": report.figures(plan, fiscal_year)},
        )
    return count


NARRATIVE_FIELDS = ("activities", "evaluation", "next_policy")


@transaction.atomic
def narrative_save(
    *,
    indicator: Indicator,
    fiscal_year: int,
    activities: str,
    evaluation: str,
    next_policy: str,
) -> IndicatorNarrative | None:
    """Write the report's words on an indicator for a year (IT policy); audited as any record.

    Returns the narrative, or None when nothing changed (an untouched form writes no event).
    """
    require_policy(indicator.organisation)
    plan = indicator.measure.plan
    if not plan.start_year <= fiscal_year <= plan.end_year:
        raise ValidationError(_("FY%(year)s is not a year of the plan.") % {"year": fiscal_year})
    data = {
        "activities": activities.strip(),
        "evaluation": evaluation.strip(),
        "next_policy": next_policy.strip(),
    }
    narrative = IndicatorNarrative.objects.filter(
        indicator=indicator, fiscal_year=fiscal_year
    ).first()
    if narrative is None:
        if not any(data.values()):
            return None
        return object_create(
            obj=IndicatorNarrative(indicator=indicator, fiscal_year=fiscal_year, **data)
        )
    if all(getattr(narrative, k) == v for k, v in data.items()):
        return None
    return object_update(obj=narrative, data=data)
