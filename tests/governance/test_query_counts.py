"""Governance and knowledge lists run a constant number of queries whatever the number of rows."""

from __future__ import annotations

import datetime

from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.governance import services
from daicho.knowledge import services as knowledge_services
from tests.test_query_counts import _queries


def _grow(world, n, start=0):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        for i in range(start, start + n):
            case = services.case_create(
                organisation=world.org,
                owner_unit=world.section_b,
                system=world.system_b,
                title=f"案件{i}",
                kind="modification",
                fiscal_year=2015,
                recurring_cost=1_000_000,
            )
            services.case_withdraw(case=case, comment="取下げ")
            services.consultation_create(
                organisation=world.org,
                consulted_on=datetime.date(2014, 6, 1),
                unit=world.section_b,
                system=world.system_b,
                topic="budget",
                subject=f"相談{i}",
                channel="phone",
                cost_saving=i * 1000,
            )
            services.evaluation_create(
                system=world.system_b,
                fiscal_year=2014,
                evaluated_on=datetime.date(2015, 5, 1),
                conclusion="continue",
            )
            article = knowledge_services.article_create(
                organisation=world.org,
                title=f"仮想化の記事{i}",
                body="本文",
                tags=["仮想化", f"タグ{i}"],
                systems=[world.system_b],
            )
            knowledge_services.article_view_record(article=article, user=world.viewer)


def test_governance_lists_do_not_grow_with_rows(client, world):
    client.force_login(world.policy)
    urls = [
        reverse("governance:case_list") + "?per_page=100",
        reverse("governance:consultation_list") + "?per_page=100&cols=handled_by&fy=2014",
        reverse("governance:evaluation_list") + "?per_page=100",
        reverse("knowledge:article_list") + "?q=仮想化",
        reverse("knowledge:karte", args=[world.system_b.pk]),
        reverse("governance:my_work"),
    ]
    _grow(world, 2)
    few = [_queries(lambda u=u: client.get(u)) for u in urls]
    _grow(world, 15, start=2)
    many = [_queries(lambda u=u: client.get(u)) for u in urls]
    assert many == few
