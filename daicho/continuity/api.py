"""REST endpoints of the continuity area: compliance with the backup standard, backup
configurations, restore tests (backup software can post its test results), ICT-BCP readiness."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from daicho.continuity import selectors, services
from daicho.continuity.models import BackupConfig, RestoreTest
from daicho.core.access import DENIED, MEMBERS, OK, answers, via_api
from daicho.core.api import IsoDate, Pagination
from daicho.core.permissions import working_organisation
from daicho.registry.models import InformationSystem

router = Router()


def _system(request, code: str) -> InformationSystem:
    """A system of the user's organisation by its ID (codes are unique per organisation)."""
    return get_object_or_404(
        InformationSystem.objects.visible_to(request.user),
        organisation=working_organisation(request.user),
        code=code,
    )


class Reason(Schema):
    rule: str
    check: str
    message: str


class ComplianceRow(Schema):
    system: str
    name: str
    owner_unit: str
    owner_unit_name: str
    levels: list[str]
    rules: list[str]
    compliant: bool
    last_restore_test: datetime.date | None
    reasons: list[Reason]


class ComplianceOut(Schema):
    standard: str | None
    on: datetime.date
    count: int
    compliant: int
    items: list[ComplianceRow]


@router.get(
    "/continuity/compliance",
    response=ComplianceOut,
    tags=["continuity"],
    summary="Systems in operation against the backup standard in force",
)
def compliance(request, on: IsoDate | None = None, failing: bool = False):
    on = on or timezone.localdate()
    standard, results = selectors.backup_compliance(
        organisation=working_organisation(request.user), on=on
    )
    rows = [r.as_dict() for r in results if not (failing and r.compliant)]
    return {
        "standard": f"{standard.title} {standard.version}" if standard else None,
        "on": on,
        "count": len(rows),
        "compliant": sum(1 for r in results if r.compliant),
        "items": rows,
    }


class BackupOut(Schema):
    system: str
    method: str
    target: str
    frequency: str
    generations: int
    copy_location: str
    encrypted: bool
    last_success_on: datetime.date | None

    @staticmethod
    def resolve_system(obj) -> str:
        return obj.system.code


@router.get(
    "/continuity/backups",
    response=list[BackupOut],
    tags=["continuity"],
    summary="Backup configurations",
)
@paginate(Pagination)
def backups(request):
    return (
        BackupConfig.objects.visible_to(request.user)
        .select_related("system")
        .order_by("system__code")
    )


class RestoreTestIn(Schema):
    tested_on: datetime.date
    result: str
    duration_minutes: int
    data_restored: str = ""
    note: str = ""


class RestoreTestOut(RestoreTestIn):
    id: int
    system: str

    @staticmethod
    def resolve_system(obj) -> str:
        return obj.system.code


@router.get(
    "/continuity/systems/{code}/restore-tests",
    response=list[RestoreTestOut],
    tags=["continuity"],
    summary="A system's restore tests",
)
@paginate(Pagination)
def restore_tests(request, code: str):
    system = _system(request, code)
    return RestoreTest.objects.filter(system=system).select_related("system")


@router.post(
    "/continuity/systems/{code}/restore-tests",
    response={201: RestoreTestOut},
    tags=["continuity"],
    summary="Record a restore test (the system's owner section or the IT policy division)",
)
def add_restore_test(request, code: str, payload: RestoreTestIn):
    system = _system(request, code)
    return Status(201, services.restore_test_create(system=system, **payload.dict()))


class IssueOut(Schema):
    check: str
    message: str
    contradiction: bool


class ReadinessRow(Schema):
    system: str
    name: str
    priority_work: bool
    recovery_priority: str
    rto_hours: int
    rpo_hours: int
    dependencies: list[str]
    issues: list[IssueOut]


@router.get(
    "/continuity/readiness",
    response=list[ReadinessRow],
    tags=["continuity"],
    summary="ICT-BCP entries with their readiness check",
)
def readiness(request):
    rows = []
    plans = selectors.bcp_list(user=request.user, organisation=working_organisation(request.user))
    for plan in plans.order_by("system__code"):
        rows.append(
            {
                "system": plan.system.code,
                "name": plan.system.name,
                "priority_work": plan.priority_work,
                "recovery_priority": plan.recovery_priority,
                "rto_hours": plan.rto_hours,
                "rpo_hours": plan.rpo_hours,
                "dependencies": [d.code for d in plan.dependencies.all()],
                "issues": [i.as_dict() for i in selectors.readiness(plan)],
            }
        )
    return rows


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "compliance": via_api(MEMBERS),
    "backups": via_api(MEMBERS),
    "restore_tests": via_api(MEMBERS),
    "add_restore_test": via_api(
        answers(DENIED, owner=OK, policy=OK, dual_policy=OK, outsider=OK), read_token=DENIED
    ),
    "readiness": via_api(MEMBERS),
}
