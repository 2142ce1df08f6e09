"""Consultations and their indicators, green procurement, the budget review, evaluations due."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from daicho.core import metrics
from daicho.core.audit import Channel, audit_context
from daicho.governance import selectors, services
from daicho.governance.models import GreenStatus, ProcurementCase, Stage
from tests.factories import CostLineFactory, SystemFactory

pytestmark = pytest.mark.django_db


def _consult(world, day, saving=0, **extra):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        return services.consultation_create(
            organisation=world.org,
            consulted_on=day,
            unit=world.section_b,
            topic="contract",
            subject=f"見積の精査 {day}",
            channel="meeting",
            cost_saving=saving,
            **extra,
        )


def test_support_metrics_count_the_fiscal_year(world):
    # FY2013: 2 consultations, 1 saving; FY2014 (2014-04-01..2015-03-31): 3, 2 saving.
    _consult(world, datetime.date(2013, 5, 1), saving=500_000)
    _consult(world, datetime.date(2014, 3, 31))
    _consult(world, datetime.date(2014, 4, 1), saving=1_000_000)
    _consult(world, datetime.date(2014, 10, 1))
    _consult(world, datetime.date(2015, 3, 31), saving=250_000)
    _consult(world, datetime.date(2015, 4, 1))
    registry = metrics.metrics()
    support = registry["support_cases"].compute(world.org, 2014)
    saving = registry["cost_saving_cases"].compute(world.org, 2014)
    assert support.value == Decimal(3)
    assert saving.value == Decimal(2)
    assert "1,250" in saving.detail  # 千円
    assert registry["cost_saving_cases"].compute(world.org, 2013).value == Decimal(1)
    assert "fy=2014" in support.records_url


def test_another_organisation_is_not_counted(world):
    _consult(world, datetime.date(2014, 6, 1))
    assert metrics.metrics()["support_cases"].compute(world.other_org, 2014).value == 0


def test_the_consultation_list_filters_by_year_and_saving(client, world):
    _consult(world, datetime.date(2014, 6, 1), saving=300_000)
    _consult(world, datetime.date(2014, 7, 1))
    _consult(world, datetime.date(2013, 7, 1), saving=100_000)
    client.force_login(world.viewer)
    response = client.get(reverse("governance:consultation_list") + "?fy=平成26年度&saving=true")
    body = response.content.decode()
    assert "見積の精査 2014-06-01" in body
    assert "2014-07-01" not in body and "2013-07-01" not in body
    assert "支援 2件、うち経費削減 1件" in body  # the year's summary, whatever the filter


def test_a_consultation_cannot_be_dated_in_the_future(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _consult(world, datetime.date.today() + datetime.timedelta(days=30))


def _purchase(world, code, green, start):
    return ProcurementCase.objects.create(
        organisation=world.org,
        code=code,
        title=code,
        system=world.system_a,
        kind="renewal",
        owner_unit=world.section_a,
        fiscal_year=start.year,
        stage=Stage.OPERATION,
        green=green,
        contract_start_on=start,
    )


def test_green_procurement_is_the_share_of_applicable_purchases(world):
    april = datetime.date(2014, 4, 1)
    _purchase(world, "P1", GreenStatus.YES, april)
    _purchase(world, "P2", GreenStatus.YES, datetime.date(2014, 10, 1))
    _purchase(world, "P3", GreenStatus.NO, datetime.date(2015, 1, 5))
    _purchase(world, "P4", GreenStatus.NOT_APPLICABLE, april)  # services only: not counted
    _purchase(world, "P5", GreenStatus.NO, datetime.date(2015, 4, 1))  # next fiscal year
    early = _purchase(world, "P6", GreenStatus.NO, april)
    early.stage = Stage.PROCUREMENT  # not contracted yet
    early.save()
    measurement = metrics.metrics()["green_procurement"].compute(world.org, 2014)
    assert measurement.value == Decimal("66.7")
    assert measurement.detail == "2 / 3"
    assert metrics.metrics()["green_procurement"].compute(world.org, 2013).value is None


# --- budget review ------------------------------------------------------------------------------


def _peer(world, code, amount, hosting="on_premises"):
    system = SystemFactory(owner_unit=world.section_b, code=code, hosting=hosting)
    CostLineFactory(system=system, fiscal_year=2015, amount=amount, item=world.item)
    CostLineFactory(system=system, fiscal_year=2014, amount=amount, item=world.item)
    return system


def test_budget_review_flags_growth_history_and_peers(world):
    # 税務システム: FY2014 budget 10.5M (fixture), actuals FY2012–2014 ~10M, asks 14M for FY2015.
    for fy, amount in ((2012, 10_000_000), (2013, 10_200_000), (2014, 9_800_000)):
        CostLineFactory(
            system=world.system_a, fiscal_year=fy, basis="actual", amount=amount, item=world.item
        )
    CostLineFactory(system=world.system_a, fiscal_year=2015, amount=14_000_000, item=world.item)
    for n, amount in enumerate((3_000_000, 3_500_000, 4_000_000)):
        _peer(world, f"P{n}", amount)
    rows = {
        r.system.code: r for r in selectors.budget_review(organisation=world.org, fiscal_year=2015)
    }
    tax = rows["S0001"]
    assert tax.previous_budget == 10_500_000
    assert tax.past_actual_average == 10_000_000
    assert tax.peer_upper == 3_750_000 and tax.peer_count == 3
    assert [code for code, _text in tax.flags] == ["growth", "history", "peer"]
    assert "33.3" in tax.flags[0][1]  # 14.0 / 10.5 − 1
    assert rows["P1"].flags == []  # an ordinary request, same as last year


def test_thresholds_are_configurable(world):
    CostLineFactory(system=world.system_a, fiscal_year=2015, amount=11_000_000, item=world.item)
    rows = selectors.budget_review(organisation=world.org, fiscal_year=2015)
    assert [c for c, _t in rows[0].flags] == []  # +4.8% is under the default 10%
    with audit_context(actor=world.policy, channel=Channel.WEB):
        settings = services.review_settings_save(
            organisation=world.org,
            data={"growth_percent": 3, "history_percent": 15, "peer_percent": 200, "min_amount": 0},
        )
    rows = selectors.budget_review(organisation=world.org, fiscal_year=2015, settings=settings)
    assert [c for c, _t in rows[0].flags] == ["growth"]


def test_a_case_recurring_cost_is_reviewed_too(world, case):
    row = selectors.case_review(case)
    # 11,000,000 against last year's 10,500,000 (FY2014 is "last year" of FY2015): +4.8%.
    assert (row.request, row.previous_budget, row.case) == (11_000_000, 10_500_000, case)
    assert [code for code, _text in row.flags] == []  # +4.8%: under the 10% threshold


def test_budget_review_page_for_finance_and_its_export(client, world):
    CostLineFactory(system=world.system_a, fiscal_year=2015, amount=14_000_000, item=world.item)
    client.force_login(world.viewer)
    response = client.get(reverse("governance:budget_review") + "?fy=2015&flagged=1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "税務システム" in body and 'data-flag="growth"' in body
    export = client.get(reverse("governance:budget_review") + "?fy=2015&export=csv")
    text = export.content.decode("utf-8-sig")
    assert "S0001" in text.splitlines()[1] and "14000000" in text


def test_budget_review_runs_in_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(30):
        _peer(world, f"Q{n:02d}", 1_000_000 + n * 10_000)
    client.force_login(world.policy)
    with django_assert_max_num_queries(15):
        client.get(reverse("governance:budget_review") + "?fy=2015")


# --- evaluations due --------------------------------------------------------------------------


def test_evaluations_are_due_a_year_after_operation(world, case):
    case.stage = Stage.EVALUATION
    case.in_operation_on = datetime.date(2015, 4, 1)
    case.save()
    due = selectors.evaluations_due(
        user=world.policy, organisation=world.org, today=datetime.date(2016, 3, 31)
    )
    assert list(due) == []
    due = selectors.evaluations_due(
        user=world.policy, organisation=world.org, today=datetime.date(2016, 4, 1)
    )
    assert list(due) == [case]
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.evaluation_create(
            system=world.system_a,
            case=case,
            fiscal_year=2015,
            evaluated_on=datetime.date(2016, 5, 1),
            conclusion="improve",
        )
    assert (
        list(
            selectors.evaluations_due(
                user=world.policy, organisation=world.org, today=datetime.date(2016, 6, 1)
            )
        )
        == []
    )


def test_the_evaluation_form_prefills_expected_and_actual(client, world, case):
    case.stage = Stage.EVALUATION
    case.in_operation_on = datetime.date(2014, 4, 1)
    case.save()
    client.force_login(world.owner_a)
    url = reverse("governance:evaluation_create") + f"?case={case.pk}"
    page = client.get(url).content.decode()
    assert 'value="11000000"' in page
    response = client.post(
        url,
        {
            "fiscal_year": "平成27年度",
            "evaluated_on": "H28.6.1",
            "expected_cost": "11,000,000",
            "actual_cost": "9,800千円",
            "conclusion": "continue",
            "findings": "経費は想定内",
        },
    )
    assert response.status_code == 302
    evaluation = case.evaluations.get()
    assert (evaluation.fiscal_year, evaluation.actual_cost) == (2015, 9_800_000)
    detail = client.get(response["Location"]).content.decode()
    assert "9,800,000" in detail and "経費は想定内" in detail


def test_the_green_indicator_links_to_the_purchases_behind_it(client, world):
    _purchase(world, "P1", GreenStatus.YES, datetime.date(2014, 4, 1))
    _purchase(world, "P3", GreenStatus.NO, datetime.date(2015, 1, 5))
    _purchase(world, "P4", GreenStatus.NOT_APPLICABLE, datetime.date(2014, 4, 1))
    _purchase(world, "P5", GreenStatus.NO, datetime.date(2015, 4, 1))
    url = metrics.metrics()["green_procurement"].compute(world.org, 2014).records_url
    client.force_login(world.viewer)
    body = client.get(url).content.decode()
    codes = {code for code in ("P1", "P3", "P4", "P5") if f">{code}<" in body}
    assert codes == {"P1", "P3"}


def test_a_case_can_be_opened_from_the_karte_with_the_system_chosen(client, world):
    client.force_login(world.owner_a)
    karte = client.get(reverse("knowledge:karte", args=[world.system_a.pk])).content.decode()
    assert "このシステムの案件を登録" in karte
    form = client.get(
        reverse("governance:case_create") + f"?system={world.system_a.pk}"
    ).content.decode()
    assert f'<option value="{world.system_a.pk}" selected>' in form


def test_budget_review_narrows_to_a_department(client, world):
    CostLineFactory(system=world.system_a, fiscal_year=2015, amount=14_000_000, item=world.item)
    CostLineFactory(system=world.system_b, fiscal_year=2015, amount=2_000_000, item=world.item)
    client.force_login(world.policy)
    body = client.get(reverse("governance:budget_review") + "?fy=2015&department=D02").content
    text = body.decode()
    assert "公共施設予約システム" in text and "税務システム" not in text
