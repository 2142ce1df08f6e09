"""The demo organisation tells the plan's governance story: cases at every gate, over 200
consultations in FY2014, evaluations, and a knowledge base the IT policy division reads."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from daicho.core import metrics
from daicho.core.models import Organisation
from daicho.governance.models import Consultation, Evaluation, ProcurementCase
from daicho.knowledge.models import Article
from daicho.knowledge.selectors import article_search

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_every_gate_consultations_evaluations_and_articles():
    call_command("demo", "--no-migrate", stdout=io.StringIO())  # (idempotent: tests/core)
    org = Organisation.objects.get(code="330001")
    cases = ProcurementCase.objects.filter(organisation=org)
    assert cases.count() == 11
    assert set(cases.values_list("stage", flat=True)) == {
        "planning",
        "budget",
        "procurement",
        "operation",
        "evaluation",
    }
    states = set(cases.values_list("state", flat=True))
    assert {"returned", "submitted", "withdrawn", "completed", "draft"} <= states
    registry = metrics.metrics()
    assert registry["support_cases"].compute(org, 2014).value >= 200
    assert (
        registry["cost_saving_cases"].compute(org, 2014).value
        > registry["cost_saving_cases"].compute(org, 2013).value
    )
    assert registry["green_procurement"].compute(org, 2014).value == Decimal(100)
    assert registry["knowledge_usage"].compute(org, 2014).value == Decimal(100)
    assert Consultation.objects.filter(organisation=org).count() == 628
    assert Evaluation.objects.filter(organisation=org).count() == 2
    assert Article.objects.filter(organisation=org).count() == 13
    from daicho.core.models import User

    viewer = User.objects.get(username="viewer")
    titles = [a.title for a in article_search(user=viewer, query="仮想化")]
    assert titles[:2] == [
        "サーバ仮想化基盤の更新（平成27年度）に向けた検討メモ",
        "仮想化基盤へのシステム移行手順",
    ]
