"""Property: whatever people click, in whatever order, no case reaches a later gate with an
earlier one incomplete — every approval (and every submission) carries a complete checklist,
the required fields were filled, and every approval carries the IT policy division's complete
review."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, example, given, settings, target
from hypothesis import strategies as st

from daicho.core.audit import Channel, audit_context
from daicho.governance import services, workflow
from daicho.governance.models import STAGE_ORDER, DecisionAction, GateDecision, ProcurementCase
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

ROLES = ("owner_a", "policy", "owner_a", "policy", "owner_b", "viewer")  # mostly those who may
ALL = 2**6 - 1

# The way through every gate, as one example the search always tries and varies.
THROUGH_A_GATE = [("tick", "owner_a", ALL), ("submit", "owner_a", True)]
THROUGH_A_GATE += [("review", "policy", ALL), ("approve", "policy", True)]
HAPPY_PATH = [
    ("purpose", "owner_a", True),
    *THROUGH_A_GATE,
    *THROUGH_A_GATE,
    ("contract", "owner_a", True),
    *THROUGH_A_GATE,
    *THROUGH_A_GATE,
]

# A bit per checklist item; "all ticked" is drawn as often as any other pattern, so that the
# sequences get past gates, and target() below steers them further.
ticks = st.one_of(st.just(ALL), st.integers(0, ALL))
step = st.one_of(
    st.tuples(st.just("tick"), st.sampled_from(ROLES), ticks),
    st.tuples(st.just("review"), st.sampled_from(ROLES), ticks),
    st.tuples(st.just("contract"), st.sampled_from(ROLES), st.booleans()),
    st.tuples(st.just("purpose"), st.sampled_from(ROLES), st.booleans()),
    st.tuples(
        st.sampled_from(["submit", "approve", "return", "withdraw"]),
        st.sampled_from(ROLES),
        st.booleans(),
    ),
)


def _apply(case: ProcurementCase, world, vendor, action: str, role: str, arg) -> None:
    with audit_context(actor=world.user(role), channel=Channel.WEB):
        if action == "tick":
            items = workflow.checklist_items(case)
            services.case_update(
                case=case,
                data={},
                checklist={item.key: bool(arg >> i & 1) for i, item in enumerate(items)},
            )
        elif action == "review":
            items = workflow.review_items(case)
            services.case_review_checks(
                case=case, checks={item.key: bool(arg >> i & 1) for i, item in enumerate(items)}
            )
        elif action == "contract":
            services.case_update(
                case=case,
                data={
                    "vendor": vendor if arg else None,
                    "contract_code": "C2015-77" if arg else "",
                    "contract_kind": "maintenance",
                    "contract_start_on": datetime.date(2015, 4, 1),
                    "contract_end_on": datetime.date(2016, 3, 31),
                    "contract_amount": 1_200_000,
                    "procurement_method": "general_tender",
                },
            )
        elif action == "purpose":
            services.case_update(case=case, data={"purpose": "窓口業務の効率化" if arg else ""})
        else:
            services.ACTIONS[action](case=case, comment="理由" if arg else "")


def _complete(stored: dict, items) -> bool:
    return all(stored.get(item.key) for item in items)


@st.composite
def near_the_way_through(draw):
    """The way through every gate with a few steps left out, changed or added: sequences that
    get far, and skip or undo something on the way."""
    steps = list(HAPPY_PATH)
    for index in sorted(draw(st.sets(st.integers(0, len(steps) - 1), max_size=3)), reverse=True):
        del steps[index]
    for index, extra in draw(st.lists(st.tuples(st.integers(0, len(steps)), step), max_size=4)):
        steps.insert(index, extra)
    return steps


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(steps=HAPPY_PATH)
@given(steps=st.one_of(st.lists(step, min_size=1, max_size=40), near_the_way_through()))
def test_no_case_reaches_a_later_gate_with_an_earlier_one_incomplete(world, steps):
    vendor = VendorFactory(organisation=world.org)
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        case = services.case_create(
            organisation=world.org,
            owner_unit=world.section_a,
            system=world.system_a,
            title="窓口システム更新",
            kind="renewal",
            fiscal_year=2015,
            recurring_cost=1_000_000,
        )
    for action, role, arg in steps:
        with contextlib.suppress(ValidationError, PermissionDenied):
            _apply(case, world, vendor, action, role, arg)  # a refusal leaves the case as it was
        case.refresh_from_db()
        decisions = list(GateDecision.objects.filter(case=case).order_by("pk"))
        approvals = {d.stage: d for d in decisions if d.action == DecisionAction.APPROVE}
        # Every gate before the current one was approved with both lists complete.
        for stage in STAGE_ORDER[: STAGE_ORDER.index(case.stage)]:
            approval = approvals.get(stage)
            assert approval is not None, (stage, steps)
            assert _complete(approval.checklist, workflow.checklist_items(case, stage))
            assert _complete(approval.review_checks, workflow.review_items(case, stage))
        # Nothing was ever submitted or approved with an incomplete checklist.
        for decision in decisions:
            if decision.action in (DecisionAction.SUBMIT, DecisionAction.APPROVE):
                items = workflow.checklist_items(case, decision.stage)
                assert _complete(decision.checklist, items), (decision.action, steps)
            if decision.action == DecisionAction.APPROVE:
                assert decision.actor_id != _submitter(decisions, decision).actor_id
        # The contract gate was only passed with its contract written to the ledger.
        if "procurement" in approvals:
            assert case.contract_code and case.vendor_id
    target(STAGE_ORDER.index(case.stage))
    if steps == HAPPY_PATH:
        assert case.stage == "evaluation"  # the example really goes through every gate


def _submitter(decisions, approval):
    before = [d for d in decisions if d.pk < approval.pk and d.action == DecisionAction.SUBMIT]
    return before[-1]
