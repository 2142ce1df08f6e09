"""The demo organisation has the continuity and security story of the seed plan."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from daicho.continuity import metrics, selectors
from daicho.continuity.models import BackupStandard, Drill
from daicho.core.models import Organisation
from daicho.security import metrics as security_metrics
from daicho.security.models import PhishingDrill


@pytest.mark.django_db
def test_the_demo_has_a_standard_backups_bcps_drills_outages_incidents_and_training():
    call_command("demo", "--no-migrate", stdout=io.StringIO())  # (idempotent: tests/core)
    org = Organisation.objects.get(code="330001")
    assert BackupStandard.objects.filter(organisation=org).count() == 2
    standard, results = selectors.backup_compliance(
        organisation=org, on=selectors.fiscal_year_end(2016)
    )
    assert standard.version == "第2版" and standard.rules.count() == 5
    failing = {r.system.name: [s.check for s in r.shortfalls] for r in results if not r.compliant}
    # A few systems fail, each with its reason.
    assert failing["防災情報システム"] == ["generations"]
    assert failing["県ホームページ管理システム"] == ["location"]
    assert failing["職員情報共有データベース"] == ["encryption"]
    assert failing["地方税電子申告システム"] == ["restore_test"]
    assert failing["庶務事務システム"] == ["config"]
    assert "location" in failing["大気汚染常時監視システム"]  # 第2版: another region
    assert 3 <= len(failing) <= 15
    assert len(results) > 180
    # The indicators of the plan's years.
    assert metrics.bcp_drills(org, 2014).value == Decimal(1)
    assert metrics.bcp_drills(org, 2016).value == Decimal(1)
    coverage = [metrics.bcp_plan_coverage(org, fy).value for fy in (2014, 2015, 2016)]
    assert coverage[0] < coverage[1] < coverage[2]
    assert Decimal(99) <= metrics.fileserver_availability(org, 2014).value < Decimal(100)
    usage = [metrics.fileserver_usage(org, fy).value for fy in (2014, 2015, 2016)]
    assert usage[0] < usage[1] < usage[2] == Decimal(100)
    incidents = [security_metrics.security_incidents(org, fy).value for fy in (2014, 2015, 2016)]
    assert incidents == [Decimal(2), Decimal(1), Decimal(0)]
    trained = [security_metrics.training_attendees(org, fy).value for fy in (2014, 2015, 2016)]
    assert trained[0] < trained[1] < trained[2]
    assert PhishingDrill.objects.count() == 3
    # Readiness contradictions for the committee to see, and an action still open.
    plan = selectors.bcp_list().get(system__name="電子申請サービス")
    assert {i.check for i in selectors.readiness(plan)} == {"rpo", "dependency"}
    assert Drill.objects.get(held_on__year=2016).findings.exclude(status="act").exists()
