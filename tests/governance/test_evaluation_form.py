"""The evaluation form: choosing the case when none is given, and the actual cost from 決算."""

from __future__ import annotations

import datetime

from django.urls import reverse

from daicho.governance.models import Stage
from tests.factories import CostItemFactory, CostLineFactory


def _at_evaluation(case):
    case.stage = Stage.EVALUATION
    case.in_operation_on = datetime.date(2014, 4, 1)
    case.save()


def test_without_a_case_the_page_lists_the_cases_to_evaluate(client, world, case):
    _at_evaluation(case)
    client.force_login(world.owner_a)
    response = client.get(reverse("governance:evaluation_create"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "税務システム機器更新" in page
    assert f"?case={case.pk}" in page


def test_without_a_case_it_says_there_is_none_to_evaluate(client, world, case):
    # The case is at its planning gate, and section B's owner may not edit it anyway.
    client.force_login(world.owner_b)
    response = client.get(reverse("governance:evaluation_create"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "税務システム機器更新" not in page
    assert "評価ゲートにある案件" in page
    _at_evaluation(case)
    assert (
        "税務システム機器更新"
        not in client.get(reverse("governance:evaluation_create")).content.decode()
    )


def test_the_actual_cost_comes_from_the_ledgers_settlement(client, world, case):
    _at_evaluation(case)
    CostLineFactory(
        system=world.system_a, fiscal_year=2014, basis="actual", amount=9_700_000, item=world.item
    )
    CostLineFactory(
        system=world.system_a,
        fiscal_year=2014,
        basis="actual",
        amount=300_000,
        item=CostItemFactory(organisation=world.org, code="shiyo", name="使用料"),
    )
    # an initial cost (導入経費) of the year is not the recurring cost evaluated
    CostLineFactory(
        system=world.system_a,
        fiscal_year=2014,
        basis="actual",
        category="initial",
        amount=5_000_000,
        item=world.item,
    )
    client.force_login(world.owner_a)
    url = reverse("governance:evaluation_create") + f"?case={case.pk}&fiscal_year=2014"
    page = client.get(url).content.decode()
    assert 'name="actual_cost" value="10000000"' in page
    assert "台帳の決算から入力：2014年度（平成26年度）の運用等経費の実績" in page


def test_without_a_settlement_the_actual_cost_is_left_empty(client, world, case):
    _at_evaluation(case)
    client.force_login(world.owner_a)
    url = reverse("governance:evaluation_create") + f"?case={case.pk}&fiscal_year=2014"
    page = client.get(url).content.decode()
    # FY2014 has only a budget line in the ledger
    assert 'name="actual_cost" value=' not in page
    assert "台帳の決算" not in page


def test_the_year_evaluated_is_the_cases_first_year_in_operation(client, world, case):
    _at_evaluation(case)  # in operation since 2014-04-01
    CostLineFactory(
        system=world.system_a, fiscal_year=2014, basis="actual", amount=9_900_000, item=world.item
    )
    client.force_login(world.owner_a)
    page = client.get(reverse("governance:evaluation_create") + f"?case={case.pk}").content.decode()
    assert 'name="fiscal_year" value="2014"' in page
    assert 'name="actual_cost" value="9900000"' in page
