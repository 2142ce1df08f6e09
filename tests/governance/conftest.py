"""Fixtures of the governance tests: a case of section A's tax system, and a filler of gates."""

from __future__ import annotations

import datetime

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.governance import services, workflow
from daicho.governance.models import ProcurementCase
from tests.factories import VendorFactory


@pytest.fixture
def case(world) -> ProcurementCase:
    """A renewal case of 税務システム opened by section A's owner, at the planning gate, its
    planning checklist complete (ready to submit)."""
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        case = services.case_create(
            organisation=world.org,
            owner_unit=world.section_a,
            system=world.system_a,
            title="税務システム機器更新",
            kind="renewal",
            fiscal_year=2015,
            recurring_cost=11_000_000,
            initial_cost=30_000_000,
            purpose="保守期限切れ機器の更新",
        )
    tick_all(case, world.owner_a)
    return case


def tick_all(case: ProcurementCase, user) -> None:
    """Tick every checklist item of the case's current gate as ``user``."""
    with audit_context(actor=user, channel=Channel.WEB):
        services.case_update(
            case=case,
            data={},
            checklist={item.key: True for item in workflow.checklist_items(case)},
        )


def fill_contract(case: ProcurementCase, world) -> None:
    vendor = VendorFactory(organisation=world.org, name="株式会社吉備システム")
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.case_update(
            case=case,
            data={
                "vendor": vendor,
                "contract_code": "C2015-01",
                "contract_kind": "maintenance",
                "contract_start_on": datetime.date(2015, 4, 1),
                "contract_end_on": datetime.date(2018, 3, 31),
                "contract_amount": 9_600_000,
                "procurement_method": "general_tender",
                "green": "yes",
            },
        )


def review_all(case: ProcurementCase, user) -> None:
    """Record every IT policy review check of the case's current gate as ``user``."""
    with audit_context(actor=user, channel=Channel.WEB):
        services.case_review_checks(
            case=case, checks={item.key: True for item in workflow.review_items(case)}
        )


def pass_gate(case: ProcurementCase, world) -> None:
    """The owner completes the checklist and submits; IT policy reviews and approves."""
    tick_all(case, world.owner_a)
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.case_submit(case=case)
    review_all(case, world.policy)
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.case_approve_gate(case=case, comment="承認します")
    case.refresh_from_db()
