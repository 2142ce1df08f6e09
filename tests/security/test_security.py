"""Incidents and their count per fiscal year, training attendance per person and unit, the
targeted-mail drill trend."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from daicho.core.models import AuditEvent
from daicho.security import metrics, selectors, services
from daicho.security.models import Incident


def _incident(world, unit, day, **kw):
    return services.incident_create(
        organisation=world.org,
        unit=unit,
        occurred_on=day,
        title=kw.pop("title", "USBメモリの紛失"),
        kind=kw.pop("kind", "loss"),
        severity=kw.pop("severity", "medium"),
        **kw,
    )


def test_incidents_are_numbered_per_year_and_counted_in_their_fiscal_year(world, as_user):
    with as_user(world.owner_a):
        first = _incident(
            world,
            world.section_a,
            datetime.date(2014, 5, 1),
            personal_data=True,
            personal_records=120,
            systems=[world.system_a],
        )
        second = _incident(world, world.section_a, datetime.date(2015, 3, 31), severity="high")
    with as_user(world.policy):
        third = _incident(world, world.section_b, datetime.date(2015, 4, 1), kind="missent")
    assert (first.code, second.code, third.code) == ("2014-001", "2014-002", "2015-001")
    m = metrics.security_incidents(world.org, 2014)
    assert m.value == Decimal(2) and m.detail == "2件（うち重大 1件）"
    assert metrics.security_incidents(world.org, 2015).value == Decimal(1)
    assert metrics.security_incidents(world.org, 2013).value == Decimal(0)
    assert metrics.security_incidents(world.other_org, 2014).value == Decimal(0)
    assert AuditEvent.objects.filter(content_type__model="incident", action="create").count() == 3


def test_an_owner_reports_only_for_its_units_and_closing_needs_measures(world, as_user):
    with as_user(world.owner_b), pytest.raises(PermissionDenied):
        _incident(world, world.section_a, datetime.date(2014, 5, 1))
    with as_user(world.owner_a):
        incident = _incident(world, world.section_a, datetime.date(2014, 5, 1))
        with pytest.raises(ValidationError):
            services.incident_move(incident=incident, status="contained")
        services.incident_move(incident=incident, status="investigating")
        services.incident_move(incident=incident, status="contained")
        with pytest.raises(ValidationError) as exc:
            services.incident_move(incident=incident, status="closed")
        assert "measures" in exc.value.error_dict
        services.incident_update(incident=incident, data={"measures": "暗号化USBに限定"})
        services.incident_move(incident=incident, status="closed", on=datetime.date(2014, 6, 1))
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_on == datetime.date(2014, 6, 1)
    with as_user(world.policy), pytest.raises(ValidationError):
        _incident(world, world.section_a, datetime.date(2014, 5, 1), personal_records=3)


def test_training_attendees_count_each_person_once_per_year(world, as_user):
    with as_user(world.policy):
        basic = services.training_create(
            organisation=world.org,
            code="T2014-01",
            held_on=datetime.date(2014, 6, 10),
            title="情報セキュリティ研修（新任）",
            topic="security",
        )
        pm = services.training_create(
            organisation=world.org,
            code="T2014-02",
            held_on=datetime.date(2015, 2, 3),
            title="プロジェクトマネジメント研修",
            topic="project",
        )
        for session in (basic, pm):
            services.attendance_save(
                session=session, staff_id="0001", name="岡山 太郎", unit=world.section_a
            )
        services.attendance_save(
            session=basic, staff_id="0002", name="倉敷 花子", unit=world.section_b
        )
        services.attendance_save(
            session=basic, staff_id="0003", name="津山 一郎", unit=world.section_b, attended=False
        )
        with pytest.raises(PermissionDenied), as_user(world.owner_a):
            services.attendance_save(session=basic, staff_id="0004", name="x", unit=world.section_a)
    assert metrics.training_attendees(world.org, 2014).value == Decimal(2)
    assert metrics.training_attendees(world.org, 2014, topic="project").value == Decimal(1)
    rows = {
        r["unit__name"]: (r["registered"], r["attended"])
        for r in selectors.attendance_by_unit(basic)
    }
    assert rows == {"情報政策課": (1, 1), "くらし安全安心課": (2, 1)}


def test_targeted_mail_drills_show_the_trend(client, world, as_user):
    with as_user(world.policy):
        first = services.phishing_drill_create(
            organisation=world.org, sent_on=datetime.date(2014, 7, 1), title="第1回"
        )
        second = services.phishing_drill_create(
            organisation=world.org, sent_on=datetime.date(2015, 1, 15), title="第2回"
        )
        services.phishing_result_save(
            drill=first, unit=world.section_a, sent=100, opened=40, clicked=20, reported=5
        )
        services.phishing_result_save(
            drill=first, unit=world.section_b, sent=100, opened=30, clicked=10, reported=15
        )
        services.phishing_result_save(
            drill=second, unit=world.section_a, sent=100, opened=20, clicked=6, reported=30
        )
        with pytest.raises(ValidationError) as exc:
            services.phishing_result_save(drill=second, unit=world.section_b, sent=10, clicked=11)
        assert "clicked" in exc.value.error_dict
    trend = selectors.phishing_trend(organisation=world.org)
    assert [(r["sent"], r["clicked_rate"], r["reported_rate"]) for r in trend] == [
        (200, Decimal("15.0"), Decimal("10.0")),
        (100, Decimal("6.0"), Decimal("30.0")),
    ]
    assert trend[1]["clicked_change"] == Decimal("-9.0")
    only_a = selectors.phishing_trend(organisation=world.org, unit=world.section_a)
    assert [r["clicked_rate"] for r in only_a] == [Decimal("20.0"), Decimal("6.0")]
    client.force_login(world.viewer)
    page = client.get(reverse("security:phishing_list")).content.decode()
    assert "第2回" in page and "△9.0" in page
    # Per unit: section A went from 20.0 % to 6.0 % clicked.
    assert "所属別のクリック率" in page and "△14.0" in page


def test_incident_pages(client, world, as_user):
    client.force_login(world.owner_a)
    response = client.post(
        reverse("security:incident_create"),
        {
            "occurred_on": "H26.9.1",
            "title": "メール誤送信",
            "kind": "missent",
            "severity": "low",
            "unit": world.section_a.pk,
            "systems": [world.system_a.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert incident.code == "2014-001"
    page = client.get(reverse("security:incident_list") + "?fiscal_year=2014").content.decode()
    assert "メール誤送信" in page
    client.force_login(world.owner_b)
    assert client.get(reverse("security:incident_edit", args=[incident.pk])).status_code == 403
