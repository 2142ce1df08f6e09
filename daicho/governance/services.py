"""Writes of the governance area: cases and their gate transitions, consultations, evaluations,
budget review settings. Views, the API, the CLI and the demo all call these."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import audit, wareki
from daicho.core.audit import Action
from daicho.core.models import Organisation, OrgUnit
from daicho.core.permissions import may_edit, scope_of
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require,
    require_policy,
)
from daicho.governance import workflow
from daicho.governance.models import (
    CaseState,
    Consultation,
    DecisionAction,
    Evaluation,
    GateDecision,
    ProcurementCase,
    ReviewSettings,
    Stage,
)
from daicho.registry import services as registry_services
from daicho.registry.models import (
    Basis,
    Category,
    Contract,
    ContractKind,
    CostItem,
    CostLine,
    InformationSystem,
    Status,
)


def _is_trusted() -> bool:
    return actor() is None and audit.current().channel in (
        audit.Channel.CLI,
        audit.Channel.SYSTEM,
        audit.Channel.IMPORT,
    )


def may_edit_case(case: ProcurementCase, user) -> bool:
    return may_edit(case, user)


def may_decide(case: ProcurementCase, user) -> bool:
    return case.organisation_id in scope_of(user).policy_org_ids


# --- cases ---------------------------------------------------------------------------------------


def _next_code(organisation: Organisation, fiscal_year: int) -> str:
    prefix = f"P{fiscal_year}-"
    last = (
        ProcurementCase.objects.filter(organisation=organisation, code__startswith=prefix)
        .aggregate(last=Max("code"))
        .get("last")
    )
    number = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:03d}"


EDITABLE_FIELDS = {
    "title",
    "system",
    "kind",
    "owner_unit",
    "fiscal_year",
    "initial_cost",
    "recurring_cost",
    "procurement_method",
    "green",
    "purpose",
    "expected_staff_hours_saved",
    "expected_usage",
    "vendor",
    "contract_code",
    "contract_kind",
    "contract_start_on",
    "contract_end_on",
    "contract_amount",
}


@transaction.atomic
def case_create(
    *,
    organisation: Organisation,
    owner_unit: OrgUnit,
    system: InformationSystem,
    title: str,
    kind: str,
    fiscal_year: int,
    code: str = "",
    **fields: Any,
) -> ProcurementCase:
    """Open a procurement case at the planning gate (the owner section or IT policy)."""
    require(
        scope_of(actor()).may_own(owner_unit), _("You may only open cases for your own section.")
    )
    require(
        may_edit(system, actor()),
        _("You may only open cases for systems you keep."),
    )
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    case = ProcurementCase(
        organisation=organisation,
        owner_unit=owner_unit,
        system=system,
        title=title,
        kind=kind,
        fiscal_year=fiscal_year,
        code=code or _next_code(organisation, fiscal_year),
        **fields,
    )
    return object_create(obj=case)


@transaction.atomic
def case_update(
    *, case: ProcurementCase, data: dict[str, Any], checklist: dict[str, bool] | None = None
) -> ProcurementCase:
    """Change a case being prepared or returned (not while it waits for approval)."""
    require(may_edit_case(case, actor()) or _is_trusted())
    if case.state not in (CaseState.DRAFT, CaseState.RETURNED):
        raise ValidationError(
            _("The case is %(state)s and cannot be changed now.")
            % {"state": case.get_state_display()}
        )
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "owner_unit" in data and data["owner_unit"] != case.owner_unit:
        require(scope_of(actor()).may_own(data["owner_unit"]))
    if "system" in data and data["system"] != case.system:
        require(may_edit(data["system"], actor()))
    data = dict(data)
    if checklist is not None:
        keys = {item.key for item in workflow.checklist_items(case)}
        stage_list = {k: bool(v) for k, v in checklist.items() if k in keys}
        data["checklist"] = {**case.checklist, case.stage: stage_list}
    return object_update(obj=case, data=data)


def _decided_at(decided_on: datetime.date | None) -> datetime.datetime:
    """When a decision counts as taken: now, or a past day (a decision first made on paper)."""
    if decided_on is None:
        return timezone.now()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A decision cannot be dated in the future.")})
    return timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(12)))


def _decide(
    case: ProcurementCase,
    action: str,
    comment: str = "",
    *,
    decided_on: datetime.date | None = None,
    lock: bool = True,
) -> GateDecision:
    """Apply one transition of the table: check state, who, comment and checklist; audit it."""
    if lock:
        # Two approvers clicking at once: the second one sees the state the first one left.
        ProcurementCase.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
        case.refresh_from_db()
    transition = workflow.TRANSITIONS[action]
    me = actor()
    if transition.by == workflow.POLICY:
        require(
            may_decide(case, me),
            _("Only the IT policy division approves or returns a case."),
        )
    else:
        require(may_edit_case(case, me), _("You may not change this case."))
    if not workflow.allowed(case, action):
        raise ValidationError(
            _("A case that is %(state)s at the %(stage)s gate cannot be %(action)s.")
            % {
                "state": case.get_state_display(),
                "stage": case.get_stage_display(),
                "action": DecisionAction(action).label,
            }
        )
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationError(
            {
                "comment": _("Say why the case is returned.")
                if action == DecisionAction.RETURN
                else _("Say why the case is withdrawn.")
            }
        )
    if transition.needs_review:
        last_submit = case.decisions.filter(action=DecisionAction.SUBMIT).last()
        if me is not None and last_submit is not None and last_submit.actor_id == me.pk:
            raise PermissionDenied(_("The person who submitted a case may not approve it."))
    if transition.needs_checklist:
        problems = workflow.gate_problems(case, review=transition.needs_review)
        if problems:
            raise ValidationError(problems)
    before = audit.snapshot(case)
    stage = case.stage
    decided_at = _decided_at(decided_on)
    decision = GateDecision.objects.create(
        decided_at=decided_at,
        case=case,
        stage=stage,
        action=action,
        comment=comment,
        checklist=case.checklist.get(stage, {}),
        review_checks=case.review_checks.get(stage, {}),
        actor=me if me is not None and me.pk else None,
        actor_name=me.get_username() if me is not None else audit.current().channel,
    )
    audit.record(action=Action.CREATE, obj=decision, after=audit.snapshot(decision))
    case.state = transition.target
    update = ["state", "updated_at"]
    if action == DecisionAction.SUBMIT:
        case.submitted_at = decided_at
        update.append("submitted_at")
    if transition.advances:
        if stage == Stage.PROCUREMENT:
            _apply_contract(case)
        if stage == Stage.OPERATION:
            _start_operation(case, timezone.localtime(decided_at).date())
            update.append("in_operation_on")
        case.stage = workflow.next_stage(stage)
        update.append("stage")
    case.save(update_fields=update)
    audit.record(
        action=Action.UPDATE,
        obj=case,
        before=before,
        after=audit.snapshot(case),
        message=f"{DecisionAction(action).label}: {comment}"[:500],
    )
    return decision


def _apply_contract(case: ProcurementCase) -> None:
    """Approving the contract gate writes the contract and the planned costs to the registry."""
    contract = Contract.objects.filter(
        organisation=case.organisation, code=case.contract_code
    ).first()
    fields = {
        "title": case.title,
        "vendor": case.vendor,
        "owner_unit": case.owner_unit,
        "kind": case.contract_kind,
        "start_on": case.contract_start_on,
        "end_on": case.contract_end_on,
        "yearly_amount": case.contract_amount,
        "green": case.green,  # the same values: yes / no / na
    }
    if contract is None:
        registry_services.contract_create(
            organisation=case.organisation,
            code=case.contract_code,
            systems=[case.system],
            **fields,
        )
    else:
        systems = list(contract.systems.all())
        if case.system not in systems:
            systems.append(case.system)
        registry_services.contract_update(contract=contract, data=fields, systems=systems)
    item = (
        CostItem.objects.filter(organisation=case.organisation, code="itaku").first()
        or CostItem.objects.filter(organisation=case.organisation).first()
    )
    if item is None:
        return
    first = wareki.fiscal_year_of(case.contract_start_on)
    last = wareki.fiscal_year_of(case.contract_end_on)
    # A development contract is paid from 整備経費; maintenance, leases, cloud and lines from
    # 運用等経費. Years that already have a budget of that kind keep it.
    category = (
        Category.INITIAL if case.contract_kind == ContractKind.DEVELOPMENT else Category.OPERATION
    )
    planned = CostLine.objects.filter(system=case.system, basis=Basis.BUDGET)
    for fiscal_year in range(first, last + 1):
        if not planned.filter(fiscal_year=fiscal_year, category=category).exists():
            registry_services.cost_line_create(
                system=case.system,
                fiscal_year=fiscal_year,
                basis=Basis.BUDGET,
                category=category,
                item=item,
                amount=case.contract_amount,
                note=_("Planned by case %(code)s") % {"code": case.code},
            )
    if (
        case.initial_cost
        and not planned.filter(fiscal_year=first, category=Category.INITIAL).exists()
    ):
        registry_services.cost_line_create(
            system=case.system,
            fiscal_year=first,
            basis=Basis.BUDGET,
            category=Category.INITIAL,
            item=item,
            amount=case.initial_cost,
            note=_("Planned by case %(code)s") % {"code": case.code},
        )


def _start_operation(case: ProcurementCase, today: datetime.date) -> None:
    """Approving the operation gate puts the system in operation (its evaluation is due a year
    later)."""
    case.in_operation_on = today
    system = case.system
    data: dict[str, Any] = {}
    if system.status in (Status.PLANNING, Status.DEVELOPMENT):
        data["status"] = Status.OPERATING
    if system.in_service_on is None:
        data["in_service_on"] = today
    if data:
        registry_services.system_update(system=system, data=data)


@transaction.atomic
def case_submit(
    *, case: ProcurementCase, comment: str = "", decided_on: datetime.date | None = None
) -> GateDecision:
    """The owner section asks the IT policy division to approve the current gate."""
    return _decide(case, DecisionAction.SUBMIT, comment, decided_on=decided_on)


@transaction.atomic
def case_approve_gate(
    *, case: ProcurementCase, comment: str = "", decided_on: datetime.date | None = None
) -> GateDecision:
    """The IT policy division approves the current gate; the case moves to the next one."""
    return _decide(case, DecisionAction.APPROVE, comment, decided_on=decided_on)


@transaction.atomic
def case_return(
    *, case: ProcurementCase, comment: str, decided_on: datetime.date | None = None
) -> GateDecision:
    """The IT policy division sends the case back to its owner with a comment."""
    return _decide(case, DecisionAction.RETURN, comment, decided_on=decided_on)


@transaction.atomic
def case_withdraw(
    *, case: ProcurementCase, comment: str = "", decided_on: datetime.date | None = None
) -> GateDecision:
    """The owner (or IT policy) abandons the case."""
    return _decide(case, DecisionAction.WITHDRAW, comment, decided_on=decided_on)


@transaction.atomic
def case_review_checks(*, case: ProcurementCase, checks: dict[str, bool]) -> ProcurementCase:
    """The IT policy division records its own review checks of the gate it is asked to approve
    (only while the case waits for its decision); audited like every change."""
    ProcurementCase.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
    case.refresh_from_db()
    require(may_decide(case, actor()), _("Only the IT policy division reviews a case."))
    if case.state != CaseState.SUBMITTED:
        raise ValidationError(_("The review is recorded while the case waits for approval."))
    keys = {item.key for item in workflow.review_items(case)}
    unknown = set(checks) - keys
    if unknown:
        raise ValidationError(
            _("Unknown review checks: %(keys)s") % {"keys": ", ".join(sorted(unknown))}
        )
    stage_checks = {key: bool(checks.get(key)) for key in sorted(keys)}
    return object_update(
        obj=case, data={"review_checks": {**case.review_checks, case.stage: stage_checks}}
    )


ACTIONS = {
    DecisionAction.SUBMIT: case_submit,
    DecisionAction.APPROVE: case_approve_gate,
    DecisionAction.RETURN: case_return,
    DecisionAction.WITHDRAW: case_withdraw,
}


def available_actions(case: ProcurementCase, user) -> list[str]:
    """The actions the user may take on the case now (for buttons and the API)."""
    result = []
    for action in ACTIONS:
        transition = workflow.TRANSITIONS[action]
        if not workflow.allowed(case, action):
            continue
        if transition.by == workflow.POLICY:
            if may_decide(case, user):
                result.append(action)
        elif may_edit_case(case, user):
            result.append(action)
    return result


@transaction.atomic
def case_delete(*, case: ProcurementCase) -> None:
    """Delete a case still at its first gate that nobody has decided on (else: withdraw it)."""
    require(may_edit_case(case, actor()))
    if case.stage != Stage.PLANNING or case.decisions.exists():
        raise ValidationError(_("A case that went through a gate is withdrawn, not deleted."))
    object_delete(obj=case)


# --- consultations ----------------------------------------------------------------------------


def _require_recorder(organisation: Organisation) -> None:
    require(
        organisation.pk in scope_of(actor()).policy_org_ids,
        _("Only the IT policy division records consultations."),
    )


@transaction.atomic
def consultation_create(
    *,
    organisation: Organisation,
    consulted_on: datetime.date,
    unit: OrgUnit,
    topic: str,
    subject: str,
    channel: str,
    **fields: Any,
) -> Consultation:
    """Record a consultation the IT policy division handled."""
    _require_recorder(organisation)
    fields.setdefault("handled_by", actor() if actor() is not None and actor().pk else None)
    return object_create(
        obj=Consultation(
            organisation=organisation,
            consulted_on=consulted_on,
            unit=unit,
            topic=topic,
            subject=subject,
            channel=channel,
            **fields,
        )
    )


@transaction.atomic
def consultation_update(*, consultation: Consultation, data: dict[str, Any]) -> Consultation:
    """Correct a consultation record."""
    _require_recorder(consultation.organisation)
    return object_update(obj=consultation, data=data)


@transaction.atomic
def consultation_delete(*, consultation: Consultation) -> None:
    """Remove a consultation recorded by mistake (IT policy division)."""
    _require_recorder(consultation.organisation)
    object_delete(obj=consultation)


# --- evaluations --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_create(
    *,
    system: InformationSystem,
    fiscal_year: int,
    evaluated_on: datetime.date,
    conclusion: str,
    case: ProcurementCase | None = None,
    **fields: Any,
) -> Evaluation:
    """Record a post-implementation evaluation; it completes the case it evaluates."""
    require(
        may_edit(system, actor()),
        _("Only the system's owner section or the IT policy division evaluates it."),
    )
    if case is not None:
        fields.setdefault("expected_cost", case.recurring_cost or None)
        fields.setdefault("expected_usage", case.expected_usage)
        fields.setdefault("expected_staff_hours_saved", case.expected_staff_hours_saved)
    fields.setdefault("evaluated_by", actor() if actor() is not None and actor().pk else None)
    evaluation = object_create(
        obj=Evaluation(
            organisation=system.organisation,
            system=system,
            case=case,
            fiscal_year=fiscal_year,
            evaluated_on=evaluated_on,
            conclusion=conclusion,
            **fields,
        )
    )
    if case is not None and workflow.allowed(case, DecisionAction.COMPLETE):
        _decide(
            case,
            DecisionAction.COMPLETE,
            evaluation.get_conclusion_display(),
            decided_on=min(evaluated_on, timezone.localdate()),
        )
    return evaluation


@transaction.atomic
def evaluation_update(*, evaluation: Evaluation, data: dict[str, Any]) -> Evaluation:
    """Correct an evaluation (the system's owner section or the IT policy division)."""
    require(may_edit(evaluation, actor()))
    return object_update(obj=evaluation, data=data)


# --- budget review settings ------------------------------------------------------------------


def review_settings(organisation: Organisation) -> ReviewSettings:
    """The organisation's thresholds (defaults until the IT policy division changes them)."""
    found = ReviewSettings.objects.filter(organisation=organisation).first()
    return found or ReviewSettings(organisation=organisation)


@transaction.atomic
def review_settings_save(*, organisation: Organisation, data: dict[str, Any]) -> ReviewSettings:
    """Change the budget review thresholds (IT policy division)."""
    require_policy(organisation)
    current = ReviewSettings.objects.filter(organisation=organisation).first()
    if current is None:
        return object_create(obj=ReviewSettings(organisation=organisation, **data))
    return object_update(obj=current, data=data)
