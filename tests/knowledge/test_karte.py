"""The system カルテ: one timeline of changes, notes, consultations, cases and gate decisions,
evaluations and articles — filterable, exportable, and open to sources other apps register."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from daicho.core import timeline
from daicho.core.audit import Channel, audit_context
from daicho.core.services import note_add
from daicho.governance import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world, case):
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        note_add(target=world.system_a, text="ベンダーと障害対応の打合せ", kind="decision")
        services.case_submit(case=case, comment="更新計画を提出")
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.case_return(case=case, comment="クラウド比較を追加してください")
        services.consultation_create(
            organisation=world.org,
            consulted_on=datetime.date(2014, 7, 1),
            unit=world.section_a,
            system=world.system_a,
            topic="contract",
            subject="保守費の見直し",
            channel="meeting",
            cost_saving=800_000,
        )
        services.evaluation_create(
            system=world.system_a,
            fiscal_year=2013,
            evaluated_on=datetime.date(2014, 6, 1),
            conclusion="modernise",
            findings="汎用機からの移行が必要",
        )
    return case


def test_the_karte_merges_every_source(client, world, history):
    client.force_login(world.viewer)
    page = client.get(reverse("knowledge:karte", args=[world.system_a.pk])).content.decode()
    for text in (
        "ベンダーと障害対応の打合せ",  # note
        "クラウド比較を追加してください",  # gate decision (return) with its comment
        "保守費の見直し",  # consultation
        "汎用機からの移行が必要",  # evaluation
        "税務システム機器更新",  # the case
    ):
        assert text in page, text
    assert 'data-kind="audit"' in page


def test_the_karte_filters_by_kind_and_date(client, world, history):
    client.force_login(world.viewer)
    url = reverse("knowledge:karte", args=[world.system_a.pk])
    page = client.get(url + "?kind=consultation&kind=evaluation").content.decode()
    assert "保守費の見直し" in page and "汎用機からの移行が必要" in page
    assert "ベンダーと障害対応の打合せ" not in page and 'data-kind="audit"' not in page
    page = client.get(url + "?kind=consultation&kind=evaluation&start=H26.6.15").content.decode()
    assert "保守費の見直し" in page and "汎用機からの移行が必要" not in page


def test_the_karte_exports_what_is_shown(client, world, history):
    client.force_login(world.viewer)
    url = reverse("knowledge:karte", args=[world.system_a.pk])
    response = client.get(url + "?kind=case&export=csv")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "日時,種類,内容,詳細,担当"
    assert any("クラウド比較を追加してください" in line for line in lines)
    assert not any("保守費の見直し" in line for line in lines)
    xlsx = client.get(url + "?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_another_app_can_add_a_source(client, world, history, monkeypatch):
    def drills(system, *, user, start=None, end=None, limit=500):
        return [
            timeline.Entry(
                time=timeline.as_datetime(datetime.date(2014, 11, 5)),
                kind="external",
                title="ICT-BCP訓練（停電想定）",
                tone="warning",
            )
        ]

    monkeypatch.setattr(timeline, "_sources", dict(timeline._sources))  # restored after
    timeline.register("external", label="外部", fetch=drills, order=90)
    client.force_login(world.viewer)
    page = client.get(reverse("knowledge:karte", args=[world.system_a.pk])).content.decode()
    assert "ICT-BCP訓練（停電想定）" in page and 'value="external"' in page


def test_another_organisation_gets_404(client, world, history):
    client.force_login(world.outsider)
    assert client.get(reverse("knowledge:karte", args=[world.system_a.pk])).status_code == 404


def test_incidents_drills_and_restore_tests_join_the_karte(client, world):
    from daicho.continuity import services as continuity
    from daicho.security import services as security

    with audit_context(actor=world.policy, channel=Channel.WEB):
        security.incident_create(
            organisation=world.org,
            unit=world.section_a,
            occurred_on=datetime.date(2014, 9, 1),
            title="標的型メールによる感染",
            kind="malware",
            severity="high",
            systems=[world.system_a],
        )
        continuity.drill_create(
            organisation=world.org,
            held_on=datetime.date(2014, 11, 5),
            kind="functional",
            title="税務システム復旧訓練",
            systems=[world.system_a],
        )
        continuity.restore_test_create(
            system=world.system_a,
            tested_on=datetime.date(2014, 12, 1),
            result="success",
            duration_minutes=90,
            data_restored="課税台帳",
        )
    client.force_login(world.viewer)
    page = client.get(reverse("knowledge:karte", args=[world.system_a.pk])).content.decode()
    assert "標的型メールによる感染" in page
    assert "税務システム復旧訓練" in page
    assert "課税台帳" in page
    only = client.get(
        reverse("knowledge:karte", args=[world.system_a.pk]), {"kind": "incident"}
    ).content.decode()
    assert "標的型メールによる感染" in only and "税務システム復旧訓練" not in only
