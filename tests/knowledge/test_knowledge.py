"""The knowledge base: Japanese search on both databases, sanitised Markdown, view tracking and the
knowledge_usage indicator."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from daicho.core import metrics
from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent, Role
from daicho.knowledge import selectors, services
from daicho.knowledge.models import Article, ArticleView
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def _write(world, title, body="本文", user=None, **kwargs):
    with audit_context(actor=user or world.policy, channel=Channel.WEB):
        return services.article_create(organisation=world.org, title=title, body=body, **kwargs)


def _titles(world, query, **kwargs):
    return [a.title for a in selectors.article_search(user=world.viewer, query=query, **kwargs)]


def test_japanese_search_finds_a_word_inside_a_sentence(world):
    _write(world, "サーバ仮想化基盤の更新", "平成27年度に機器を更新する。")
    _write(world, "クラウド利用の手引き", "ＳａａＳ導入時の確認事項")
    _write(world, "予算要求の注意点", "仮に化ける話ではない")  # 仮 and 化 apart: no match
    assert _titles(world, "仮想化") == ["サーバ仮想化基盤の更新"]
    assert _titles(world, "基盤　更新") == ["サーバ仮想化基盤の更新"]  # full-width space: AND
    assert _titles(world, "saas") == ["クラウド利用の手引き"]  # full-width ＳａａＳ, any case
    # One character has no bigram: the text is scanned; the title match comes first.
    assert _titles(world, "仮") == ["サーバ仮想化基盤の更新", "予算要求の注意点"]
    assert _titles(world, "存在しない語") == []


def test_title_matches_come_first(world):
    _write(world, "見積の取り方", "複数者から取る")
    _write(world, "仕様書の書き方", "見積は二者以上から徴取する")
    assert _titles(world, "見積") == ["見積の取り方", "仕様書の書き方"]


def test_search_follows_edits_and_tags(world):
    article = _write(world, "FAQ: 保守契約", "更新時期", tags=["調達"])
    assert _titles(world, "調達") == ["FAQ: 保守契約"]
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.article_update(article=article, data={"body": "ガバメントクラウド移行"}, tags=[])
    assert _titles(world, "更新時期") == []
    assert _titles(world, "ガバメントクラウド") == ["FAQ: 保守契約"]
    assert _titles(world, "調達") == []


def test_another_organisation_does_not_see_the_articles(world):
    _write(world, "サーバ仮想化基盤の更新")
    outsiders = selectors.article_search(user=world.outsider, query="仮想化")
    assert list(outsiders) == []


def _tags_of(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_a_malicious_article_is_sanitised(world):
    body = (
        "# 手順\n\n<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[押してください](javascript:alert(1))\n\n"
        "[県のサイト](https://www.pref.okayama.jp/) と **強調**\n\n"
        "| 項目 | 金額 |\n|---|---|\n| 保守 | 100 |\n"
    )
    html = _write(world, "危険な記事", body).body_html
    tags = _tags_of(html)
    assert not [t for t, _attrs in tags if t in ("script", "img", "iframe")]
    attributes = [(name, value) for _t, attrs in tags for name, value in attrs]
    assert not [n for n, _v in attributes if n.startswith("on")]
    assert not [v for n, v in attributes if n == "href" and not v.startswith("https:")]
    assert '<a href="https://www.pref.okayama.jp/" rel="noopener noreferrer">' in html
    assert "<strong>強調</strong>" in html and "<table>" in html and "<h1>手順</h1>" in html
    assert "&lt;script&gt;" in html  # shown as text, not run


def test_reading_counts_views_without_auditing_them(client, world):
    article = _write(world, "仮想化基盤FAQ")
    events = AuditEvent.objects.count()
    client.force_login(world.viewer)
    for _ in range(3):
        assert client.get(reverse("knowledge:article_detail", args=[article.pk])).status_code == 200
    view = ArticleView.objects.get(article=article, user=world.viewer)
    assert view.count == 3
    assert AuditEvent.objects.count() == events
    page = client.get(reverse("knowledge:article_list")).content.decode()
    assert "3" in page


def test_knowledge_usage_is_the_share_of_it_policy_staff_using_it(world):
    second = member(UserFactory(username="policy2"), Role.IT_POLICY, world.section_a)
    member(UserFactory(username="policy3"), Role.IT_POLICY, world.section_a)
    article = _write(world, "記事", user=world.owner_a)
    ArticleView.objects.create(article=article, user=second, viewed_on=datetime.date(2014, 5, 1))
    ArticleView.objects.create(
        article=article, user=world.owner_a, viewed_on=datetime.date(2014, 5, 1)
    )  # not IT policy: not counted
    ArticleView.objects.create(
        article=article, user=world.policy, viewed_on=datetime.date(2015, 4, 1)
    )  # next fiscal year
    compute = metrics.metrics()["knowledge_usage"].compute
    measurement = compute(world.org, 2014)
    assert measurement.value == Decimal("33.3") and measurement.detail == "1 / 3"
    assert compute(world.org, 2015).value == Decimal("33.3")


def test_writing_articles_needs_write_rights_and_editing_is_for_author_or_policy(world):
    from django.core.exceptions import PermissionDenied

    with audit_context(actor=world.viewer, channel=Channel.WEB), pytest.raises(PermissionDenied):
        services.article_create(organisation=world.org, title="x", body="y")
    article = _write(world, "所管課のメモ", user=world.owner_b)
    assert Article.objects.editable_by(world.owner_b).filter(pk=article.pk).exists()
    assert Article.objects.editable_by(world.policy).filter(pk=article.pk).exists()
    assert not Article.objects.editable_by(world.owner_a).filter(pk=article.pk).exists()


def test_the_article_form_links_systems_and_tags(client, world):
    client.force_login(world.owner_a)
    response = client.post(
        reverse("knowledge:article_create"),
        {
            "kind": "faq",
            "title": "税務システムの夜間バッチが遅い",
            "body": "**原因**: 索引の再構築",
            "tags": "運用、性能",
            "systems": [world.system_a.pk],
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(title="税務システムの夜間バッチが遅い")
    assert sorted(t.name for t in article.tags.all()) == ["性能", "運用"]
    assert list(article.systems.all()) == [world.system_a]
    assert article.author == world.owner_a
    karte = client.get(reverse("knowledge:karte", args=[world.system_a.pk])).content.decode()
    assert "税務システムの夜間バッチが遅い" in karte


def test_title_ranking_reads_full_width_titles_the_same_on_both_databases(world):
    _write(world, "ＳａａＳ導入ガイド", "手順")  # older, but the title matches
    _write(world, "クラウド事業者の比較", "SaaS と IaaS の違い")
    assert _titles(world, "saas") == ["ＳａａＳ導入ガイド", "クラウド事業者の比較"]
