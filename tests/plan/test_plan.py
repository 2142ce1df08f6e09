"""The plan's indicators computed from a small hand-built ledger, freezing, reports."""

from __future__ import annotations

import datetime
import io
import json
import os
from decimal import Decimal
from unittest import mock

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.plan import report, selectors, services
from daicho.plan.models import Indicator, IndicatorResult, Plan
from daicho.registry.models import CostLine, InformationSystem
from tests.factories import CostLineFactory, SystemFactory


@pytest.fixture
def plan(world):
    with audit_context(actor=None, channel=Channel.CLI):
        text = services.BUILTIN["okayama-2014"].read_text(encoding="utf-8")
        return services.plan_import(organisation=world.org, data=services.plan_data(text))


def row(plan, code, fy):
    return next(r for r in selectors.indicator_rows(plan, fy) if r.indicator.code == code)


@pytest.fixture
def ledger(world):
    """FY2008 base 20,000,000 yen; FY2014 13,000,000 yen (35 % less); 4 systems at FY2014's end,
    one on the cloud; 1 system virtualized in FY2013, 2 in FY2014."""
    CostLine.objects.all().delete()
    item = world.item
    CostLineFactory(system=world.system_a, fiscal_year=2008, amount=15_000_000, item=item)
    CostLineFactory(system=world.system_b, fiscal_year=2008, amount=5_000_000, item=item)
    CostLineFactory(system=world.system_a, fiscal_year=2014, amount=10_000_000, item=item)
    CostLineFactory(system=world.system_b, fiscal_year=2014, amount=3_000_000, item=item)
    CostLineFactory(
        system=world.system_a, fiscal_year=2014, amount=99_000_000, item=item, basis="actual"
    )  # another basis: not counted
    CostLineFactory(
        system=world.system_a, fiscal_year=2014, amount=50_000_000, item=item, category="initial"
    )  # build cost: not counted
    SystemFactory(
        owner_unit=world.section_a, hosting="virtualized", in_service_on=datetime.date(2013, 4, 1)
    )
    SystemFactory(
        owner_unit=world.section_a, hosting="virtualized", in_service_on=datetime.date(2014, 10, 1)
    )
    SystemFactory(
        owner_unit=world.section_a,
        status="retired",
        hosting="cloud",
        in_service_on=datetime.date(2009, 4, 1),
        retired_on=datetime.date(2014, 3, 31),
    )
    # world.system_b is on the cloud; system_a on premises; all in service since 2010.


def test_cost_reduction_against_the_base_year_on_the_budget_basis(world, plan, ledger):
    r = row(plan, "cost_reduction_vs_base", 2014)
    assert r.value == Decimal("35.0")  # (20,000,000 − 13,000,000) / 20,000,000
    assert r.met is True and r.source == "computed"
    assert "13,000千円" in r.detail and "20,000千円" in r.detail


def test_cloud_ratio_counts_systems_in_service_at_the_years_end(world, plan, ledger):
    r = row(plan, "cloud_ratio", 2014)
    assert r.value == Decimal("25.0")  # 1 of 4 (the retired cloud system is not counted)
    assert r.met is True  # ≥ 5 %
    assert "hosting=cloud" in r.records_url


def test_virtualized_systems_increase_over_last_year(world, plan, ledger):
    assert row(plan, "virtualized_systems_increase", 2014).value == Decimal("1")  # 2 − 1
    assert row(plan, "virtualized_systems_increase", 2014).met is False  # target ≥ 3


def test_indicators_without_their_ledger_are_not_available_never_invented(world, plan):
    from daicho.core import metrics

    # Whichever indicator's area is not built (yet): the areas register their metrics as they come.
    missing = (
        Indicator.objects.filter(measure__plan=plan)
        .exclude(metric="")
        .exclude(metric__in=list(metrics.metrics()))
        .values_list("code", flat=True)
        .first()
    )
    if missing is None:
        pytest.skip("every indicator of the plan has its metric")
    r = row(plan, missing, 2014)
    assert r.value is None and r.met is None and r.source == "unavailable"


def test_a_manual_indicator_with_an_increase_target(world, plan):
    indicator = Indicator.objects.get(measure__plan=plan, code="training_attendees")
    indicator.metric = ""
    indicator.save()
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.result_enter(
            indicator=indicator,
            fiscal_year=2013,
            value=Decimal(120),
            evidence="研修実績報告（平成25年度）",
        )
        services.result_enter(
            indicator=indicator,
            fiscal_year=2014,
            value=Decimal(150),
            evidence="研修実績報告（平成26年度）",
        )
        with pytest.raises(ValidationError):
            services.result_enter(
                indicator=indicator, fiscal_year=2015, value=Decimal(1), evidence=" "
            )
    r = row(plan, "training_attendees", 2014)
    assert (r.value, r.previous, r.met, r.source) == (Decimal(150), Decimal(120), True, "manual")
    with audit_context(actor=world.viewer, channel=Channel.WEB), pytest.raises(PermissionDenied):
        services.result_enter(indicator=indicator, fiscal_year=2014, value=Decimal(1), evidence="x")


def test_published_figures_stay_and_the_difference_shows(world, plan, ledger):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.year_publish(plan=plan, fiscal_year=2014)
    assert IndicatorResult.objects.filter(fiscal_year=2014, published=True).count() == 17
    assert AuditEvent.objects.filter(content_type__model="indicatorresult").count() == 17
    CostLine.objects.filter(system=world.system_b, fiscal_year=2014).update(amount=7_000_000)
    r = row(plan, "cost_reduction_vs_base", 2014)
    assert r.value == Decimal("35.0") and r.source == "published"
    assert r.live == Decimal("15.0") and r.changed_since_published


def test_the_plan_file_round_trips(world, plan):
    exported = services.plan_export(plan=plan)
    with audit_context(actor=None, channel=Channel.CLI):
        again = services.plan_import(organisation=world.org, data=services.plan_data(exported))
    assert services.plan_export(plan=again) == exported
    data = yaml.safe_load(exported)
    codes = [i["code"] for m in data["measures"] for i in m["indicators"]]
    assert len(codes) == 17 and "municipal_co_use" in codes
    assert data["base_year"] == 2008 and data["period"] == {"start": 2014, "end": 2016}


def test_a_broken_plan_file_is_refused_clearly(world):
    with pytest.raises(ValidationError):
        services.plan_data("code: [unclosed")
    with pytest.raises(ValidationError):
        services.plan_data("title: no code")


def test_kpi_json_lists_every_indicator(world, plan, ledger, capsys):
    from daicho.cli import main

    with mock.patch("django.core.management.base.connections.close_all"):
        main(["daicho", "kpi", "--fy", "2014", "--json", "--org", "330001"])
    data = json.loads(capsys.readouterr().out)
    entry = next(d for d in data if d["code"] == "cost_reduction_vs_base")
    assert entry == {**entry, "actual": 35, "target": 30, "met": True, "unit": "%"}
    assert {"code", "name", "unit", "actual", "target", "met", "previous"} <= set(entry)
    assert len([d for d in data if d["measure"]]) == 17


def test_the_annual_xlsx_carries_the_database_figures(world, plan, ledger):
    book = load_workbook(io.BytesIO(report.xlsx(plan, 2014)))
    assert book.sheetnames == ["概要", "指標", "経費（部局別）"]
    costs = {r[0]: r[1:] for r in book["経費（部局別）"].iter_rows(min_row=2, values_only=True)}
    assert costs["総務部"][:3] == (15_000, 10_000, -5_000)
    assert costs["合計"][0] == 20_000 and costs["合計"][1] == 13_000
    assert round(costs["合計"][3], 3) == 0.35
    indicators = {r[2]: r for r in book["指標"].iter_rows(min_row=2, values_only=True)}
    assert indicators["情報システム経常経費の削減率（平成20年度比）"][4] == 35.0


def test_the_annual_html_reads_in_japanese(world, plan, ledger):
    text = report.html(plan, 2014)
    assert "2014年度（平成26年度） 取組状況報告" in text and "13,000" in text and "35.0%" in text


@pytest.mark.browser
def test_the_annual_pdf_opens(world, plan, ledger, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("chromium") or not shutil.which("pdftotext"):
        if os.environ.get("DAICHO_REQUIRE_BROWSER"):
            pytest.fail("chromium and poppler-utils are required here")
        pytest.skip("needs chromium and poppler-utils")
    path = tmp_path / "r.pdf"
    path.write_bytes(report.pdf(plan, 2014))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "取組状況報告" in text and "13,000" in text


def test_dashboard_pages_follow_the_matrix(client, world, plan):
    url = reverse("plan:dashboard") + "?fy=2014"
    assert client.get(url).status_code == 302
    for role in ("viewer", "owner_a", "auditor", "policy"):
        client.force_login(world.user(role))
        assert client.get(url).status_code == 200
        assert client.get(reverse("plan:report", args=["xlsx"]) + "?fy=2014").status_code == 200
    client.force_login(world.outsider)  # another organisation: has no plan
    assert "岡山県情報システム最適化計画" not in client.get(url).content.decode()
    client.force_login(world.viewer)
    response = client.post(reverse("plan:publish"), {"fy": 2014})
    assert response.status_code == 403
    assert not IndicatorResult.objects.exists()
    client.force_login(world.policy)
    client.post(reverse("plan:publish"), {"fy": 2014})
    assert IndicatorResult.objects.filter(published=True).count() == 17
    assert Plan.objects.count() == 1 and InformationSystem.objects.exists()


def test_the_dashboard_and_the_report_show_each_areas_summary(client, world, plan):
    import datetime
    import io

    from openpyxl import load_workbook

    from daicho.infra import services as infra_services
    from daicho.plan import report
    from daicho.sam import services as sam_services

    with audit_context(actor=world.policy, channel=Channel.WEB):
        infra_services.server_create(
            organisation=world.org,
            name="SV-TAX",
            kind="physical",
            system=world.system_a,
            os="Windows Server 2003 R2",
            in_service_on=datetime.date(2006, 4, 1),
        )
        sam_services.device_create(
            organisation=world.org,
            name="PC-XP",
            unit=world.section_a,
            os="Windows XP Professional",
            purchased_on=datetime.date(2008, 4, 1),
        )
    client.force_login(world.viewer)
    page = client.get(reverse("plan:dashboard"), {"fy": 2014}).content.decode()
    assert 'id="risk-summaries"' in page
    assert "サーバ集約・仮想化・クラウドの状況（各年度末）" in page
    assert "サポート終了リスク（年度末）" in page
    book = load_workbook(io.BytesIO(report.xlsx(plan, 2014)))
    sheet = book["6.サポート終了リスク（年度末）"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    # On 31 March 2015 Windows XP is past its end of support; Server 2003 ends within 12 months.
    assert ["機器", 1, 0] in cells and ["物理サーバ", 0, 1] in cells
    assert "サポート終了リスク（年度末）" in report.html(plan, 2014)
