"""The permission matrix of the continuity and security pages: anonymous, each role, another
unit and another organisation (patterns of tests/test_permissions.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from daicho.continuity import services
from daicho.continuity.models import Outage, RestoreTest
from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.security import services as security_services
from tests.continuity.conftest import make_standard
from tests.test_permissions import (
    CREATE,
    EDIT_A,
    POLICY_ONLY,
    READ,
    READ_OBJECT,
    ROLES,
    _status,
)

POLICY_CREATE = {**POLICY_ONLY, "outsider": 200}


def _records(world):
    with audit_context(actor=None, channel=Channel.CLI):
        scheme = services.scheme_install(organisation=world.org, code="soumu")
        standard = make_standard(world, scheme)
        test = services.restore_test_create(
            system=world.system_a,
            tested_on=datetime.date(2014, 5, 1),
            result="success",
            duration_minutes=30,
        )
        outage = services.outage_create(
            system=world.system_a,
            started_at=timezone.make_aware(datetime.datetime(2014, 5, 1, 9)),
            ended_at=timezone.make_aware(datetime.datetime(2014, 5, 1, 10)),
            cause="障害",
        )
        drill = services.drill_create(
            organisation=world.org, held_on=datetime.date(2014, 11, 5), kind="desk", title="訓練"
        )
        incident = security_services.incident_create(
            organisation=world.org,
            unit=world.section_a,
            occurred_on=datetime.date(2014, 5, 1),
            title="紛失",
            kind="loss",
            severity="low",
        )
        session = security_services.training_create(
            organisation=world.org,
            code="T1",
            held_on=datetime.date(2014, 6, 1),
            title="研修",
            topic="security",
        )
        phishing = security_services.phishing_drill_create(
            organisation=world.org, sent_on=datetime.date(2014, 11, 1), title="訓練メール"
        )
    return scheme, standard, test, outage, drill, incident, session, phishing


def page_cases(world):
    scheme, standard, test, outage, drill, incident, session, phishing = _records(world)
    rule = standard.rules.first()
    a = world.system_a.pk
    c = "continuity:"
    return [
        ("compliance", reverse(c + "compliance"), READ),
        ("compliance all", reverse(c + "compliance") + "?state=all&department=D01", READ),
        ("system_backup", reverse(c + "system_backup", args=[a]), READ_OBJECT),
        ("restore_test_delete", reverse(c + "restore_test_delete", args=[test.pk]), EDIT_A),
        ("standard_list", reverse(c + "standard_list"), READ),
        ("standard_create", reverse(c + "standard_create"), POLICY_CREATE),
        ("standard_detail", reverse(c + "standard_detail", args=[standard.pk]), READ_OBJECT),
        ("standard_edit", reverse(c + "standard_edit", args=[standard.pk]), POLICY_ONLY),
        ("standard_delete", reverse(c + "standard_delete", args=[standard.pk]), POLICY_ONLY),
        ("rule_edit", reverse(c + "rule_edit", args=[rule.pk]), POLICY_ONLY),
        ("rule_delete", reverse(c + "rule_delete", args=[rule.pk]), POLICY_ONLY),
        ("scheme_detail", reverse(c + "scheme_detail", args=[scheme.pk]), READ_OBJECT),
        ("bcp_list", reverse(c + "bcp_list"), READ),
        ("system_bcp", reverse(c + "system_bcp", args=[a]), READ_OBJECT),
        ("drill_list", reverse(c + "drill_list") + "?fiscal_year=2014", READ),
        ("drill_create", reverse(c + "drill_create"), POLICY_CREATE),
        ("drill_detail", reverse(c + "drill_detail", args=[drill.pk]), READ_OBJECT),
        ("drill_edit", reverse(c + "drill_edit", args=[drill.pk]), POLICY_ONLY),
        ("drill_delete", reverse(c + "drill_delete", args=[drill.pk]), POLICY_ONLY),
        ("availability", reverse(c + "availability") + "?fy=2014", READ),
        ("system_availability", reverse(c + "system_availability", args=[a]), READ_OBJECT),
        ("outage_edit", reverse(c + "outage_edit", args=[outage.pk]), EDIT_A),
        ("outage_delete", reverse(c + "outage_delete", args=[outage.pk]), EDIT_A),
        ("incident_list", reverse("security:incident_list"), READ),
        ("incident_export", reverse("security:incident_list") + "?export=csv", READ),
        ("incident_create", reverse("security:incident_create"), CREATE),
        ("incident_detail", reverse("security:incident_detail", args=[incident.pk]), READ_OBJECT),
        ("incident_edit", reverse("security:incident_edit", args=[incident.pk]), EDIT_A),
        ("incident_delete", reverse("security:incident_delete", args=[incident.pk]), POLICY_ONLY),
        ("training_list", reverse("security:training_list"), READ),
        ("training_create", reverse("security:training_create"), POLICY_CREATE),
        ("training_detail", reverse("security:training_detail", args=[session.pk]), READ_OBJECT),
        ("training_edit", reverse("security:training_edit", args=[session.pk]), POLICY_ONLY),
        ("phishing_list", reverse("security:phishing_list"), READ),
        ("phishing_create", reverse("security:phishing_create"), POLICY_CREATE),
        ("phishing_detail", reverse("security:phishing_detail", args=[phishing.pk]), READ_OBJECT),
        ("phishing_edit", reverse("security:phishing_edit", args=[phishing.pk]), POLICY_ONLY),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected(client, world, role):
    failures = []
    for name, url, expected in page_cases(world):
        client.logout()
        status = _status(client, world, role, "get", url)
        if status != expected[role]:
            failures.append(f"{name} {url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("role", "expected", "written"),
    [
        ("anonymous", 302, False),
        ("viewer", 403, False),
        ("owner_a", 302, True),
        ("owner_b", 403, False),
        ("policy", 302, True),
        ("auditor", 403, False),
        ("outsider", 404, False),
    ],
)
def test_recording_a_restore_test_is_for_the_owner_and_policy(
    client, world, role, expected, written
):
    url = reverse("continuity:system_backup", args=[world.system_a.pk])
    data = {
        "form": "restore",
        "tested_on": "H27.1.20",
        "result": "success",
        "duration_minutes": "60",
    }
    assert _status(client, world, role, "post", url, data) == expected
    assert RestoreTest.objects.exists() is written
    if written:
        event = AuditEvent.objects.get(content_type__model="restoretest")
        assert event.channel == "web" and event.actor == world.user(role)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("viewer", 403), ("owner_a", 302), ("owner_b", 403), ("policy", 302), ("outsider", 404)],
)
def test_recording_an_outage_follows_the_matrix(client, world, role, expected):
    url = reverse("continuity:system_availability", args=[world.system_a.pk])
    data = {"form": "outage", "started_at": "2014-07-01 08:00", "cause": "障害"}
    assert _status(client, world, role, "post", url, data) == expected
    assert Outage.objects.exists() is (expected == 302)


def test_moving_a_finding_is_for_its_unit_and_policy(client, world):
    with audit_context(actor=None, channel=Channel.CLI):
        drill = services.drill_create(
            organisation=world.org, held_on=datetime.date(2014, 11, 5), kind="desk", title="訓練"
        )
        finding = services.finding_create(
            drill=drill,
            finding="課題",
            action="改善",
            action_unit=world.section_b,
            due_on=datetime.date(2015, 1, 31),
        )
    url = reverse("continuity:finding_move", args=[finding.pk])
    client.force_login(world.owner_a)
    client.post(url, {"status": "do"})
    finding.refresh_from_db()
    assert finding.status == "plan"
    client.force_login(world.owner_b)
    client.post(url, {"status": "do"})
    finding.refresh_from_db()
    assert finding.status == "do"
    client.force_login(world.outsider)
    assert client.post(url, {"status": "check"}).status_code == 404
