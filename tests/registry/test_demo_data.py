"""The demo (`daicho demo`) against the seed plan, okayama-it-optimization-plan-2014.txt (#16.9).

The plan was written in March 2014 (平成26年3月): it reports the state at the end of FY2013 and sets
targets for FY2014–FY2016 (2.4 取組期間). The demo's figure for each of its indicators, per fiscal
year, follows from it so:

* 1.2 経常経費の削減率 (target ≥ 30 % against FY2008): "平成26年度当初予算においては、目標をおおむね
  達成" — about 30 % in FY2014 (29.7 %: 2,380,600千円 against 3,387,700千円), short of it before
  (FY2013 25.1 %), and held there afterwards (29.2 %, 29.5 %: budgets drift by 1–2 %).
* 3.1.1 ICT-BCP drills (≥ 1 a year): the ICT-BCP was made in March 2014, so none in FY2013 and one
  in each plan year. Systems with their own ICT-BCP ("策定", more each year): 0, 8, 18, 24 of 192
  (0 %, 4.2 %, 9.4 %, 12.5 %).
* 3.1.2 backups meeting the standard (100 %): the standard is made in FY2014 (no figure before);
  180, 186 of 192, then 183 under its stricter 第2版 (another region) in FY2016 — short of 100 %,
  as 「小規模システムを中心にバックアップの取得が徹底されていない」 leads one to expect.
* 3.1.3 情報セキュリティ事故 (0): 2 and 1 in FY2014–15, none in FY2016.
* 3.2.1 仮想デスクトップ (対前年増): 「当面、情報政策課での試験導入」 — none in FY2013, a 40-seat
  trial in FY2014, then 120 and 260.
* 3.2.2 クラウド利用割合 (≥ 5 %, 現状 1.5 %): the plan counts 庁内情報システム, every system of
  its ledger (2.3: 202 in March 2014) whatever its phase — its 1.5 % is 3 of 202. The demo's ledger
  of March 2014 holds 196 systems that are not retired (192 in operation, 2 being planned, 2 being
  built; its 202 rows include six retired in FY2010–12): the three cloud systems of March 2014
  (電子申請サービス, 全県統合型GIS, 防災情報メール配信) are 3 of 196 (1.5 %), then SaaS each year:
  4, 6 and 10 of 196 (2.0 %, 3.1 %, 5.1 %: the target reached).
* 3.3.2 仮想化サーバ利用システム数 (年間3システム増): 「74システム」 run on the platform in March
  2014 (74 − 47 = 27 more than a year before), then 4 a year: 78, 82, 86.
* 3.3.3 共有ファイルサーバ: 可用性 ≥ 99 % every year (100, 99.79, 99.94, 99.99 %); 利用率 100 % as
  the use spreads to the branch offices (35, 35, 40, 45 of 45 units: 77.8, 77.8, 88.9, 100 %).
* 3.3.5 共同利用市町村数 (27): 20, 20, 24, 27.
* 3.4.1 支援件数 (延べ200件/年間): 186 in FY2013, then 214, 228, 236; 経費削減件数 (対前年増): 11,
  14, 17, 19.
* 3.4.2 グリーン調達 (100 %): every purchase through the contract gate is green (one or two a year).
* 3.5.1 研修受講人数 (対前年増): the training programme starts in FY2014: 0, 95, 139, 180.
* 3.5.2 ナレッジの活用率 (100 %): each of the division's three staff reads the knowledge base
  every year.
* 1.3 (1) and 3.3.2, consolidation: physical machines (servers and the 14 platform hosts) fall
  every year, 66, 62, 58, 54 — servers are renewed one for one, and the four systems moving to the
  platform each year leave theirs.
* 3.3.4 各所属の棚卸実施率 (100 %): SAM has run since FY2013 (「平成25年度から運用」) but the plan
  gives no figure before it, so FY2013 has no campaign; the 51 units in scope (45 sections and six
  出先機関) finish as the use spreads to the branch offices: 43, 48 and 51 of 51 (84.3 %, 94.1 %,
  100 %), each campaign finalised with every device of a finished unit decided.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from daicho.core import metrics as core_metrics
from daicho.core.models import Organisation, User
from daicho.core.permissions import scope_of
from daicho.core.units import unit_rows
from daicho.infra.models import CloudService
from daicho.infra.selectors import physical_servers_on, platform_systems_on
from daicho.registry import demo_data
from daicho.registry.models import Contract, InformationSystem

YEARS = (2013, 2014, 2015, 2016)

# Indicator: its figure at the end of FY2013, FY2014, FY2015 and FY2016 (None: no figure).
EXPECTED = {
    "cost_reduction_vs_base": ("25.1", "29.7", "29.2", "29.5"),
    "bcp_drills": ("0", "1", "1", "1"),
    "bcp_plan_coverage": ("0", "4.2", "9.4", "12.5"),
    "backup_compliance": (None, "93.8", "96.9", "95.3"),
    "security_incidents": ("0", "2", "1", "0"),
    "vdi_seats": (None, "40", "120", "260"),
    "cloud_ratio": ("1.5", "2.0", "3.1", "5.1"),
    "virtualized_systems_increase": ("27", "4", "4", "4"),
    "fileserver_availability": ("100", "99.79", "99.94", "99.99"),
    "fileserver_usage": ("77.8", "77.8", "88.9", "100"),
    "sam_inventory_rate": (None, "84.3", "94.1", "100"),
    "municipal_co_use": ("20", "20", "24", "27"),
    "support_cases": ("186", "214", "228", "236"),
    "cost_saving_cases": ("11", "14", "17", "19"),
    "green_procurement": ("100", "100", "100", "100"),
    "training_attendees": ("0", "95", "139", "180"),
    "knowledge_usage": ("100", "100", "100", "100"),
    "physical_servers": ("66", "62", "58", "54"),
}


@pytest.fixture(scope="module")
def org(django_db_setup, django_db_blocker):
    """The demo organisation, loaded once for this module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--no-migrate", stdout=io.StringIO())
        yield Organisation.objects.get(code="330001")
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def _figure(code: str, org: Organisation, fiscal_year: int) -> Decimal | None:
    return core_metrics.metrics()[code].compute(org, fiscal_year).value


@pytest.mark.parametrize("code", list(EXPECTED))
def test_each_indicator_per_year_is_the_figure_the_plan_gives(org, code):
    found = [_figure(code, org, fy) for fy in YEARS]
    expected = [None if v is None else Decimal(v) for v in EXPECTED[code]]
    assert dict(zip(YEARS, found, strict=True)) == dict(zip(YEARS, expected, strict=True))


def test_targets_of_the_plan_years_are_met_where_the_story_says(org):
    # FY2016 has its consultations (支援件数 ≥ 200) and the cloud target is reached.
    assert _figure("support_cases", org, 2016) >= 200
    assert _figure("cloud_ratio", org, 2016) >= 5
    for fy in (2014, 2015, 2016):
        assert _figure("virtualized_systems_increase", org, fy) >= 3
        assert _figure("cost_saving_cases", org, fy) > _figure("cost_saving_cases", org, fy - 1)


def test_consolidation_the_platform_holds_74_systems_in_march_2014_and_servers_fall(org):
    def on(fy):
        return f"{fy + 1}-03-31"

    assert platform_systems_on(org, on(2013)).count() == 74  # 3.3.2 「74システム」
    counts = [physical_servers_on(org, on(fy)).count() for fy in (2012, *YEARS)]
    assert counts == sorted(counts, reverse=True) and len(set(counts)) == len(counts), counts
    hosts = physical_servers_on(org, on(2013)).filter(kind="host").count()
    assert hosts == 14  # 1.3 (1): 「仮想化サーバ14台に集約」


def test_no_contract_is_recorded_twice_under_another_vendor(org):
    by_work: dict[tuple, list[Contract]] = {}
    for contract in Contract.objects.filter(organisation=org).prefetch_related("systems"):
        systems = tuple(sorted(s.code for s in contract.systems.all()))
        by_work.setdefault((systems, contract.kind), []).append(contract)
    for contracts in by_work.values():
        contracts.sort(key=lambda c: c.start_on)
        for first, then in zip(contracts, contracts[1:], strict=False):
            assert then.start_on > first.end_on, f"{then.code} repeats {first.code}"
    development = {
        c.code: c.vendor.name
        for c in Contract.objects.filter(systems__code__in=["S0005", "S0012"], kind="development")
    }
    assert development == {
        "C2013-302": "西日本システムサービス株式会社",
        "C2014-101": "日本行政情報システム株式会社",
    }


def test_each_saas_serves_the_system_whose_work_it_does(org):
    served = {
        service.name: [s.name for s in service.systems.all()]
        for service in CloudService.objects.filter(organisation=org, started_on__year__gte=2014)
    }
    assert served["グループウェア（SaaS）"] == ["市町村行政情報共有システム"]
    assert served["会議録検索サービス"] == ["県議会会議録検索システム"]
    assert served["オンライン研修サービス"] == ["教職員研修管理システム"]
    radiation = InformationSystem.objects.get(organisation=org, name="環境放射線等監視システム")
    assert not CloudService.objects.filter(systems=radiation).exists()


def test_departments_are_offered_in_the_seeds_order(org):
    user = User.objects.get(username="policy")
    departments = [u.name for u in unit_rows(scope_of(user)) if u.parent_id is None]
    assert departments == [d["name"] for d in demo_data.DEPARTMENTS]
    assert departments[1] == "県民生活部"


def test_the_fy2013_cloud_share_is_the_plans_3_of_the_ledgers_systems(org):
    measured = core_metrics.metrics()["cloud_ratio"].compute(org, 2013)
    assert (measured.value, measured.detail) == (Decimal("1.5"), "3 / 196")


def test_each_plan_years_inventory_is_finalised_with_every_device_decided(org):
    from daicho.sam.models import CampaignStatus, InventoryCampaign
    from daicho.sam.services import confirmation_devices

    campaigns = InventoryCampaign.objects.filter(organisation=org, fiscal_year__lte=2016)
    assert [
        (c.fiscal_year, c.status, c.opened_on.isoformat(), c.closed_on.isoformat())
        for c in campaigns.order_by("fiscal_year")
    ] == [
        (2014, CampaignStatus.CLOSED, "2014-10-01", "2015-01-30"),
        (2015, CampaignStatus.CLOSED, "2015-10-01", "2016-01-29"),
        (2016, CampaignStatus.CLOSED, "2016-10-03", "2017-01-31"),
    ]
    for campaign in campaigns:
        unfinished = []
        for part in campaign.confirmations.select_related("unit", "confirmed_by"):
            checks = part.checks.all()
            if part.status != "confirmed":
                unfinished.append(part.unit.name)
                continue
            # every device in use while the campaign ran, decided by someone on a day of it
            assert checks.count() == confirmation_devices(part).count() > 0, part.unit.name
            assert not checks.filter(checked_by__isnull=True).exists()
            assert campaign.opened_on <= part.completed_on <= campaign.closed_on
            days = {c.checked_at.date() for c in checks}
            assert campaign.opened_on <= min(days) and max(days) <= part.completed_on
            assert part.confirmed_by is not None
            assert bool(part.note) == checks.filter(result="missing").exists()
        assert len(unfinished) == {2014: 8, 2015: 3, 2016: 0}[campaign.fiscal_year]
        methods = set(
            campaign.confirmations.values_list("checks__method", flat=True).exclude(
                checks__method=None
            )
        )
        assert methods == {"bulk", "checked"}
