"""REST endpoints of the plan (read): the plans and each indicator's figures for a fiscal year,
as the dashboard shows them — frozen once the year is published, computed live otherwise."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from daicho.core.access import MEMBERS, RECORD_READERS, via_api
from daicho.plan import selectors
from daicho.plan.models import Plan

router = Router(tags=["plan"])


class PlanOut(Schema):
    code: str
    title: str
    organisation: str
    start_year: int
    end_year: int
    base_year: int

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.code or obj.organisation.name


class IndicatorOut(Schema):
    code: str
    name: str
    measure: str
    unit: str
    fiscal_year: int
    actual: float | None
    target: float | None
    target_kind: str
    met: bool | None
    previous: float | None
    frozen: bool
    source: str  # published (frozen), computed (live), manual or unavailable
    live: float | None  # for a frozen year: what the ledger says today
    detail: str


class PlanIndicatorsOut(Schema):
    plan: PlanOut
    fiscal_year: int
    items: list[IndicatorOut]


def _number(value) -> float | None:
    """A figure as a JSON number (the dashboard's Decimal)."""
    return None if value is None else float(value)


@router.get("/plans", response=list[PlanOut], summary="List the plans")
def list_plans(request):
    return list(
        Plan.objects.visible_to(request.user)
        .select_related("organisation")
        .order_by("organisation__code", "-start_year", "code")
    )


@router.get(
    "/plans/{plan_code}/indicators",
    response=PlanIndicatorsOut,
    summary="A plan's indicators for a fiscal year",
    description=(
        "Each indicator's actual figure, target, whether it is met and last year's figure. "
        "`fy` defaults to the last closed fiscal year within the plan; a published year answers "
        "its frozen figures (`frozen: true`, with `live` what the ledger says today)."
    ),
)
def plan_indicators(request, plan_code: str, fy: int | None = None):
    plan = selectors.plan_for(request.user, plan_code)
    if plan is None:
        raise HttpError(404, "Not found.")
    if fy is None:
        from django.utils import timezone

        from daicho.core import wareki

        fy = min(
            max(wareki.fiscal_year_of(timezone.localdate()) - 1, plan.start_year), plan.end_year
        )
    if fy not in [*plan.years(), plan.base_year]:
        raise HttpError(
            400, f"FY{fy} is not a year of the plan ({plan.start_year}–{plan.end_year})."
        )
    rows = selectors.indicator_rows(plan, fy)
    return {
        "plan": plan,
        "fiscal_year": fy,
        "items": [
            {
                "code": row.indicator.code,
                "name": row.indicator.name,
                "measure": row.indicator.measure.code,
                "unit": row.indicator.unit,
                "fiscal_year": fy,
                "actual": _number(row.value),
                "target": _number(row.indicator.target),
                "target_kind": row.indicator.target_kind,
                "met": row.met,
                "previous": _number(row.previous),
                "frozen": row.source == "published",
                "source": row.source,
                "live": _number(row.live),
                "detail": row.detail,
            }
            for row in rows
        ],
    }


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "list_plans": via_api(MEMBERS),
    "plan_indicators": via_api(RECORD_READERS),
}
