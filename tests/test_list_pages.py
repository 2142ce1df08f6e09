"""The list pages that went onto the generic list path (issue #17): each reads a constant number
of queries whatever its rows, and filters, sorts and exports as every list does."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daicho.continuity import services as continuity_services
from daicho.continuity.models import ClassificationScheme, Drill
from daicho.core.audit import Channel, audit_context
from daicho.core.models import ImportBatch
from daicho.infra.models import Cluster, Site, VdiPool, VdiUsage
from daicho.knowledge import services as knowledge_services
from daicho.lifecycle import services as lifecycle_services
from daicho.lifecycle.models import MatchRule, ProductRelease, SoftwareProduct
from daicho.registry.models import SystemCoUse
from daicho.sam import services as sam_services
from daicho.sam.models import InventoryCampaign, NormalisationRule, SamAudit
from daicho.security import services as security_services
from tests.continuity.conftest import make_standard
from tests.factories import CostItemFactory, OrganisationFactory, OrgUnitFactory, SystemFactory

_n = itertools.count(1)


def _queries(client, url) -> int:
    client.get(url)  # warm up: per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _standards(world):
    scheme = ClassificationScheme.objects.filter(organisation=world.org).first()
    if scheme is None:
        scheme = continuity_services.scheme_install(organisation=world.org, code="soumu")
    for _ in range(3):
        n = next(_n)
        make_standard(
            world,
            scheme,
            version=f"第{n}版",
            effective=datetime.date(2014, 4, 1) + datetime.timedelta(days=n),
        )


def _drills(world):
    for _ in range(3):
        n = next(_n)
        Drill.objects.create(
            organisation=world.org,
            held_on=datetime.date(2014, 6, n % 28 + 1),
            kind="desk",
            title=f"訓練{n}",
        ).systems.add(world.system_a)


def _vdi(world):
    for _ in range(3):
        n = next(_n)
        pool = VdiPool.objects.create(
            organisation=world.org, name=f"プール{n}", unit=world.section_a
        )
        VdiUsage.objects.create(pool=pool, measured_on=datetime.date(2015, 3, 31), seats_in_use=n)


def _sites(world):
    for _ in range(3):
        n = next(_n)
        site = Site.objects.create(
            organisation=world.org, code=f"SITE{n}", name=f"庁舎{n}", kind="office"
        )
        Cluster.objects.create(organisation=world.org, name=f"クラスタ{n}", site=site)


def _training(world):
    for _ in range(3):
        n = next(_n)
        security_services.training_create(
            organisation=world.org,
            code=f"T{n}",
            held_on=datetime.date(2014 + n % 3, 6, 1),
            title=f"研修{n}",
            topic="security",
        )


def _phishing(world):
    for _ in range(3):
        n = next(_n)
        security_services.phishing_drill_create(
            organisation=world.org,
            sent_on=datetime.date(2014, 5, n % 28 + 1),
            title=f"訓練メール{n}",
        )


def _articles(world):
    for _ in range(3):
        n = next(_n)
        knowledge_services.article_create(
            organisation=world.org, title=f"仮想化の手引き{n}", body="本文", tags=[f"タグ{n}"]
        )


def _products(world):
    for _ in range(3):
        n = next(_n)
        product = SoftwareProduct.objects.create(slug=f"p{n}", name=f"製品{n}", category="os")
        ProductRelease.objects.create(product=product, cycle="1", label="1")


def _campaigns(world):
    for _ in range(3):
        n = next(_n)
        InventoryCampaign.objects.create(
            organisation=world.org,
            fiscal_year=2000 + n,
            name=f"棚卸{n}",
            deadline=datetime.date(2015, 3, 1),
            opened_on=datetime.date(2014, 4, 1),
        )


def _sam_audits(world):
    for _ in range(3):
        n = next(_n)
        SamAudit.objects.create(
            organisation=world.org,
            fiscal_year=2014,
            name=f"監査{n}",
            held_on=datetime.date(2014, 9, n % 28 + 1),
        )


def _units(world):
    for _ in range(3):
        n = next(_n)
        OrgUnitFactory(organisation=world.org, code=f"D09-S{n}", name=f"課{n}", parent=world.dept_b)


def _audit_events(world):
    for _ in range(3):  # each write records an event
        n = next(_n)
        security_services.phishing_drill_create(
            organisation=world.org, sent_on=datetime.date(2014, 5, n % 28 + 1), title=f"監査ログ{n}"
        )


def _imports(world):
    for _ in range(3):
        n = next(_n)
        ImportBatch.objects.create(
            batch_id=f"b{n}",
            organisation=world.org,
            kind="systems",
            file_name=f"台帳{n}.csv",
            file_digest="0" * 64,
            channel="web",
            status="rejected" if n % 2 else "applied",
            problems=[{"message": "読めません"}],
        )


def _cost_items(world):
    for _ in range(3):
        CostItemFactory(organisation=world.org)


def _co_uses(world):
    for _ in range(3):
        n = next(_n)
        SystemCoUse.objects.create(
            system=SystemFactory(owner_unit=world.section_a),
            co_user=OrganisationFactory(name=f"市{n}", code=f"34{n:04d}"),
            share_percent=10,
        )


def _normalisation_rules(world):
    for _ in range(3):
        n = next(_n)
        sam_services.rule_create(
            organisation=world.org, pattern=f"業務ソフト{n}*", title=f"業務ソフト{n}", priority=n
        )


def _match_rules(world):
    product = SoftwareProduct.objects.get(slug="windows")
    for _ in range(3):
        n = next(_n)
        lifecycle_services.rule_create(
            organisation=world.org, pattern=f"windows {n}", product=product, cycle="10"
        )


PAGES = [
    ("continuity:standard_list", _standards),
    ("continuity:drill_list", _drills),
    ("infra:vdi_list", _vdi),
    ("infra:site_list", _sites),
    ("security:training_list", _training),
    ("security:phishing_list", _phishing),
    ("knowledge:article_list", _articles),
    ("lifecycle:product_list", _products),
    ("sam:campaign_list", _campaigns),
    ("sam:audit_list", _sam_audits),
    ("unit_list", _units),
    ("audit_list", _audit_events),
    ("import_list", _imports),
    ("registry:cost_item_list", _cost_items),
    ("registry:co_use_list", _co_uses),
    ("sam:rules", _normalisation_rules),
    ("lifecycle:rules", _match_rules),
]


@pytest.mark.parametrize(("name", "grow"), PAGES, ids=[p[0] for p in PAGES])
def test_a_list_page_reads_as_many_queries_with_more_rows(client, world, name, grow):
    client.force_login(world.policy)
    url = reverse(name)
    with audit_context(actor=world.policy, channel=Channel.WEB):
        grow(world)  # a few rows, so that an empty list skips no query
        few = _queries(client, url)
        grow(world)
        grow(world)
    assert _queries(client, url) == few


# --- what the generic path gives the pages that had none of it ---------------------------------


def test_the_drills_filter_by_kind_and_sort_by_participants(client, world):
    for title, kind, participants in [
        ("第一訓練", "desk", 12),
        ("第二訓練", "full", 40),
        ("第三訓練", "functional", 5),
    ]:
        Drill.objects.create(
            organisation=world.org,
            held_on=datetime.date(2014, 10, 1),
            kind=kind,
            title=title,
            participants=participants,
        )
    client.force_login(world.viewer)
    url = reverse("continuity:drill_list")
    page = client.get(url + "?kind=full").content.decode()
    assert "第二訓練" in page and "第一訓練" not in page
    page = client.get(url + "?sort=-participants").content.decode()
    assert page.index("第二訓練") < page.index("第一訓練") < page.index("第三訓練")


def test_the_drills_export_as_the_drill_import_reads_them(client, world):
    Drill.objects.create(
        organisation=world.org, held_on=datetime.date(2014, 10, 1), kind="desk", title="机上訓練"
    )
    client.force_login(world.viewer)
    response = client.get(reverse("continuity:drill_list") + "?export=csv&fiscal_year=2014")
    assert response.status_code == 200
    assert "机上訓練" in response.content.decode("utf-8-sig")
    bad = client.get(reverse("continuity:drill_list") + "?export=csv&fiscal_year=今年")
    assert bad.status_code == 400 and "fiscal_year" in bad.content.decode()


def test_the_compliance_list_sorts_by_system_and_pages(client, world, as_user):
    with as_user(world.policy):
        scheme = continuity_services.scheme_install(organisation=world.org, code="soumu")
        make_standard(world, scheme)
    for n in range(30):
        SystemFactory(owner_unit=world.section_b, code=f"S9{n:03d}", name=f"追加{n}")
    client.force_login(world.policy)
    url = reverse("continuity:compliance") + "?state=all&sort=-system&per_page=25"
    page = client.get(url).content.decode()
    assert 'data-system="S9029"' in page and 'data-system="S0001"' not in page
    assert page.index("S9029") < page.index("S9028")
    second = client.get(url + "&page=2").content.decode()
    assert 'data-system="S0001"' in second
    assert 'id="failing-count"' in second  # the summary stays on every page


def test_the_training_list_filters_by_topic_and_keeps_the_yearly_figure(client, world):
    with audit_context(actor=None, channel=Channel.CLI):
        for code, topic in [("T1", "security"), ("T2", "it_skills")]:
            security_services.training_create(
                organisation=world.org,
                code=code,
                held_on=datetime.date(2014, 6, 1),
                title=f"研修{code}",
                topic=topic,
            )
    client.force_login(world.viewer)
    page = client.get(reverse("security:training_list") + "?topic=security").content.decode()
    assert "研修T1" in page and "研修T2" not in page
    assert 'id="trained"' in page


def test_the_units_export_imports_back(client, world):
    client.force_login(world.policy)
    response = client.get(reverse("unit_list") + "?export=csv")
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "D01-S01,情報政策課" in text and "D01" in text


def test_the_audit_log_filters_by_actor_and_sorts_oldest_first(client, world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        security_services.phishing_drill_create(
            organisation=world.org, sent_on=datetime.date(2014, 5, 1), title="最初のメール"
        )
        security_services.phishing_drill_create(
            organisation=world.org, sent_on=datetime.date(2014, 6, 1), title="次のメール"
        )
    client.force_login(world.auditor)
    url = reverse("audit_list")
    page = client.get(url + "?actor=policy&sort=time").content.decode()
    assert page.index("最初のメール") < page.index("次のメール")
    assert "最初のメール" not in client.get(url + "?actor=nobody").content.decode()


def test_the_knowledge_base_ranks_title_matches_first(client, world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        knowledge_services.article_create(
            organisation=world.org, title="見積の注意", body="仮想化 の話もある"
        )
        knowledge_services.article_create(
            organisation=world.org, title="仮想化の手引き", body="本文"
        )
    client.force_login(world.viewer)
    page = client.get(reverse("knowledge:article_list") + "?q=仮想化").content.decode()
    assert page.index("仮想化の手引き") < page.index("見積の注意")


# --- the matching-rule lists: their row buttons post forms outside the list's own ---------------


def _delete_button(page: str, form: str) -> bool:
    return f'form="{form}"' in page


def test_the_normalisation_rules_list_filters_sorts_and_deletes_a_rule(client, world, as_user):
    with as_user(world.policy):
        sam_services.rule_create(
            organisation=world.org, pattern="一太郎*", title="一太郎", priority=20, free=False
        )
        sam_services.rule_create(
            organisation=world.org, pattern="7-Zip*", title="7-Zip", priority=10, free=True
        )
    client.force_login(world.policy)
    url = reverse("sam:rules")
    page = client.get(url).content.decode()
    assert page.index("7-Zip*") < page.index("一太郎*")  # the order they are tried in
    assert 'id="rule-delete"' in page and _delete_button(page, "rule-delete")
    page = client.get(url + "?free=true").content.decode()
    assert "7-Zip*" in page and "一太郎*" not in page
    page = client.get(url + "?sort=-priority").content.decode()
    assert page.index("一太郎*") < page.index("7-Zip*")
    # The row's button submits the form outside the table with the rule it names.
    rule = NormalisationRule.objects.get(pattern="一太郎*")
    assert client.post(url, {"action": "delete", "rule": "一"}).status_code == 404
    response = client.post(url, {"action": "delete", "rule": rule.pk})
    assert response.status_code == 302
    assert list(NormalisationRule.objects.values_list("pattern", flat=True)) == ["7-Zip*"]


def test_a_reader_sees_the_normalisation_rules_without_buttons_or_form(client, world, as_user):
    with as_user(world.policy):
        sam_services.rule_create(organisation=world.org, pattern="一太郎*", title="一太郎")
    client.force_login(world.viewer)
    response = client.get(reverse("sam:rules"))
    page = response.content.decode()
    assert response.status_code == 200 and "一太郎*" in page
    assert not _delete_button(page, "rule-delete") and 'value="add"' not in page
    rule = NormalisationRule.objects.get()
    assert (
        client.post(reverse("sam:rules"), {"action": "delete", "rule": rule.pk}).status_code == 403
    )
    assert NormalisationRule.objects.count() == 1


def test_a_normalisation_rule_the_service_refuses_comes_back_with_the_reason(
    client, world, as_user
):
    with as_user(world.policy):
        sam_services.rule_create(organisation=world.org, pattern="一太郎*", title="一太郎")
    client.force_login(world.policy)
    url = reverse("sam:rules")
    response = client.post(url, {"action": "add", "pattern": "", "title": "x"})
    assert response.status_code == 400 and 'name="pattern"' in response.content.decode()
    # The same pattern again: the service refuses it, and says why beside the form.
    response = client.post(url, {"action": "add", "pattern": "一太郎*", "title": "別の名前"})
    page = response.content.decode()
    assert response.status_code == 400 and "既に存在します" in page  # "already exists"
    assert 'value="別の名前"' in page  # what the user typed is kept
    assert NormalisationRule.objects.count() == 1


def test_the_normalisation_rules_export_imports_back(client, world, as_user):
    with as_user(world.policy):
        sam_services.rule_create(organisation=world.org, pattern="一太郎*", title="一太郎")
    client.force_login(world.viewer)
    text = client.get(reverse("sam:rules") + "?export=csv").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("パターン") and "一太郎*" in text


def test_the_matching_rules_list_shows_the_own_rules_before_the_shipped(client, world, as_user):
    product = SoftwareProduct.objects.get(slug="windows")
    with as_user(world.policy):
        own = lifecycle_services.rule_create(
            organisation=world.org, pattern="ウィンドウズ10", product=product, cycle="10"
        )
    shipped = MatchRule.objects.filter(organisation__isnull=True).order_by("priority", "pk")[0]
    client.force_login(world.policy)
    url = reverse("lifecycle:rules")
    page = client.get(url + "?per_page=250").content.decode()
    assert page.index("ウィンドウズ10") < page.index(shipped.pattern)
    delete = reverse("lifecycle:rule_delete", args=[own.pk])
    assert f'formaction="{delete}"' in page and 'id="rule-delete"' in page
    assert page.count('form="rule-delete"') == 1  # the shipped rules are not the organisation's
    only_shipped = client.get(url + "?kept_by=shipped&per_page=250").content.decode()
    assert "ウィンドウズ10" not in only_shipped and shipped.pattern in only_shipped
    assert "ウィンドウズ10" in client.get(url + "?q=ウィンドウズ").content.decode()
    assert client.post(delete).status_code == 302
    assert not MatchRule.objects.filter(pk=own.pk).exists()


def test_a_reader_sees_the_matching_rules_without_buttons_or_form(client, world, as_user):
    product = SoftwareProduct.objects.get(slug="windows")
    with as_user(world.policy):
        own = lifecycle_services.rule_create(
            organisation=world.org, pattern="ウィンドウズ10", product=product, cycle="10"
        )
    client.force_login(world.viewer)
    page = client.get(reverse("lifecycle:rules")).content.decode()
    assert "ウィンドウズ10" in page
    assert 'form="rule-delete"' not in page and 'name="pattern"' not in page
    delete = reverse("lifecycle:rule_delete", args=[own.pk])
    assert client.post(delete).status_code == 404
    assert MatchRule.objects.filter(pk=own.pk).exists()


def test_a_matching_rule_with_a_bad_pattern_is_refused_with_the_reason(client, world):
    product = SoftwareProduct.objects.get(slug="windows")
    client.force_login(world.policy)
    response = client.post(
        reverse("lifecycle:rules"),
        {"pattern": "windows (", "product": product.pk, "cycle": "10", "priority": "1"},
    )
    assert response.status_code == 400
    assert 'class="text-danger small"' in response.content.decode()
    assert not MatchRule.objects.filter(organisation=world.org).exists()
