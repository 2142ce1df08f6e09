"""The pages of the continuity area as a user sees them."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daicho.continuity import services
from daicho.continuity.models import RestoreTest
from daicho.registry.models import InformationSystem
from tests.factories import SystemFactory


def _important(world, as_user):
    InformationSystem.objects.filter(pk=world.system_a.pk).update(
        confidentiality="2", integrity="2", availability="2"
    )
    with as_user(world.policy):
        services.backup_config_save(
            system=world.system_a,
            frequency="daily",
            generations=7,
            copy_location="off_site",
        )


def test_policy_sees_non_compliant_systems_per_unit_with_reasons(client, world, standard, as_user):
    _important(world, as_user)
    client.force_login(world.policy)
    page = client.get(reverse("continuity:compliance")).content.decode()
    assert "情報政策課" in page and "税務システム" in page
    assert "リストアテストの記録がありません" in page or "restore test" in page
    assert "公共施設予約システム" in page  # no classification recorded: listed with the reason


def test_an_owner_records_a_restore_test_and_the_system_complies(client, world, standard, as_user):
    _important(world, as_user)
    client.force_login(world.owner_a)
    url = reverse("continuity:system_backup", args=[world.system_a.pk])
    response = client.post(
        url,
        {
            "form": "restore",
            "tested_on": "平成27年1月20日",
            "result": "success",
            "duration_minutes": "95",
            "data_restored": "課税DB",
        },
    )
    assert response.status_code == 302
    test = RestoreTest.objects.get()
    assert test.tested_on == datetime.date(2015, 1, 20)
    page = client.get(url).content.decode()
    assert 'id="compliance-state"' in page and "alert-success" in page


def test_a_bad_restore_test_shows_the_problem_and_writes_nothing(client, world, standard):
    client.force_login(world.owner_a)
    url = reverse("continuity:system_backup", args=[world.system_a.pk])
    response = client.post(
        url,
        {
            "form": "restore",
            "tested_on": "平成99年13月1日",
            "result": "success",
            "duration_minutes": "x",
        },
    )
    assert response.status_code == 400
    assert "平成99年13月1日" in response.content.decode()
    assert not RestoreTest.objects.exists()


def test_another_units_owner_cannot_record_a_restore_test(client, world, standard):
    client.force_login(world.owner_b)
    url = reverse("continuity:system_backup", args=[world.system_a.pk])
    response = client.post(
        url,
        {
            "form": "restore",
            "tested_on": "2015-01-20",
            "result": "success",
            "duration_minutes": "5",
        },
    )
    assert response.status_code == 403
    assert not RestoreTest.objects.exists()


def test_the_system_page_shows_the_continuity_section(client, world, standard):
    client.force_login(world.viewer)
    page = client.get(reverse("registry:system_detail", args=[world.system_a.pk])).content.decode()
    assert 'id="continuity"' in page


def test_the_compliance_page_does_not_grow_with_systems(client, world, standard, as_user):
    client.force_login(world.policy)
    url = reverse("continuity:compliance") + "?state=all"

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(20):
        system = SystemFactory(
            owner_unit=world.section_b, confidentiality="2", integrity="1", availability="1"
        )
        with as_user(world.policy):
            services.backup_config_save(
                system=system, frequency="weekly", generations=3, copy_location="off_site"
            )
            services.restore_test_create(
                system=system,
                tested_on=datetime.date(2025, 1, n + 1),
                result="success",
                duration_minutes=10,
            )
    assert count() == few


def test_the_compliance_list_exports_with_its_reasons(client, world, standard, as_user):
    _important(world, as_user)
    client.force_login(world.viewer)
    response = client.get(reverse("continuity:compliance") + "?state=failing&export=csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].endswith('backup_compliance.csv"')
    assert text.splitlines()[0] == "システムID,システム名,所管課,区分,基準適合,不適合の理由"
    coded = client.get(reverse("continuity:compliance") + "?state=failing&export=csv&codes=1")
    assert coded.content.decode("utf-8-sig").splitlines()[0] == (
        "system,name,owner_unit,levels,compliant,reasons"
    )
    assert (
        "S0001,税務システム,情報政策課" in text
        and "成功したリストアテストの記録がありません" in text
    )
    xlsx = client.get(reverse("continuity:compliance") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
