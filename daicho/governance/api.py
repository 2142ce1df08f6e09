"""REST endpoints of governance and the knowledge base: cases and their gate transitions,
consultations, evaluations, article search."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from daicho.core.access import (
    DENIED,
    MEMBERS,
    OWNERS_EDIT,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    via_api,
)
from daicho.core.api import Pagination, filtered, filterset_schema
from daicho.core.models import OrgUnit
from daicho.core.permissions import current_organisation, scope_of
from daicho.governance import selectors, services, workflow
from daicho.governance.filters import CaseFilterSet, ConsultationFilterSet, EvaluationFilterSet
from daicho.governance.models import ProcurementCase
from daicho.knowledge.selectors import article_search
from daicho.registry.models import InformationSystem

router = Router()


class DecisionOut(Schema):
    stage: str
    action: str
    comment: str
    actor: str
    decided_at: datetime.datetime

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_name


class CaseOut(Schema):
    id: int
    code: str
    title: str
    system: str
    kind: str
    owner_unit: str
    fiscal_year: int
    stage: str
    state: str
    initial_cost: int
    recurring_cost: int
    procurement_method: str
    green: str
    contract_code: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_system(obj) -> str:
        return obj.system.code

    @staticmethod
    def resolve_owner_unit(obj) -> str:
        return obj.owner_unit.code


class CaseDetailOut(CaseOut):
    checklist: dict[str, bool]
    review_checks: dict[str, bool]
    missing: list[str]
    actions: list[str]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_checklist(obj) -> dict[str, bool]:
        ticked = obj.checklist.get(obj.stage, {})
        return {i.key: bool(ticked.get(i.key)) for i in workflow.checklist_items(obj)}

    @staticmethod
    def resolve_review_checks(obj) -> dict[str, bool]:
        done = obj.review_checks.get(obj.stage, {})
        return {i.key: bool(done.get(i.key)) for i in workflow.review_items(obj)}

    @staticmethod
    def resolve_missing(obj) -> list[str]:
        """What stops the gate: checklist items, required fields and, while the case waits
        for approval, the IT policy review checks not yet recorded."""
        review = workflow.review_missing(obj) if obj.state == "submitted" else []
        return [
            *(i.key for i in workflow.checklist_missing(obj)),
            *workflow.fields_missing(obj),
            *(i.key for i in review),
        ]

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return obj.api_actions

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(selectors.case_decisions(case=obj))


class DecisionIn(Schema):
    comment: str = ""
    decided_on: datetime.date | None = None


CaseQuery = filterset_schema(CaseFilterSet, "CaseQuery")


@router.get("/cases", response=list[CaseOut], tags=["governance"], summary="List cases")
@paginate(Pagination)
def list_cases(request, filters: Query[CaseQuery]):
    return filtered(request, CaseFilterSet, selectors.case_list(user=request.user).order_by("code"))


def _detail(request, case: ProcurementCase) -> ProcurementCase:
    case.api_actions = services.available_actions(case, request.user)
    return case


@router.get(
    "/cases/{case_id}", response=CaseDetailOut, tags=["governance"], summary="One case, its gate"
)
def get_case(request, case_id: int):
    case = get_object_or_404(selectors.case_list(user=request.user), pk=case_id)
    return _detail(request, case)


class ReviewChecksIn(Schema):
    checks: dict[str, bool]


@router.post(
    "/cases/{case_id}/review-checks",
    response=CaseDetailOut,
    tags=["governance"],
    summary="The IT policy division records its review checks of the gate it is asked to approve",
)
def record_review_checks(request, case_id: int, payload: ReviewChecksIn):
    case = get_object_or_404(selectors.case_list(user=request.user), pk=case_id)
    case = services.case_review_checks(case=case, checks=payload.checks)
    return _detail(request, case)


@router.post(
    "/cases/{case_id}/{action}",
    response=CaseDetailOut,
    tags=["governance"],
    summary="Submit, approve, return or withdraw the case's current gate",
)
def decide_case(request, case_id: int, action: str, payload: DecisionIn):
    case = get_object_or_404(selectors.case_list(user=request.user), pk=case_id)
    service = services.ACTIONS.get(action)
    if service is None:
        raise HttpError(404, _("Unknown action %(action)s.") % {"action": action})
    service(case=case, comment=payload.comment, decided_on=payload.decided_on)
    case.refresh_from_db()
    return _detail(request, case)


class ConsultationOut(Schema):
    id: int
    consulted_on: datetime.date
    unit: str
    system: str | None
    topic: str
    channel: str
    subject: str
    result: str
    cost_saving: int

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_system(obj) -> str | None:
        return obj.system.code if obj.system else None


class ConsultationIn(Schema):
    consulted_on: datetime.date
    unit: str
    system: str | None = None
    topic: str
    channel: str
    subject: str
    result: str = ""
    cost_saving: int = 0


ConsultationQuery = filterset_schema(ConsultationFilterSet, "ConsultationQuery")


@router.get(
    "/consultations",
    response=list[ConsultationOut],
    tags=["governance"],
    summary="List consultations",
)
@paginate(Pagination)
def list_consultations(request, filters: Query[ConsultationQuery]):
    return filtered(
        request,
        ConsultationFilterSet,
        selectors.consultation_list(user=request.user).order_by("consulted_on", "pk"),
    )


@router.post(
    "/consultations",
    response={201: ConsultationOut},
    tags=["governance"],
    summary="Record a consultation (IT policy division)",
)
def create_consultation(request, payload: ConsultationIn):
    organisation = current_organisation(request.user)
    if organisation is None or organisation.pk not in scope_of(request.user).policy_org_ids:
        # before the codes are looked up: 403 whatever the body names
        raise PermissionDenied(_("Only the IT policy division records consultations."))
    data = payload.dict()
    unit = OrgUnit.objects.visible_to(request.user).filter(code=data.pop("unit")).first()
    if unit is None:
        raise ValidationError({"unit": _("No unit with code %(code)s.") % {"code": payload.unit}})
    system = None
    code = data.pop("system")
    if code:
        system = InformationSystem.objects.visible_to(request.user).filter(code=code).first()
        if system is None:
            raise ValidationError({"system": _("Unknown system IDs: %(codes)s") % {"codes": code}})
    consultation = services.consultation_create(
        organisation=organisation, unit=unit, system=system, **data
    )
    return Status(201, consultation)


class EvaluationOut(Schema):
    id: int
    system: str
    case: str | None
    fiscal_year: int
    evaluated_on: datetime.date
    expected_cost: int | None
    actual_cost: int | None
    conclusion: str
    findings: str
    follow_up: str

    @staticmethod
    def resolve_system(obj) -> str:
        return obj.system.code

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.code if obj.case else None


EvaluationQuery = filterset_schema(EvaluationFilterSet, "EvaluationQuery")


@router.get(
    "/evaluations", response=list[EvaluationOut], tags=["governance"], summary="List evaluations"
)
@paginate(Pagination)
def list_evaluations(request, filters: Query[EvaluationQuery]):
    return filtered(
        request,
        EvaluationFilterSet,
        selectors.evaluation_list(user=request.user).order_by("evaluated_on", "pk"),
    )


class ArticleOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    body_html: str
    tags: list[str]
    systems: list[str]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_systems(obj) -> list[str]:
        return [s.code for s in obj.systems.all()]


@router.get(
    "/articles",
    response=list[ArticleOut],
    tags=["knowledge"],
    summary="Search the knowledge base (q: every word must match; Japanese works)",
)
@paginate(Pagination)
def list_articles(request, q: str = "", tag: str = "", kind: str = ""):
    return article_search(user=request.user, query=q, tag=tag, kind=kind).prefetch_related(
        "systems"
    )


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "list_cases": via_api(MEMBERS),
    "get_case": via_api(RECORD_READERS),
    "decide_case": via_api(OWNERS_EDIT, read_token=DENIED),
    "record_review_checks": via_api(POLICY_EDIT, read_token=DENIED),
    "list_consultations": via_api(MEMBERS),
    "create_consultation": via_api(POLICY_CREATE_HERE, read_token=DENIED),
    "list_evaluations": via_api(MEMBERS),
    "list_articles": via_api(MEMBERS),
}
