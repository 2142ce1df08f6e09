"""The remaining pages as a user works with them: the standard and its rules, schemes, drills and
findings, training attendance, targeted-mail results; lists stay a constant number of queries."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from daicho.continuity import services
from daicho.continuity.models import BackupStandard, ClassificationLevel, Drill, DrillFinding
from daicho.core.audit import Channel, audit_context
from daicho.security import services as security_services
from daicho.security.models import Attendance, PhishingResult
from tests.factories import SystemFactory


def test_policy_issues_a_new_version_of_the_standard_on_the_web(client, world, standard):
    client.force_login(world.policy)
    response = client.post(
        reverse("continuity:standard_create"),
        {
            "version": "第2版",
            "title": "バックアップ・リストア基準",
            "scheme": standard.scheme.pk,
            "effective_from": "平成28年10月1日",
            "copy_rules_from": standard.pk,
        },
    )
    assert response.status_code == 302
    second = BackupStandard.objects.get(version="第2版")
    assert second.effective_from == datetime.date(2016, 10, 1)
    assert second.rules.count() == 5
    availability_2 = ClassificationLevel.objects.get(
        scheme=standard.scheme, axis="availability", code="2"
    )
    response = client.post(
        reverse("continuity:standard_detail", args=[second.pk]),
        {
            "title": "広域災害対策",
            "order": "6",
            "levels": [availability_2.pk],
            "min_copy_location": "other_region",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("continuity:standard_detail", args=[second.pk])).content.decode()
    assert "広域災害対策" in page and "別地域" in page
    # The same effective date twice is refused with the reason.
    response = client.post(
        reverse("continuity:standard_create"),
        {
            "version": "第3版",
            "title": "x",
            "scheme": standard.scheme.pk,
            "effective_from": "2016-10-01",
        },
    )
    assert response.status_code == 400
    assert "この日に施行される別の版があります" in response.content.decode()
    assert client.get(reverse("continuity:standard_list")).status_code == 200


def test_policy_adds_a_built_in_scheme_and_a_local_level(client, world):
    client.force_login(world.policy)
    client.post(reverse("continuity:scheme_install"), {"code": "soumu-2024"})
    page = client.get(reverse("continuity:standard_list")).content.decode()
    assert "令和6年改定" in page and "機密性3A" in page
    scheme = ClassificationLevel.objects.filter(code="3A").get().scheme
    url = reverse("continuity:scheme_detail", args=[scheme.pk])
    response = client.post(
        url,
        {
            "axis": "availability",
            "code": "2A",
            "name": "可用性2A",
            "guideline_level": "2",
            "rank": "22",
        },
    )
    assert response.status_code == 302
    assert "可用性2A" in client.get(url).content.decode()
    response = client.post(
        url,
        {"axis": "availability", "code": "2A", "name": "重複", "guideline_level": "2", "rank": "1"},
    )
    assert (
        response.status_code == 400
        and "この区分はすでに登録されています" in response.content.decode()
    )
    client.force_login(world.owner_a)
    assert client.post(url, {"axis": "availability", "code": "2B"}).status_code == 403
    client.force_login(world.owner_a)
    assert client.post(reverse("continuity:scheme_install"), {"code": "soumu"}).status_code == 403


def test_a_drill_and_its_findings_on_the_web(client, world):
    client.force_login(world.policy)
    response = client.post(
        reverse("continuity:drill_create"),
        {
            "held_on": "H26.11.5",
            "kind": "desk",
            "title": "机上訓練",
            "participants": "20",
            "systems": [world.system_a.pk],
            "units": [world.section_a.pk],
        },
    )
    assert response.status_code == 302
    drill = Drill.objects.get()
    response = client.post(
        reverse("continuity:drill_detail", args=[drill.pk]),
        {
            "finding": "連絡網が古い",
            "action": "連絡網を更新する",
            "action_unit": world.section_b.pk,
            "due_on": "H27.1.31",
        },
    )
    assert response.status_code == 302
    assert DrillFinding.objects.get().status == "plan"
    page = client.get(reverse("continuity:drill_detail", args=[drill.pk])).content.decode()
    assert "期限超過" in page and "連絡網を更新する" in page
    page = client.get(reverse("continuity:drill_list")).content.decode()
    assert "期限を過ぎた改善策" in page


def test_training_attendance_and_targeted_mail_results_on_the_web(client, world):
    with audit_context(actor=None, channel=Channel.CLI):
        session = security_services.training_create(
            organisation=world.org,
            code="T1",
            held_on=datetime.date(2014, 6, 1),
            title="研修",
            topic="security",
        )
        drill = security_services.phishing_drill_create(
            organisation=world.org, sent_on=datetime.date(2014, 11, 1), title="訓練メール"
        )
    client.force_login(world.policy)
    response = client.post(
        reverse("security:training_detail", args=[session.pk]),
        {"staff_id": "0001", "name": "岡山 太郎", "unit": world.section_a.pk, "attended": "on"},
    )
    assert response.status_code == 302 and Attendance.objects.get().attended
    response = client.post(
        reverse("security:phishing_detail", args=[drill.pk]),
        {"unit": world.section_a.pk, "sent": "10", "opened": "3", "clicked": "12", "reported": "1"},
    )
    assert response.status_code == 400
    assert "送信数（10通）を超えています" in response.content.decode()
    assert not PhishingResult.objects.exists()


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_do_not_grow_with_rows(client, world, as_user):
    def grow(n):
        with as_user(world.policy):
            for i in range(n):
                system = SystemFactory(owner_unit=world.section_b, availability="2")
                services.backup_config_save(
                    system=system, frequency="daily", generations=7, copy_location="off_site"
                )
                services.bcp_save(
                    system=system,
                    recovery_priority="B",
                    rto_hours=24,
                    rpo_hours=24,
                    established_on=datetime.date(2015, 1, 1),
                    dependencies=[world.system_a],
                )
                services.outage_create(
                    system=system,
                    started_at=timezone.make_aware(datetime.datetime(2014, 6, 1 + i, 9)),
                    ended_at=timezone.make_aware(datetime.datetime(2014, 6, 1 + i, 10)),
                    cause="障害",
                )
                drill = services.drill_create(
                    organisation=world.org,
                    held_on=datetime.date(2014, 11, 1 + i),
                    kind="desk",
                    title=f"訓練{n}-{i}",  # date + title is a drill's key
                    systems=[system],
                    units=[world.section_b],
                )
                services.finding_create(
                    drill=drill,
                    finding="課題",
                    action="改善",
                    action_unit=world.section_b,
                    due_on=datetime.date(2015, 1, 31),
                )
                security_services.incident_create(
                    organisation=world.org,
                    unit=world.section_b,
                    occurred_on=datetime.date(2014, 5, 1 + i),
                    title="紛失",
                    kind="loss",
                    severity="low",
                    systems=[system],
                )

    client.force_login(world.policy)
    urls = [
        reverse("continuity:bcp_list"),
        reverse("continuity:drill_list"),
        reverse("continuity:availability") + "?fy=2014",
        reverse("security:incident_list") + "?per_page=100",
        reverse("home"),
    ]
    grow(2)
    few = [_count(client, url) for url in urls]
    grow(15)
    many = [_count(client, url) for url in urls]
    # The availability list reads each system's outages once; the rest are constant.
    assert many == few
