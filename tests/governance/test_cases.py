"""Procurement cases through the gates: who may do what, the checklist, the audit trail, and what
approving the contract and operation gates writes to the registry."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.governance import services, workflow
from daicho.governance.models import CaseState, GateDecision, Stage
from daicho.registry.models import Contract, CostLine
from tests.governance.conftest import fill_contract, pass_gate, review_all, tick_all

pytestmark = pytest.mark.django_db

ROLES = ["policy", "owner_a", "owner_b", "viewer", "auditor", "sam", "outsider"]


def _as(world, role):
    return audit_context(actor=world.user(role), channel=Channel.WEB)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("policy", True),
        ("owner_a", True),
        ("owner_b", False),
        ("viewer", False),
        ("auditor", False),
        ("sam", False),
        ("outsider", False),
    ],
)
def test_submitting_is_for_the_owner_section_and_policy(world, case, role, allowed):
    tick_all(case, world.owner_a)
    with _as(world, role):
        if allowed:
            services.case_submit(case=case, comment="ご確認ください")
        else:
            with pytest.raises(PermissionDenied):
                services.case_submit(case=case)
    case.refresh_from_db()
    assert case.state == (CaseState.SUBMITTED if allowed else CaseState.DRAFT)


@pytest.mark.parametrize("role", ROLES)
def test_only_it_policy_approves_a_gate(world, case, role):
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"):
        services.case_submit(case=case)
    review_all(case, world.policy)
    with _as(world, role):
        if role == "policy":
            services.case_approve_gate(case=case, comment="妥当")
        else:
            with pytest.raises(PermissionDenied):
                services.case_approve_gate(case=case)
    case.refresh_from_db()
    if role == "policy":
        assert (case.stage, case.state) == (Stage.BUDGET, CaseState.DRAFT)
    else:
        assert (case.stage, case.state) == (Stage.PLANNING, CaseState.SUBMITTED)


@pytest.mark.parametrize("role", ROLES)
def test_only_it_policy_returns_a_case(world, case, role):
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"):
        services.case_submit(case=case)
    with _as(world, role):
        if role == "policy":
            services.case_return(case=case, comment="クラウド利用の検討結果を記載してください")
        else:
            with pytest.raises(PermissionDenied):
                services.case_return(case=case, comment="差戻し")
    case.refresh_from_db()
    assert case.state == (CaseState.RETURNED if role == "policy" else CaseState.SUBMITTED)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("policy", True),
        ("owner_a", True),
        ("owner_b", False),
        ("viewer", False),
        ("auditor", False),
        ("outsider", False),
    ],
)
def test_withdrawing_is_for_the_owner_section_and_policy(world, case, role, allowed):
    with _as(world, role):
        if allowed:
            services.case_withdraw(case=case, comment="事業中止")
        else:
            with pytest.raises(PermissionDenied):
                services.case_withdraw(case=case)
    case.refresh_from_db()
    assert case.state == (CaseState.WITHDRAWN if allowed else CaseState.DRAFT)


def test_transitions_not_in_the_table_are_refused(world, case):
    with _as(world, "policy"), pytest.raises(ValidationError, match="にできません"):
        services.case_approve_gate(case=case)  # a draft is not approved before it is submitted
    with _as(world, "policy"), pytest.raises(ValidationError):
        services.case_return(case=case, comment="x")
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"):
        services.case_submit(case=case)
    with _as(world, "owner_a"), pytest.raises(ValidationError):
        services.case_submit(case=case)  # already waiting
    with _as(world, "owner_a"), pytest.raises(ValidationError) as exc:
        services.case_withdraw(case=case)  # why?
    assert "取り下げの理由を入力してください。" in exc.value.message_dict["comment"]
    with _as(world, "owner_a"):
        services.case_withdraw(case=case, comment="事業見直しのため")
    for action in ("submit", "withdraw"):
        assert not workflow.allowed(case, action)
    with _as(world, "owner_a"), pytest.raises(ValidationError):
        services.case_submit(case=case)


def test_returning_needs_a_comment(world, case):
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"):
        services.case_submit(case=case)
    with _as(world, "policy"), pytest.raises(ValidationError) as exc:
        services.case_return(case=case, comment="  ")
    assert "差戻しの理由を入力してください。" in exc.value.message_dict["comment"]


def test_an_incomplete_gate_cannot_be_submitted_and_says_what_is_missing(world, case):
    with _as(world, "owner_a"):
        services.case_update(case=case, data={}, checklist={})
    with _as(world, "owner_a"), pytest.raises(ValidationError) as exc:
        services.case_submit(case=case)
    message = " ".join(exc.value.messages)
    assert "クラウドサービスの利用を優先して検討した" in message
    # The owner ticks all but one item: still blocked, and only the missing item is named.
    items = workflow.checklist_items(case)
    with _as(world, "owner_a"):
        services.case_update(
            case=case, data={}, checklist={i.key: i.key != "cloud_first" for i in items}
        )
    with _as(world, "owner_a"), pytest.raises(ValidationError) as exc:
        services.case_submit(case=case)
    assert "クラウドサービスの利用を優先して検討した" in " ".join(exc.value.messages)
    assert "業務の見直し" not in " ".join(exc.value.messages)
    # A required field emptied: named by its label.
    with _as(world, "owner_a"):
        services.case_update(case=case, data={"purpose": ""})
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"), pytest.raises(ValidationError) as exc:
        services.case_submit(case=case)
    assert "先に入力が必要です: 目的と期待される効果" in " ".join(exc.value.messages)
    with _as(world, "owner_a"):
        services.case_update(case=case, data={"purpose": "保守期限切れ機器の更新"})
        services.case_submit(case=case)
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_it_policy_records_its_own_review_before_approving(world, case):
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"):
        services.case_submit(case=case)
    with _as(world, "policy"), pytest.raises(ValidationError) as exc:
        services.case_approve_gate(case=case)
    assert "情報政策課の確認が完了していません" in " ".join(exc.value.messages)
    with _as(world, "owner_a"), pytest.raises(PermissionDenied):
        services.case_review_checks(case=case, checks={"plan_fit": True})
    with _as(world, "policy"), pytest.raises(ValidationError):
        services.case_review_checks(case=case, checks={"no_such_check": True})
    with _as(world, "policy"):
        services.case_review_checks(case=case, checks={"plan_fit": True})
    with _as(world, "policy"), pytest.raises(ValidationError) as exc:
        services.case_approve_gate(case=case)
    assert "既存システム・共通基盤との重複がない" in " ".join(exc.value.messages)
    review_all(case, world.policy)
    with _as(world, "policy"):
        decision = services.case_approve_gate(case=case, comment="計画と整合")
    assert decision.review_checks == {"no_overlap": True, "plan_fit": True}
    assert decision.checklist == {i.key: True for i in workflow.checklist_items(case, "planning")}
    # The review is audited under the IT policy user, with readable labels.
    event = AuditEvent.objects.filter(
        content_type__model="procurementcase", actor=world.policy, action="update"
    ).earliest("pk")
    assert [tuple(c) for c in event.changes()] == [
        ("情報政策課の確認: 企画 / 情報化計画・全体最適化の方針と整合している", "未", "済")
    ]


def test_cloud_exit_terms_are_asked_only_of_cloud_cases(world, case):
    case.stage = Stage.PROCUREMENT
    keys = {i.key for i in workflow.checklist_items(case)}
    assert "cloud_exit" not in keys
    case.kind = "cloud"
    assert "cloud_exit" in {i.key for i in workflow.checklist_items(case)}


def test_a_submitted_case_is_locked_and_the_submitter_may_not_approve(world, case):
    tick_all(case, world.owner_a)
    with _as(world, "policy"):
        services.case_submit(case=case)
    with _as(world, "owner_a"), pytest.raises(ValidationError, match="今は変更できません"):
        services.case_update(case=case, data={"title": "変更"})
    review_all(case, world.policy)
    with (
        _as(world, "policy"),
        pytest.raises(PermissionDenied, match="提出した本人は承認できません"),
    ):
        services.case_approve_gate(case=case)


def test_every_transition_is_audited_and_recorded(world, case):
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"):
        services.case_submit(case=case, comment="よろしくお願いします")
    with _as(world, "policy"):
        services.case_return(case=case, comment="見積を添付してください")
    decisions = list(GateDecision.objects.filter(case=case).values_list("action", "actor_name"))
    assert decisions == [("submit", "owner_a"), ("return", "policy")]
    events = AuditEvent.objects.filter(
        content_type__model="procurementcase", object_id=str(case.pk)
    )
    updates = [e for e in events if e.action == "update"]
    assert len(updates) == 3  # the checklist ticked, submitted, returned
    returned = max(updates, key=lambda e: e.pk)
    assert returned.actor == world.policy
    assert returned.before["state"] == "submitted" and returned.after["state"] == "returned"
    assert "見積を添付してください" in returned.message
    # The case's history belongs to the system's karte.
    assert returned.root_id == str(world.system_a.pk)


def test_approving_the_contract_gate_writes_the_contract_and_planned_costs(world, case):
    pass_gate(case, world)  # planning
    pass_gate(case, world)  # budget
    assert case.stage == Stage.PROCUREMENT
    fill_contract(case, world)
    pass_gate(case, world)
    assert case.stage == Stage.OPERATION
    contract = Contract.objects.get(organisation=world.org, code="C2015-01")
    assert contract.yearly_amount == 9_600_000
    assert contract.green == case.green  # the green flag travels to the contract
    assert list(contract.systems.all()) == [world.system_a]
    planned = CostLine.objects.filter(system=world.system_a, basis="budget", category="operation")
    # FY2014 already had a budget line; FY2015–FY2017 are planned from the contract.
    assert sorted(planned.filter(fiscal_year__gte=2015).values_list("fiscal_year", "amount")) == [
        (2015, 9_600_000),
        (2016, 9_600_000),
        (2017, 9_600_000),
    ]
    assert planned.get(fiscal_year=2014).amount == 10_500_000
    initial = CostLine.objects.get(system=world.system_a, basis="budget", category="initial")
    assert (initial.fiscal_year, initial.amount) == (2015, 30_000_000)
    assert AuditEvent.objects.filter(
        content_type__model="contract", action="create", actor=world.policy
    ).exists()


def test_the_contract_gate_needs_the_contract_details(world, case):
    pass_gate(case, world)
    pass_gate(case, world)
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"), pytest.raises(ValidationError) as exc:
        services.case_submit(case=case)
    assert "契約ID" in " ".join(exc.value.messages)
    assert not Contract.objects.filter(code="C2015-01").exists()


def test_approving_operation_puts_a_planned_system_into_operation(world, case):
    world.system_a.status = "development"
    world.system_a.in_service_on = None
    world.system_a.save()
    pass_gate(case, world)
    pass_gate(case, world)
    fill_contract(case, world)
    pass_gate(case, world)
    pass_gate(case, world)
    assert (case.stage, case.state) == (Stage.EVALUATION, CaseState.DRAFT)
    world.system_a.refresh_from_db()
    assert world.system_a.status == "operating"
    assert world.system_a.in_service_on == case.in_operation_on


def test_available_actions_follow_role_and_state(world, case):
    assert services.available_actions(case, world.owner_a) == ["submit", "withdraw"]
    assert services.available_actions(case, world.viewer) == []
    tick_all(case, world.owner_a)
    with _as(world, "owner_a"):
        services.case_submit(case=case)
    assert services.available_actions(case, world.policy) == ["approve", "return", "withdraw"]
    assert services.available_actions(case, world.owner_a) == ["withdraw"]
    assert services.available_actions(case, world.owner_b) == []


def test_case_codes_are_numbered_per_fiscal_year(world, case):
    with _as(world, "owner_a"):
        second = services.case_create(
            organisation=world.org,
            owner_unit=world.section_a,
            system=world.system_a,
            title="改修",
            kind="modification",
            fiscal_year=2015,
        )
    assert (case.code, second.code) == ("P2015-001", "P2015-002")


def test_an_owner_cannot_open_a_case_for_another_section(world):
    with _as(world, "owner_b"), pytest.raises(PermissionDenied):
        services.case_create(
            organisation=world.org,
            owner_unit=world.section_a,
            system=world.system_a,
            title="x",
            kind="new",
            fiscal_year=2015,
        )


def test_evaluation_completes_a_case(world, case):
    for _ in range(2):
        pass_gate(case, world)
    fill_contract(case, world)
    pass_gate(case, world)
    pass_gate(case, world)
    with _as(world, "owner_a"):
        evaluation = services.evaluation_create(
            system=world.system_a,
            case=case,
            fiscal_year=2016,
            evaluated_on=datetime.date(2017, 6, 1),
            conclusion="continue",
            actual_cost=9_300_000,
        )
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert evaluation.expected_cost == 11_000_000
    complete = GateDecision.objects.get(case=case, action="complete")
    assert complete.decided_at.date() == datetime.date(2017, 6, 1)


def test_an_owner_cannot_open_a_case_on_another_sections_system(world):
    with _as(world, "owner_b"), pytest.raises(PermissionDenied):
        services.case_create(
            organisation=world.org,
            owner_unit=world.section_b,
            system=world.system_a,
            title="他課のシステム",
            kind="modification",
            fiscal_year=2015,
        )


def test_cases_export_from_the_command_line(world, case, capsys):
    import json

    from django.core.management import call_command

    call_command("export", "cases", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["code"] == "P2015-001" and rows[0]["stage"] == "planning"
    assert rows[0]["recurring_cost"] == 11_000_000
    call_command("export", "consultations", "--format", "json", "--as", "viewer")
    assert json.loads(capsys.readouterr().out) == []
