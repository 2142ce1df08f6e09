"""Reads of the governance area: case lists, the budget review, evaluations due, support counts."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from daicho.core import wareki
from daicho.core.models import Organisation
from daicho.governance.models import (
    CaseState,
    Consultation,
    Evaluation,
    GateDecision,
    ProcurementCase,
    ReviewSettings,
    Stage,
)
from daicho.registry.models import Basis, Category, CostLine, InformationSystem


def case_list(*, user):
    """Cases the user may read, with what the list shows, in one query."""
    return ProcurementCase.objects.visible_to(user).select_related(
        "system", "owner_unit", "owner_unit__department"
    )


def case_decisions(*, case: ProcurementCase):
    return GateDecision.objects.filter(case=case).select_related("actor")


def cases_awaiting(*, user, organisation: Organisation):
    """Cases waiting for the IT policy division's decision."""
    return case_list(user=user).filter(organisation=organisation, state=CaseState.SUBMITTED)


def cases_returned(*, user):
    """Returned cases of the user's own section (and below): the IT policy division is told
    about the cases of its own systems, not about every case it returned."""
    from daicho.core.models import Membership

    paths = [
        p
        for p in Membership.objects.filter(user_id=getattr(user, "pk", None))
        .exclude(unit=None)
        .values_list("unit__path", flat=True)
        if p
    ]
    in_own_units = Q(pk__in=[])
    for path in paths:
        in_own_units |= Q(owner_unit__path__startswith=path)
    return (
        ProcurementCase.objects.editable_by(user)
        .filter(in_own_units, state=CaseState.RETURNED)
        .select_related("system", "owner_unit")
    )


# --- evaluations due ------------------------------------------------------------------------------


def evaluations_due(*, user, organisation: Organisation, today: datetime.date | None = None):
    """Cases whose system has been in operation a year or more without an evaluation."""
    today = today or timezone.localdate()
    a_year_ago = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 1, day=28)
    )
    evaluated = Evaluation.objects.filter(case=OuterRef("pk"))
    return (
        case_list(user=user)
        .filter(
            organisation=organisation,
            stage=Stage.EVALUATION,
            state=CaseState.DRAFT,
            in_operation_on__lte=a_year_ago,
        )
        .annotate(evaluated=Exists(evaluated))
        .filter(evaluated=False)
        .order_by("in_operation_on", "code")
    )


def follow_ups_due(*, user, organisation: Organisation, today: datetime.date | None = None):
    """Evaluations whose follow-up actions fall due within 30 days (or are overdue) and that the
    user may act on; an evaluation of the same system made after it closes the follow-up."""
    today = today or timezone.localdate()
    later = Evaluation.objects.filter(
        system=OuterRef("system"), evaluated_on__gt=OuterRef("evaluated_on")
    )
    return (
        Evaluation.objects.editable_by(user)
        .filter(
            organisation=organisation,
            follow_up_due__isnull=False,
            follow_up_due__lte=today + datetime.timedelta(days=30),
        )
        .exclude(follow_up="")
        .annotate(superseded=Exists(later))
        .filter(superseded=False)
        .select_related("system")
        .order_by("follow_up_due", "pk")
    )


def evaluation_list(*, user):
    return Evaluation.objects.visible_to(user).select_related(
        "system", "system__owner_unit", "case"
    )


# --- consultations ------------------------------------------------------------------------------


def consultation_list(*, user):
    return Consultation.objects.visible_to(user).select_related(
        "unit", "system", "handled_by", "case"
    )


def consultations_in_year(organisation: Organisation, fiscal_year: int):
    start, end = wareki.fiscal_year_range(fiscal_year)
    return Consultation.objects.filter(
        organisation=organisation, consulted_on__gte=start, consulted_on__lte=end
    )


def consultation_summary(organisation: Organisation, fiscal_year: int) -> dict:
    """Support cases of the year: how many, how many cut costs, by how much."""
    return consultations_in_year(organisation, fiscal_year).aggregate(
        total=Count("pk"),
        saving_cases=Count("pk", filter=Q(cost_saving__gt=0)),
        saving=Sum("cost_saving"),
    )


# --- budget review ------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    """One budget request (a system's operation budget or a case's recurring cost), flagged."""

    system: InformationSystem
    request: int
    previous_budget: int | None
    past_actual_average: int | None
    peer_upper: int | None  # the upper quartile of similar systems' requests
    peer_count: int
    case: ProcurementCase | None = None
    flags: list[tuple[str, str]] = field(default_factory=list)  # (code, text)

    @property
    def change(self) -> int | None:
        if self.previous_budget is None:
            return None
        return self.request - self.previous_budget

    @property
    def change_ratio(self) -> float | None:
        if not self.previous_budget:
            return None
        return (self.request - self.previous_budget) / self.previous_budget


def _over(value: int, reference: int | None, percent: int) -> float | None:
    """The ratio above reference when it exceeds ``percent``, else None."""
    if not reference:
        return None
    ratio = (value - reference) / reference
    return ratio if ratio * 100 > percent else None


def _sum(fy: int, basis: str) -> Subquery:
    """A system's operation costs of one fiscal year and basis: a sum over its own lines (an
    indexed look-up per system, not a join of every line grouped by every system column)."""
    lines = (
        CostLine.objects.filter(
            system=OuterRef("pk"), fiscal_year=fy, basis=basis, category=Category.OPERATION
        )
        .order_by()
        .values("system")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(lines)


def system_cost_figures(*, organisation: Organisation, fiscal_year: int, systems=None):
    """Per system: the year's operation budget, last year's and three past actuals (one query)."""
    queryset = systems if systems is not None else InformationSystem.objects.all()
    return (
        queryset.filter(organisation=organisation)
        .select_related("owner_unit", "owner_unit__department")
        .annotate(
            request=_sum(fiscal_year, Basis.BUDGET),
            previous_budget=_sum(fiscal_year - 1, Basis.BUDGET),
            actual_1=_sum(fiscal_year - 1, Basis.ACTUAL),
            actual_2=_sum(fiscal_year - 2, Basis.ACTUAL),
            actual_3=_sum(fiscal_year - 3, Basis.ACTUAL),
        )
        .order_by("owner_unit__tree_key", "code")
    )


def _upper_quartile(values: list[int]) -> int | None:
    """The request three quarters of similar systems stay under: systems differ in size, so only
    a request well above most of its peers is worth a question (not every large system)."""
    if len(values) < 2:
        return round(values[0]) if values else None
    return round(statistics.quantiles(values, n=4, method="inclusive")[2])


def _peer_key(system: InformationSystem) -> tuple[str, str]:
    """Similar systems: same hosting and same confidentiality class."""
    return (system.hosting, system.confidentiality)


def _flag(row: ReviewRow, settings: ReviewSettings) -> None:
    from django.utils.translation import gettext as _

    if row.request < settings.min_amount:
        return
    growth = _over(row.request, row.previous_budget, settings.growth_percent)
    if growth is not None:
        row.flags.append(
            ("growth", _("%(p)s%% more than last year's budget") % {"p": round(growth * 100, 1)})
        )
    history = _over(row.request, row.past_actual_average, settings.history_percent)
    if history is not None:
        row.flags.append(
            (
                "history",
                _("%(p)s%% above the average actual of the past years")
                % {"p": round(history * 100, 1)},
            )
        )
    if row.peer_count >= 3:
        peer = _over(row.request, row.peer_upper, settings.peer_percent)
        if peer is not None:
            row.flags.append(
                (
                    "peer",
                    _("%(p)s%% above the upper quartile of %(n)s similar systems")
                    % {"p": round(peer * 100, 1), "n": row.peer_count},
                )
            )
    if not row.previous_budget and not row.past_actual_average:
        row.flags.append(("new", _("No past costs to compare with")))


def budget_review(
    *, organisation: Organisation, fiscal_year: int, settings: ReviewSettings | None = None
) -> list[ReviewRow]:
    """Every budget request of the fiscal year — systems' operation budgets and the recurring
    costs of open cases — against the system's own past and similar systems, with flags."""
    from daicho.governance.services import review_settings

    settings = settings or review_settings(organisation)
    figures = list(system_cost_figures(organisation=organisation, fiscal_year=fiscal_year))
    peers: dict[tuple[str, str], list[int]] = {}
    for system in figures:
        if system.request:
            peers.setdefault(_peer_key(system), []).append(system.request)
    by_pk = {s.pk: s for s in figures}

    def row_for(system, request, case=None) -> ReviewRow:
        actuals = [a for a in (system.actual_1, system.actual_2, system.actual_3) if a]
        others = list(peers.get(_peer_key(system), []))
        if case is None and system.request in others:
            others.remove(system.request)  # a system is not its own peer
        row = ReviewRow(
            system=system,
            request=request,
            previous_budget=system.previous_budget,
            past_actual_average=round(sum(actuals) / len(actuals)) if actuals else None,
            peer_upper=_upper_quartile(others),
            peer_count=len(others),
            case=case,
        )
        _flag(row, settings)
        return row

    rows = [row_for(s, s.request) for s in figures if s.request]
    cases = (
        ProcurementCase.objects.filter(organisation=organisation, fiscal_year=fiscal_year)
        .exclude(state=CaseState.WITHDRAWN)
        .filter(recurring_cost__gt=0)
        .select_related("system")
        .order_by("code")
    )
    for case in cases:
        system = by_pk.get(case.system_id)
        if system is not None:
            rows.append(row_for(system, case.recurring_cost, case))
    return rows


def case_review(case: ProcurementCase) -> ReviewRow | None:
    """The budget review of one case's recurring cost."""
    if not case.recurring_cost:
        return None
    for row in budget_review(organisation=case.organisation, fiscal_year=case.fiscal_year):
        if row.case is not None and row.case.pk == case.pk:
            return row
    return None
