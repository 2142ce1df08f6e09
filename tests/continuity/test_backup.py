"""Backup standard and compliance: systems of each class against a standard of five rules,
with the reasons they fail, a standard changed mid-year, scheme refinements, the metric."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from daicho.continuity import metrics, selectors, services
from daicho.continuity.models import BackupConfig, SystemClassification
from daicho.core.models import AuditEvent
from daicho.registry.models import InformationSystem
from tests.continuity.conftest import level, make_standard
from tests.factories import SystemFactory

ON = datetime.date(2015, 3, 31)


def classify(system, c, i, a):
    InformationSystem.objects.filter(pk=system.pk).update(
        confidentiality=c, integrity=i, availability=a
    )
    system.refresh_from_db()
    return system


def by_code(results):
    return {r.system.code: r for r in results}


@pytest.fixture
def systems(world, as_user):
    """One system of each class, each with a backup the owner recorded."""
    important = classify(world.system_a, "3", "2", "2")  # 税務システム
    ordinary = classify(world.system_b, "2", "1", "1")  # 公共施設予約システム
    public = classify(
        SystemFactory(owner_unit=world.section_b, code="S0003", name="広報"), "1", "1", "1"
    )
    with as_user(world.policy):
        services.backup_config_save(
            system=important,
            method="full",
            frequency="daily",
            generations=5,
            copy_location="same_building",
            encrypted=False,
        )
        services.backup_config_save(
            system=ordinary, frequency="weekly", generations=3, copy_location="same_building"
        )
        services.backup_config_save(
            system=public, frequency="monthly", generations=1, copy_location="same_building"
        )
    return important, ordinary, public


def test_each_class_is_checked_against_the_rules_that_apply_with_reasons(
    world, standard, systems, as_user
):
    _standard, results = selectors.backup_compliance(organisation=world.org, on=ON)
    r = by_code(results)
    assert set(r) == {"S0001", "S0002", "S0003"}  # the other organisation's system is not here

    important = r["S0001"]
    assert [rule.title for rule in important.rules] == [
        "重要データ（可用性2・完全性2）",
        "機密性3",
        "全システム共通",
    ]
    messages = [s.message for s in important.shortfalls]
    assert "保存世代数が5世代です。基準は7世代以上です（2世代不足）。" in messages
    assert "複製の保管場所が同一建物内です。基準は遠隔地以遠です。" in messages
    assert "バックアップが暗号化されていません。基準は暗号化を求めています。" in messages
    assert "成功したリストアテストの記録がありません。基準は12か月ごとの実施です。" in messages
    assert not important.compliant

    ordinary = r["S0002"]  # 機密性2 weekly, 3 generations: meets rules 3 and 4, but rule 5 asks
    assert [s.check for s in ordinary.shortfalls] == ["restore_test"]
    assert ordinary.shortfalls[0].rule == "可用性1のリストア確認"

    public = r["S0003"]
    assert {s.check for s in public.shortfalls} == {"frequency", "generations", "restore_test"}
    assert "取得頻度が月次です。基準は週次以上です。" in [s.message for s in public.shortfalls]


def test_fixing_the_backup_and_testing_a_restore_makes_a_system_compliant(
    world, standard, systems, as_user
):
    important, ordinary, _public = systems
    with as_user(world.owner_a):
        services.backup_config_save(
            system=important,
            frequency="daily",
            generations=14,
            copy_location="other_region",
            encrypted=True,
        )
        services.restore_test_create(
            system=important,
            tested_on=datetime.date(2014, 11, 20),
            result="success",
            duration_minutes=180,
            data_restored="課税DB一式",
        )
    with as_user(world.owner_b):
        # A failed test does not count; a successful one two years back is overdue for 12 months.
        services.restore_test_create(
            system=ordinary,
            tested_on=datetime.date(2014, 6, 1),
            result="failure",
            duration_minutes=30,
        )
    r = by_code(selectors.backup_compliance(organisation=world.org, on=ON)[1])
    assert r["S0001"].compliant
    assert r["S0001"].last_restore_on == datetime.date(2014, 11, 20)
    assert not r["S0002"].compliant
    # A year later the restore test is overdue again, with the days counted.
    later = by_code(
        selectors.backup_compliance(organisation=world.org, on=datetime.date(2016, 1, 19))[1]
    )
    assert later["S0001"].shortfalls[0].message == (
        "最後に成功したリストアテストは2014-11-20です。基準は12か月ごとの実施です（60日超過）。"
    )
    # Every write is audited in the system's カルテ.
    events = AuditEvent.objects.filter(root_id=str(important.pk), content_type__model="restoretest")
    assert events.get().actor == world.owner_a


def test_a_standard_changed_mid_year_applies_from_its_effective_date(
    world, scheme, systems, as_user
):
    important, _ordinary, _public = systems
    with as_user(world.policy):
        first = make_standard(world, scheme, version="第1版", gens=5)
        services.backup_config_save(
            system=important,
            frequency="daily",
            generations=5,
            copy_location="off_site",
            encrypted=True,
        )
        services.restore_test_create(
            system=important,
            tested_on=datetime.date(2014, 5, 1),
            result="success",
            duration_minutes=60,
        )
        second = services.standard_create(
            organisation=world.org,
            version="第2版",
            title="バックアップ・リストア基準",
            scheme=scheme,
            effective_from=datetime.date(2014, 10, 1),
            copy_rules_from=first,
        )
        rule = second.rules.get(title="重要データ（可用性2・完全性2）")
        services.rule_update(rule=rule, data={"min_generations": 7})
    assert second.rules.count() == 5
    september = selectors.backup_compliance(organisation=world.org, on=datetime.date(2014, 9, 30))
    assert september[0] == first
    assert by_code(september[1])["S0001"].compliant
    march = selectors.backup_compliance(organisation=world.org, on=ON)
    assert march[0] == second
    assert [s.message for s in by_code(march[1])["S0001"].shortfalls] == [
        "保存世代数が5世代です。基準は7世代以上です（2世代不足）。"
    ]
    # The metric of FY2014 is measured on 31 March 2015, under the second version.
    m = metrics.backup_compliance(world.org, 2014)
    assert m.extra["standard"] == "第2版"
    assert m.extra["compliant"] == 0 and m.extra["total"] == 3
    assert m.value == Decimal("0.0")


def test_the_metric_is_the_share_of_systems_in_operation_that_comply(
    world, standard, systems, as_user
):
    important, ordinary, public = systems
    with as_user(world.policy):
        for system in (ordinary, public):
            services.backup_config_save(
                system=system, frequency="daily", generations=3, copy_location="off_site"
            )
            services.restore_test_create(
                system=system,
                tested_on=datetime.date(2014, 7, 1),
                result="success",
                duration_minutes=20,
            )
    m = metrics.backup_compliance(world.org, 2014)
    assert m.value == Decimal("66.7")
    assert m.detail.startswith("2 / 3")
    assert m.records_url == "/continuity/backups/?state=failing"
    # Before the standard took effect there is nothing to measure.
    assert metrics.backup_compliance(world.org, 2012).value is None
    # A system retired before the year's end is not counted.
    InformationSystem.objects.filter(pk=important.pk).update(
        status="retired", retired_on=datetime.date(2015, 1, 31)
    )
    assert metrics.backup_compliance(world.org, 2014).value == Decimal("100.0")


def test_a_scheme_that_splits_a_level_asks_for_the_finer_level_and_keeps_one_truth(
    world, systems, as_user
):
    important, _ordinary, _public = systems
    with as_user(world.policy):
        revised = services.scheme_install(organisation=world.org, code="soumu-2024")
        standard = services.standard_create(
            organisation=world.org,
            version="令和6年版",
            title="基準",
            scheme=revised,
            effective_from=datetime.date(2014, 4, 1),
        )
        services.rule_create(
            standard=standard,
            title="機密性3A",
            levels=[level(revised, "confidentiality", "3A")],
            encryption_required=True,
        )
    r = by_code(selectors.backup_compliance(organisation=world.org, on=ON)[1])
    assert r["S0001"].shortfalls[0].message == (
        "総務省ガイドライン（情報資産の分類） 令和6年改定 での区分を登録してください: "
        "機密性3A / 機密性3B / 機密性3C。"
    )
    with as_user(world.owner_a):
        services.system_classify(system=important, level=level(revised, "confidentiality", "3A"))
    r = by_code(selectors.backup_compliance(organisation=world.org, on=ON)[1])
    assert [s.check for s in r["S0001"].shortfalls] == ["encryption"]
    # Choosing a level of another guideline level moves the system's own classification.
    with as_user(world.owner_a):
        services.system_classify(system=important, level=level(revised, "confidentiality", "2"))
    important.refresh_from_db()
    assert important.confidentiality == "2"
    assert SystemClassification.objects.get(system=important).level.code == "2"
    # The registry stays the truth: back at 3, the stale "2" is ignored and 3A/3B/3C is asked.
    InformationSystem.objects.filter(pk=important.pk).update(confidentiality="3")
    r = by_code(selectors.backup_compliance(organisation=world.org, on=ON)[1])
    assert r["S0001"].shortfalls[0].check == "classification"


def test_only_the_owner_or_policy_record_backups_and_only_policy_edits_the_standard(
    world, scheme, standard, as_user
):
    with as_user(world.owner_b), pytest.raises(PermissionDenied):
        services.backup_config_save(
            system=world.system_a, frequency="daily", generations=7, copy_location="off_site"
        )
    with as_user(world.viewer), pytest.raises(PermissionDenied):
        services.restore_test_create(
            system=world.system_a, tested_on=ON, result="success", duration_minutes=1
        )
    with as_user(world.owner_a), pytest.raises(PermissionDenied):
        services.standard_create(
            organisation=world.org,
            version="第9版",
            title="x",
            scheme=scheme,
            effective_from=datetime.date(2016, 4, 1),
        )
    with as_user(world.policy), pytest.raises(ValidationError) as exc:
        services.standard_create(
            organisation=world.org,
            version="第1版",
            title="x",
            scheme=scheme,
            effective_from=datetime.date(2014, 4, 1),
        )
    assert set(exc.value.error_dict) == {"version", "effective_from"}
    with as_user(world.policy), pytest.raises(ValidationError) as exc:
        services.backup_config_save(
            system=world.system_a, frequency="daily", generations=-1, copy_location="moon"
        )
    assert {"generations", "copy_location"} <= set(exc.value.error_dict)
    assert not BackupConfig.objects.exists()


def test_a_system_without_classification_or_backup_is_reported_as_such(world, standard, as_user):
    classify(world.system_a, "", "", "")
    classify(world.system_b, "3", "2", "2")
    r = by_code(selectors.backup_compliance(organisation=world.org, on=ON)[1])
    assert r["S0001"].shortfalls[0].check == "classification"
    assert [s.message for s in r["S0002"].shortfalls] == ["バックアップ設定が登録されていません。"]
