"""Each indicator figure's drill-down lists the records counted for that fiscal year as of its end
(the frozen set once the year is published); the dashboard shows no codes, says why a figure is
missing, and computes each figure once per request (docs/indicators.md)."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from daicho.continuity import selectors as continuity_selectors
from daicho.core.audit import Channel, audit_context
from daicho.core.models import Role
from daicho.knowledge import services as knowledge_services
from daicho.knowledge.models import ArticleView
from daicho.plan import selectors, services
from daicho.plan.models import Indicator, IndicatorResult
from tests.factories import SystemFactory, UserFactory, member


@pytest.fixture
def plan(world):
    with audit_context(actor=None, channel=Channel.CLI):
        text = services.BUILTIN["okayama-2014"].read_text(encoding="utf-8")
        return services.plan_import(organisation=world.org, data=services.plan_data(text))


def records_page(client, plan, code: str, fy: int) -> str:
    indicator = Indicator.objects.get(measure__plan=plan, code=code)
    response = client.get(reverse("plan:records", args=[indicator.pk]) + f"?fy={fy}")
    assert response.status_code == 200
    return response.content.decode()


def listed(page: str) -> list[str]:
    """The records listed on a drill-down page, as their labels."""
    table = re.search(r'<table[^>]*id="counted-records".*?</table>', page, re.S)
    if table is None:
        return []
    return re.findall(r"<tr><td[^>]*>\d+</td><td>(?:<a [^>]*>)?([^<]+)", table.group(0))


def test_the_cloud_drill_down_lists_the_systems_counted_at_that_years_end(client, world, plan):
    # In service since FY2016 on the cloud: counted today, not at the end of FY2014.
    SystemFactory(
        owner_unit=world.section_a,
        code="S0100",
        name="新しいクラウドシステム",
        hosting="cloud",
        in_service_on=datetime.date(2016, 4, 1),
    )
    client.force_login(world.viewer)
    dashboard = client.get(reverse("plan:dashboard") + "?fy=2014").content.decode()
    indicator = Indicator.objects.get(measure__plan=plan, code="cloud_ratio")
    assert f"/plan/indicators/{indicator.pk}/records/?fy=2014" in dashboard
    page = records_page(client, plan, "cloud_ratio", 2014)
    assert "1 / 2" in page  # the figure: one of the two systems in service then
    assert listed(page) == ["S0002 公共施設予約システム"]
    assert "平成27年3月31日" in page  # as of the year's end
    assert listed(records_page(client, plan, "cloud_ratio", 2016)) == [
        "S0002 公共施設予約システム",
        "S0100 新しいクラウドシステム",
    ]


def test_a_published_year_lists_the_frozen_set_not_todays(client, world, plan):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.year_publish(plan=plan, fiscal_year=2014)
    result = IndicatorResult.objects.get(indicator__code="cloud_ratio", fiscal_year=2014)
    assert result.record_model == "registry.informationsystem"
    assert result.record_ids == [world.system_b.pk]
    # Later the ledger learns of another cloud system in service back then: the live figure
    # changes, the published one and its records do not.
    SystemFactory(
        owner_unit=world.section_a,
        code="S0101",
        name="後から登録したクラウドシステム",
        hosting="cloud",
        in_service_on=datetime.date(2010, 4, 1),
    )
    client.force_login(world.viewer)
    page = records_page(client, plan, "cloud_ratio", 2014)
    assert listed(page) == ["S0002 公共施設予約システム"]
    assert "公表済み" in page
    row = next(r for r in selectors.indicator_rows(plan, 2014) if r.indicator.code == "cloud_ratio")
    assert row.changed_since_published


def test_the_knowledge_use_drill_down_opens_the_articles_counted(client, world, plan):
    second = member(UserFactory(username="policy2"), Role.IT_POLICY, world.section_a)
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        read = knowledge_services.article_create(
            organisation=world.org, title="仮想化基盤の手引き", body="本文"
        )
        other = knowledge_services.article_create(
            organisation=world.org, title="所管課だけが読んだ記事", body="本文"
        )
    ArticleView.objects.create(article=read, user=second, viewed_on=datetime.date(2014, 5, 1))
    ArticleView.objects.create(
        article=other, user=world.owner_a, viewed_on=datetime.date(2014, 5, 1)
    )
    client.force_login(world.policy)
    page = records_page(client, plan, "knowledge_usage", 2014)
    assert listed(page) == ["仮想化基盤の手引き"]


def test_no_internal_codes_on_the_dashboard(client, world, plan):
    client.force_login(world.viewer)
    page = client.get(reverse("plan:dashboard") + "?fy=2014").content.decode()
    visible = re.sub(r"<[^>]+>", " ", page)  # the text, not the attributes
    for code in Indicator.objects.values_list("code", flat=True):
        assert code not in visible
    assert "<code" not in page.split('id="cost-chart"')[1]


def test_a_missing_figure_says_its_real_reason(client, world, plan):
    row = next(
        r for r in selectors.indicator_rows(plan, 2014) if r.indicator.code == "sam_inventory_rate"
    )
    assert row.value is None and row.reason == "この年度の棚卸キャンペーンがありません"
    client.force_login(world.viewer)
    page = client.get(reverse("plan:dashboard") + "?fy=2014").content.decode()
    assert "この年度の棚卸キャンペーンがありません" in page
    assert "未整備" not in page
    # Published without a figure: the reason is frozen with it.
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.year_publish(plan=plan, fiscal_year=2014)
    result = IndicatorResult.objects.get(indicator__code="sam_inventory_rate", fiscal_year=2014)
    assert result.value is None and result.detail == "この年度の棚卸キャンペーンがありません"
    assert (
        "この年度の棚卸キャンペーンがありません"
        in client.get(reverse("plan:dashboard") + "?fy=2014").content.decode()
    )


def test_the_dashboard_computes_each_figure_once(
    client, world, plan, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.viewer)
    url = reverse("plan:dashboard") + "?fy=2016"
    client.get(url)  # the session, the menu, the page frame
    calls = mock.Mock(wraps=continuity_selectors.backup_compliance)
    with (
        mock.patch.object(continuity_selectors, "backup_compliance", calls),
        django_assert_max_num_queries(115),
    ):
        response = client.get(url)
    assert response.status_code == 200
    # Once per year of the plan (FY2014–16, none published): the figure of FY2016, last year's
    # and the trend, and the dashboard's backup summary share them.
    assert calls.call_count == 3
    # Counted in the database: more systems, the same queries.
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(20):
        SystemFactory(
            owner_unit=world.section_a,
            code=f"S09{n:02d}",
            hosting="cloud" if n % 2 else "on_premises",
            in_service_on=datetime.date(2012, 4, 1),
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
