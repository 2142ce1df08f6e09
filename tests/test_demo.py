"""The demo organisation (`daicho demo`) tells the seed plan's story in every area.

The demo is loaded once for this module (it takes a while), inside a transaction rolled back at
the end; each test runs in its own savepoint within it.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from daicho.continuity import metrics as continuity_metrics
from daicho.continuity import selectors as continuity_selectors
from daicho.continuity.models import BackupStandard, Drill
from daicho.core import metrics as core_metrics
from daicho.core.models import Organisation, OrgUnit, User
from daicho.governance.models import Consultation, Evaluation, ProcurementCase
from daicho.knowledge.models import Article
from daicho.knowledge.selectors import article_search
from daicho.registry.models import CostLine, InformationSystem
from daicho.sam.models import Installation, InventoryCampaign, Licence, SamAudit
from daicho.sam.selectors import compliance_position, licences_expiring
from daicho.security import metrics as security_metrics
from daicho.security.models import PhishingDrill


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """What `daicho demo` printed, with the demo in the database for this module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo", "--no-migrate", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_a_second_run_adds_nothing_to_any_table(demo):
    first = _counts()
    call_command("demo", "--no-migrate", stdout=io.StringIO())
    second = _counts()
    assert {label: (n, second[label]) for label, n in first.items() if second[label] != n} == {}


def test_the_seeds_organisation_its_departments_and_costs(demo):
    seed = Organisation.objects.get(code="330001")  # the standardisation demo adds municipalities'
    assert InformationSystem.objects.filter(organisation=seed).count() == 202
    per_department = dict(
        InformationSystem.objects.values_list("owner_unit__department__name")
        .annotate(n=Count("pk"))
        .values_list("owner_unit__department__name", "n")
    )
    assert per_department["危機管理監・総務部・総合政策局"] == 27
    assert per_department["県民生活部"] == 38
    assert per_department["教育庁"] == 21
    assert OrgUnit.objects.filter(organisation=seed, parent=None).count() == 11
    for name in [
        "税務システム",
        "統合財務会計システム",
        "給与システム",
        "共有ファイルサーバ",
        "情報システム台帳管理システム",
        "全県統合型GIS",
        "宛名管理システム",
    ]:
        assert InformationSystem.objects.filter(name=name).exists(), name

    def operation_budget(fy):
        return CostLine.objects.filter(
            fiscal_year=fy, basis="budget", category="operation"
        ).aggregate(s=Sum("amount"))["s"]

    reduction = (operation_budget(2008) - operation_budget(2014)) / operation_budget(2008)
    assert 0.29 <= reduction <= 0.31
    mainframe = CostLine.objects.filter(
        system__name__in=["税務システム", "統合財務会計システム", "給与システム"],
        basis="budget",
        category="operation",
    )
    assert (
        720_000_000
        <= mainframe.filter(fiscal_year=2008).aggregate(s=Sum("amount"))["s"]
        <= 760_000_000
    )
    assert set(User.objects.values_list("username", flat=True)) >= {
        "policy",
        "owner",
        "sam",
        "viewer",
        "auditor",
    }
    assert "daicho-demo" in demo  # the passwords printed


def test_cases_at_every_gate_consultations_evaluations_and_articles(demo):
    org = Organisation.objects.get(code="330001")
    cases = ProcurementCase.objects.filter(organisation=org)
    assert cases.count() == 13
    assert set(cases.values_list("stage", flat=True)) == {
        "planning",
        "budget",
        "procurement",
        "operation",
        "evaluation",
    }
    states = set(cases.values_list("state", flat=True))
    assert {"returned", "submitted", "withdrawn", "completed", "draft"} <= states
    registry = core_metrics.metrics()
    assert registry["support_cases"].compute(org, 2014).value >= 200
    assert (
        registry["cost_saving_cases"].compute(org, 2014).value
        > registry["cost_saving_cases"].compute(org, 2013).value
    )
    assert registry["green_procurement"].compute(org, 2014).value == Decimal(100)
    assert registry["knowledge_usage"].compute(org, 2014).value == Decimal(100)
    assert Consultation.objects.filter(organisation=org).count() == 864
    assert Evaluation.objects.filter(organisation=org).count() == 2
    assert Article.objects.filter(organisation=org).count() == 13
    viewer = User.objects.get(username="viewer")
    titles = [a.title for a in article_search(user=viewer, query="仮想化")]
    assert titles[:2] == [
        "サーバ仮想化基盤の更新（平成27年度）に向けた検討メモ",
        "仮想化基盤へのシステム移行手順",
    ]


def test_a_backup_standard_bcps_drills_outages_incidents_and_training(demo):
    org = Organisation.objects.get(code="330001")
    assert BackupStandard.objects.filter(organisation=org).count() == 2
    standard, results = continuity_selectors.backup_compliance(
        organisation=org, on=continuity_selectors.fiscal_year_end(2016)
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
    assert continuity_metrics.bcp_drills(org, 2014).value == Decimal(1)
    assert continuity_metrics.bcp_drills(org, 2016).value == Decimal(1)
    coverage = [continuity_metrics.bcp_plan_coverage(org, fy).value for fy in (2014, 2015, 2016)]
    assert coverage[0] < coverage[1] < coverage[2]
    assert Decimal(99) <= continuity_metrics.fileserver_availability(org, 2014).value < Decimal(100)
    usage = [continuity_metrics.fileserver_usage(org, fy).value for fy in (2014, 2015, 2016)]
    assert usage[0] < usage[1] < usage[2] == Decimal(100)
    incidents = [security_metrics.security_incidents(org, fy).value for fy in (2014, 2015, 2016)]
    assert incidents == [Decimal(2), Decimal(1), Decimal(0)]
    trained = [security_metrics.training_attendees(org, fy).value for fy in (2014, 2015, 2016)]
    assert trained[0] < trained[1] < trained[2]
    assert PhishingDrill.objects.count() == 3
    # Readiness contradictions for the committee to see, and an action still open.
    plan = continuity_selectors.bcp_list().get(system__name="電子申請サービス")
    assert {i.check for i in continuity_selectors.readiness(plan)} == {"rpo", "dependency"}
    assert Drill.objects.get(held_on__year=2016).findings.exclude(status="act").exists()


def test_software_assets_with_a_few_shortfalls_and_a_campaign_under_way(demo):
    org = Organisation.objects.get(code="330001")
    assert 10_000 < Installation.objects.count() < 20_000
    assert Installation.objects.filter(device__unit__code="D04-S04").exists()
    entries = compliance_position(org, as_of=timezone.localdate())
    short = {e.title for e in entries if e.shortfall}
    assert 3 <= len(short) <= 8
    assert "Microsoft Office Standard" in short
    assert Licence.objects.filter(metric="site").count() == 1
    assert licences_expiring(org, today=timezone.localdate()).exists()
    campaign = InventoryCampaign.objects.get(status="open")  # the plan years' are closed
    parts = campaign.confirmations
    assert 0 < parts.filter(status="confirmed").count() < parts.count()
    assert parts.get(unit__code="D04-S04").status == "pending"
    assert SamAudit.objects.get().findings.filter(status="open").count() == 2
