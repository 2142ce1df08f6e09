"""ICT-BCP readiness (every contradiction), drills with findings whose actions go overdue, and
the BCP indicators."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from daicho.continuity import metrics, selectors, services
from daicho.continuity.models import ActionStatus, BcpPlan
from tests.factories import SystemFactory


def _plan(system):
    return selectors.bcp_list().get(system=system)


def _checks(system):
    return [(i.check, i.message) for i in selectors.readiness(_plan(system))]


@pytest.fixture
def plans(world, as_user):
    base = SystemFactory(owner_unit=world.section_a, code="S0010", name="庁内ネットワーク")
    with as_user(world.policy):
        services.backup_config_save(
            system=world.system_a, frequency="daily", generations=7, copy_location="off_site"
        )
        services.restore_test_create(
            system=world.system_a,
            tested_on=datetime.date(2014, 9, 1),
            result="success",
            duration_minutes=600,
        )
        services.bcp_save(
            system=base,
            priority_work=True,
            recovery_priority="C",
            rto_hours=72,
            rpo_hours=24,
            established_on=datetime.date(2014, 6, 1),
            alternate_procedure="紙で受付",
        )
        services.bcp_save(
            system=world.system_a,
            dependencies=[base, world.system_b],
            priority_work=True,
            recovery_priority="A",
            rto_hours=4,
            rpo_hours=1,
            established_on=datetime.date(2014, 6, 1),
        )
    return base


def test_every_readiness_contradiction_is_flagged(world, plans):
    checks = _checks(world.system_a)
    assert (
        "rpo",
        "RPOは1時間ですが、バックアップは日次です。最大24時間分のデータを失うおそれがあります。",
    ) in checks
    assert (
        "rto",
        "RTOは4時間ですが、直近のリストアテスト（2014-09-01）では10時間かかりました。",
    ) in checks
    assert (
        "dependency",
        "依存する S0010 庁内ネットワーク の復旧優先度（C）が、"
        "このシステム（A）より低くなっています。",
    ) in checks
    assert ("dependency", "依存する S0002 公共施設予約システム にICT-BCPがありません。") in checks
    assert (
        "alternate",
        "非常時優先業務を支えるシステムですが、代替手段が記載されていません。",
    ) in checks
    # The base system has neither backup nor restore test.
    base = dict(_checks(plans))
    assert base["rpo"] == "RPOは24時間ですが、バックアップが登録されていません。"
    assert base["rto"] == "リストアテストの記録がありません。RTO（72時間）は検証されていません。"


def test_a_consistent_plan_has_no_contradictions(world, plans, as_user):
    with as_user(world.policy):
        services.bcp_save(system=plans, recovery_priority="A", rto_hours=2)
        services.bcp_save(
            system=world.system_a,
            dependencies=[plans],
            rpo_hours=24,
            rto_hours=12,
            alternate_procedure="窓口で手書き受付",
        )
    assert _checks(world.system_a) == []
    # A dependency with the same priority but a longer RTO is still a contradiction.
    with as_user(world.policy):
        services.bcp_save(system=plans, rto_hours=48)
    assert _checks(world.system_a) == [
        (
            "dependency",
            "依存する S0010 庁内ネットワーク のRTO（48時間）が、このシステムのRTO（12時間）より"
            "長くなっています。",
        )
    ]


def test_a_system_cannot_depend_on_itself(world, plans, as_user):
    with as_user(world.policy), pytest.raises(ValidationError):
        services.bcp_save(system=world.system_a, dependencies=[world.system_a])
    with as_user(world.owner_b), pytest.raises(PermissionDenied):
        services.bcp_save(system=world.system_a, rto_hours=1)


def test_bcp_coverage_counts_plans_established_by_the_years_end(world, plans, as_user):
    # 3 systems in operation (S0001, S0002, S0010); 2 plans by 31 March 2015.
    assert metrics.bcp_plan_coverage(world.org, 2014).value == Decimal("66.7")
    assert metrics.bcp_plan_coverage(world.org, 2013).value == Decimal("0.0")


def test_a_drill_finding_becomes_an_action_that_goes_overdue(client, world, as_user):
    with as_user(world.policy):
        drill = services.drill_create(
            organisation=world.org,
            held_on=datetime.date(2014, 11, 5),
            kind="functional",
            title="大規模地震を想定したICT-BCP訓練",
            systems=[world.system_a],
            units=[world.section_a, world.section_b],
            participants=42,
        )
        finding = services.finding_create(
            drill=drill,
            finding="非常用電源への切替手順が古い",
            action="切替手順書を改訂する",
            action_unit=world.section_b,
            due_on=datetime.date(2015, 1, 31),
        )
    assert metrics.bcp_drills(world.org, 2014).value == Decimal(1)
    assert metrics.bcp_drills(world.org, 2015).value == Decimal(0)
    # Overdue after its due date while not done; shown on the home page of those who may read it.
    assert list(selectors.overdue_actions(user=world.viewer, on=datetime.date(2015, 2, 1))) == [
        finding
    ]
    assert not selectors.overdue_actions(user=world.viewer, on=datetime.date(2015, 1, 31)).exists()
    assert not selectors.overdue_actions(user=world.outsider).exists()
    client.force_login(world.viewer)
    home = client.get(reverse("home")).content.decode()
    assert 'id="overdue-actions"' in home and "切替手順書を改訂する" in home
    # The responsible unit moves it through the PDCA cycle; an owner elsewhere may not.
    with as_user(world.owner_a), pytest.raises(PermissionDenied):
        services.finding_move(finding=finding, status=ActionStatus.DO)
    with as_user(world.owner_b):
        services.finding_move(finding=finding, status=ActionStatus.DO)
        with pytest.raises(ValidationError):
            services.finding_move(finding=finding, status=ActionStatus.ACT)
        services.finding_move(finding=finding, status=ActionStatus.CHECK)
        services.finding_move(
            finding=finding, status=ActionStatus.ACT, on=datetime.date(2015, 3, 1)
        )
    finding.refresh_from_db()
    assert finding.status == "act" and finding.done_on == datetime.date(2015, 3, 1)
    assert not selectors.overdue_actions(user=world.viewer).exists()
    assert 'id="overdue-actions"' not in client.get(reverse("home")).content.decode()


def test_pages_of_bcp_and_drills(client, world, plans, as_user):
    client.force_login(world.policy)
    page = client.get(reverse("continuity:bcp_list") + "?state=contradictions").content.decode()
    assert "税務システム" in page and "RPO" in page
    response = client.post(
        reverse("continuity:system_bcp", args=[world.system_b.pk]),
        {
            "recovery_priority": "B",
            "rto_hours": "24",
            "rpo_hours": "24",
            "established_on": "H27.2.1",
        },
    )
    assert response.status_code == 302
    assert BcpPlan.objects.get(system=world.system_b).established_on == datetime.date(2015, 2, 1)
