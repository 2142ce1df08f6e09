"""The continuity and security API: compliance, backups, restore tests, readiness, incidents."""

from __future__ import annotations

import pytest

from daicho.continuity import services
from daicho.continuity.models import RestoreTest
from daicho.core.models import AuditEvent
from daicho.registry.models import InformationSystem
from tests.test_permissions import API_READ, _api


@pytest.mark.parametrize("role", ["anonymous", "viewer", "owner_a", "policy", "outsider"])
def test_reads_follow_the_matrix(client, world, standard, role):
    for path in (
        "/continuity/compliance",
        "/continuity/backups",
        "/continuity/readiness",
        "/continuity/systems/S0001/restore-tests",
        "/security/incidents?fiscal_year=2014",
    ):
        response = _api(client, world, role, "get", path)
        assert response.status_code == API_READ[role], (path, response.content)


def test_compliance_answers_with_the_reasons(client, world, standard, as_user):
    InformationSystem.objects.filter(pk=world.system_a.pk).update(
        confidentiality="2", integrity="2", availability="2"
    )
    with as_user(world.policy):
        services.backup_config_save(
            system=world.system_a, frequency="daily", generations=7, copy_location="off_site"
        )
    body = _api(client, world, "viewer", "get", "/continuity/compliance?on=2015-03-31").json()
    assert body["standard"] == "バックアップ・リストア基準 第1版"
    row = next(r for r in body["items"] if r["system"] == "S0001")
    assert row["compliant"] is False
    assert row["reasons"][0]["check"] == "restore_test"
    assert body["compliant"] == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [("viewer", 403), ("owner_a", 201), ("owner_b", 403), ("policy", 201), ("anonymous", 401)],
)
def test_backup_software_posts_a_restore_test(client, world, role, expected):
    response = _api(
        client,
        world,
        role,
        "post",
        "/continuity/systems/S0001/restore-tests",
        {"tested_on": "2015-01-20", "result": "success", "duration_minutes": 42},
    )
    assert response.status_code == expected, response.content
    assert RestoreTest.objects.exists() is (expected == 201)
    if expected == 201:
        assert response.json()["system"] == "S0001"
        event = AuditEvent.objects.get(content_type__model="restoretest")
        assert event.channel == "api" and event.actor == world.user(role)


def test_a_bad_restore_test_answers_400_per_field(client, world):
    path = "/continuity/systems/S0001/restore-tests"
    future = {"tested_on": "2099-01-20", "result": "success", "duration_minutes": 42}
    response = _api(client, world, "policy", "post", path, future)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"tested_on"}
    wrong = {"tested_on": "2015-01-20", "result": "maybe", "duration_minutes": 42}
    response = _api(client, world, "policy", "post", path, wrong)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"result"}
    assert not RestoreTest.objects.exists()


def test_a_system_id_means_the_users_own_organisations_system(client, world):
    """Both organisations have an S0001: each user reaches its own."""
    body = {"tested_on": "2015-01-20", "result": "success", "duration_minutes": 5}
    path = "/continuity/systems/S0001/restore-tests"
    assert _api(client, world, "outsider", "post", path, body).status_code == 201
    assert RestoreTest.objects.get().system == world.system_other
    assert _api(client, world, "viewer", "get", path).json()["count"] == 0
