"""Availability over a fiscal year: planned maintenance excluded, an outage spanning the year
end, service hours; the file-server indicators."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from daicho.continuity import metrics, selectors, services
from daicho.continuity.models import Outage
from tests.factories import OrgUnitFactory

HOURS_2014 = 365 * 24  # FY2014: 2014-04-01 to 2015-03-31


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def server(world, as_user):
    with as_user(world.policy):
        services.service_profile_save(system=world.system_a, shared_file_server=True)
        services.outage_create(  # unplanned: 10 hours
            system=world.system_a,
            started_at=at(2014, 7, 1, 8),
            ended_at=at(2014, 7, 1, 18),
            cause="ディスク障害",
        )
        services.outage_create(  # planned maintenance: 24 hours
            system=world.system_a,
            started_at=at(2014, 8, 16),
            ended_at=at(2014, 8, 17),
            planned=True,
            cause="定期保守",
        )
        services.outage_create(  # spans the year end: 6 h in FY2014, 4 h in FY2015
            system=world.system_a,
            started_at=at(2015, 3, 31, 18),
            ended_at=at(2015, 4, 1, 4),
            cause="停電",
        )
    return world.system_a


def test_availability_over_a_year_excludes_planned_maintenance_and_clips_the_year_end(server):
    result = selectors.system_availability(system=server, fiscal_year=2014)
    assert result.outages == 3
    assert result.service_minutes == (HOURS_2014 - 24) * 60
    assert result.downtime_minutes == 16 * 60
    expected = (Decimal(HOURS_2014 - 24 - 16) * 100 / (HOURS_2014 - 24)).quantize(Decimal("0.01"))
    assert result.percent == expected == Decimal("99.82")
    next_year = selectors.system_availability(system=server, fiscal_year=2015, now=at(2016, 6, 1))
    assert next_year.downtime_minutes == 4 * 60
    assert next_year.service_minutes == 366 * 24 * 60  # FY2015 includes 29 February 2016


def test_planned_maintenance_counts_when_the_profile_says_so(world, server, as_user):
    with as_user(world.policy):
        services.service_profile_save(system=server, exclude_planned=False)
    result = selectors.system_availability(system=server, fiscal_year=2014)
    assert result.service_minutes == HOURS_2014 * 60
    assert result.downtime_minutes == (16 + 24) * 60


def test_service_hours_limit_what_counts(world, server, as_user):
    with as_user(world.policy):
        # 8:30 is not an hour boundary the profile supports; 9–17 on weekdays.
        services.service_profile_save(
            system=server, service_start_hour=9, service_end_hour=17, weekdays_only=True
        )
    result = selectors.system_availability(system=server, fiscal_year=2014)
    # 1 July 2014 was a Tuesday: 8–18 overlaps the service hours 9–17 for 8 hours; the year-end
    # outage (18:00–04:00) is outside them.
    assert result.downtime_minutes == 8 * 60
    weekdays = sum(
        1
        for n in range(365)
        if (datetime.date(2014, 4, 1) + datetime.timedelta(days=n)).weekday() < 5
    )
    assert result.service_minutes == weekdays * 8 * 60  # the planned outage was a Saturday


def test_an_open_outage_counts_until_now(world, server, as_user):
    with as_user(world.policy):
        Outage.objects.all().delete()
        services.outage_create(system=server, started_at=at(2015, 3, 31, 12), cause="調査中")
    result = selectors.system_availability(system=server, fiscal_year=2014, now=at(2015, 5, 1))
    assert result.downtime_minutes == 12 * 60


def test_overlapping_outages_are_not_counted_twice(world, server, as_user):
    with as_user(world.policy):
        services.outage_create(
            system=server,
            started_at=at(2014, 7, 1, 12),
            ended_at=at(2014, 7, 1, 20),
            cause="同じ障害の別報告",
        )
    assert selectors.system_availability(system=server, fiscal_year=2014).downtime_minutes == (
        18 * 60
    )


def test_the_file_server_indicators(world, server, as_user):
    m = metrics.fileserver_availability(world.org, 2014)
    assert m.value == Decimal("99.82")
    assert "停止 16.0時間" in m.detail
    # Usage: sections using the file server at the year's end, of all sections.
    extra = OrgUnitFactory(organisation=world.org, parent=world.dept_b, code="D02-S02")
    with as_user(world.policy):
        services.usage_save(system=server, unit=world.section_a, since=datetime.date(2010, 1, 4))
        services.usage_save(system=server, unit=world.section_b, since=datetime.date(2015, 4, 1))
        services.usage_save(
            system=server,
            unit=extra,
            since=datetime.date(2012, 4, 1),
            until=datetime.date(2014, 12, 1),
        )
    m = metrics.fileserver_usage(world.org, 2014)
    assert m.value == Decimal("33.3") and m.detail == "1 / 3"
    assert metrics.fileserver_usage(world.org, 2015).value == Decimal("66.7")


def test_only_policy_flags_the_shared_file_server(world, as_user):
    with as_user(world.owner_b), pytest.raises(PermissionDenied):
        services.service_profile_save(system=world.system_b, shared_file_server=True)
    with as_user(world.policy):
        services.service_profile_save(system=world.system_a, shared_file_server=True)
        services.service_profile_save(system=world.system_b, shared_file_server=True)
    assert selectors.shared_file_server(world.org) == world.system_b
    assert metrics.fileserver_availability(world.other_org, 2014).value is None


def test_recording_an_outage_on_the_page(client, world, server):
    client.force_login(world.owner_a)
    url = reverse("continuity:system_availability", args=[server.pk])
    response = client.post(
        url,
        {
            "form": "outage",
            "started_at": "H26.10.1 9:00",
            "ended_at": "2014-10-01 9:30",
            "cause": "回線断",
        },
    )
    assert response.status_code == 302
    assert Outage.objects.filter(cause="回線断").get().ended_at == at(2014, 10, 1, 9, 30)
    response = client.post(
        url,
        {
            "form": "outage",
            "started_at": "2014-10-02 10:00",
            "ended_at": "2014-10-02 09:00",
            "cause": "逆転",
        },
    )
    assert response.status_code == 400
    assert not Outage.objects.filter(cause="逆転").exists()
    page = client.get(reverse("continuity:availability") + "?fy=2014").content.decode()
    assert "99." in page
