"""The annual report as the committee reads it: frozen figures, 速報値, no later year, the words."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.plan import report, services
from daicho.plan.models import Indicator, IndicatorNarrative, IndicatorResult, PublishedReport
from daicho.registry.models import CostLine
from tests.factories import CostLineFactory
from tests.plan.test_plan import ledger, plan  # noqa: F401 (fixtures)

WORDS = {
    "activities": "全庁の経常経費を所管課と精査し、保守契約の見直しを進めた。",
    "evaluation": "削減率は目標の30%を上回った。",
    "next_policy": "次年度は共通基盤への移行を進め、さらに削減する。",
}


def cells(book) -> list[str]:
    return [
        str(c.value)
        for sheet in book
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    ]


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def needs_pdf_tools():
    if not shutil.which("chromium") or not shutil.which("pdftotext"):
        pytest.skip("needs chromium and poppler-utils")


@pytest.fixture
def later_years(world, ledger):  # noqa: F811
    """Costs after FY2014 with amounts found nowhere else: a FY2014 report must not show them."""
    CostLineFactory(system=world.system_a, fiscal_year=2015, amount=7_777_000, item=world.item)
    CostLineFactory(system=world.system_a, fiscal_year=2016, amount=6_666_000, item=world.item)


def publish(world, plan, fy):  # noqa: F811
    with audit_context(actor=world.policy, channel=Channel.WEB):
        return services.year_publish(plan=plan, fiscal_year=fy)


def write_words(world, plan, fy, code="cost_reduction_vs_base"):  # noqa: F811
    indicator = Indicator.objects.get(measure__plan=plan, code=code)
    with audit_context(actor=world.policy, channel=Channel.WEB):
        return services.narrative_save(indicator=indicator, fiscal_year=fy, **WORDS)


def test_the_published_report_prints_the_frozen_figures_after_the_ledger_changed(
    world,
    plan,  # noqa: F811
    ledger,  # noqa: F811
):
    publish(world, plan, 2014)
    frozen = IndicatorResult.objects.get(
        indicator__code="cost_reduction_vs_base", fiscal_year=2014, published=True
    )
    assert frozen.value == 35
    # After publication the ledger changes: 13,000千円 becomes 17,000千円 (a 15 % reduction).
    CostLine.objects.filter(system=world.system_b, fiscal_year=2014).update(amount=7_000_000)

    d = report.data(plan, 2014)
    row = next(p for p in d["progress"] if p["code"] == "cost_reduction_vs_base")
    assert row["actual"] == frozen.value and row["actual_text"] == "35%"
    assert d["cost_total"]["year"] == 13_000_000  # the cost table froze with the indicator
    assert d["published"] and d["status_text"] == "公表済みの数値です。"

    text = report.html(plan, 2014)
    assert "公表済みの数値です。" in text and "速報値" not in text
    assert "13,000" in text and "17,000" not in text
    book = load_workbook(io.BytesIO(report.xlsx(plan, 2014)))
    indicators = {r[2]: r for r in book["指標"].iter_rows(min_row=2, values_only=True)}
    assert indicators["情報システム経常経費の削減率（平成20年度比）"][4] == 35.0
    totals = {r[0]: r for r in book["経費（部局別）"].iter_rows(min_row=2, values_only=True)}
    assert totals["合計"][2] == 13_000


def test_an_unpublished_year_is_marked_preliminary_everywhere(
    world,
    plan,  # noqa: F811
    ledger,  # noqa: F811
):
    assert not PublishedReport.objects.exists()
    text = report.html(plan, 2014)
    assert "速報値（未公表）" in text and "実績（速報値）" in text
    assert "未公表の速報値です" in text
    assert "公表済みの数値です" not in text
    book = load_workbook(io.BytesIO(report.xlsx(plan, 2014)))
    summary = [r for r in book["概要"].iter_rows(values_only=True)]
    assert summary[1][0] == "2014年度（平成26年度） 取組状況報告（速報値）"
    assert ("数値の状態", "未公表の速報値です（公表時に確定します）。") in [r[:2] for r in summary]
    assert book["指標"]["E1"].value == "実績（速報値）"
    assert not any("公表済みの数値です" in c for c in cells(book))


def test_no_later_year_appears_in_any_table_or_chart(
    world,
    plan,  # noqa: F811
    later_years,
):
    for fy in (2014,):
        d = report.data(plan, fy)
        assert [c["fy"] for c in d["chart"]] == list(range(2008, 2015))
        text = report.html(plan, fy)
        book = load_workbook(io.BytesIO(report.xlsx(plan, fy)))
        everything = text + "\n".join(cells(book))
        for later in ("2015年度", "平成27年度", "2016年度", "平成28年度", "7,777", "6,666"):
            assert later not in everything, later
    publish(world, plan, 2014)
    assert [c["fy"] for c in report.data(plan, 2014)["chart"]][-1] == 2014


def test_the_words_appear_in_the_html_and_the_xlsx_and_are_audited(
    world,
    plan,  # noqa: F811
    ledger,  # noqa: F811
):
    narrative = write_words(world, plan, 2014)
    assert AuditEvent.objects.filter(
        content_type__model="indicatornarrative", object_id=str(narrative.pk), action="create"
    ).exists()
    assert write_words(world, plan, 2014) is None  # the same words again: nothing written
    assert AuditEvent.objects.filter(content_type__model="indicatornarrative").count() == 1
    text = report.html(plan, 2014)
    for words in WORDS.values():
        assert words in text
    assert "（未記入）" in text  # the other indicators have no words yet
    book = load_workbook(io.BytesIO(report.xlsx(plan, 2014)))
    sheet = book["指標"]
    assert [c.value for c in sheet[1]][8:11] == ["取組内容", "評価", "次年度の方針"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[2].startswith("情報"))
    assert row[8:11] == (WORDS["activities"], WORDS["evaluation"], WORDS["next_policy"])
    # Written for FY2014: not in FY2015's report.
    assert WORDS["evaluation"] not in report.html(plan, 2015)


def test_only_the_it_policy_division_writes_the_words(world, plan):  # noqa: F811
    indicator = Indicator.objects.get(measure__plan=plan, code="cloud_ratio")
    for role in ("viewer", "owner_a", "auditor"):
        with (
            audit_context(actor=world.user(role), channel=Channel.WEB),
            pytest.raises(PermissionDenied),
        ):
            services.narrative_save(indicator=indicator, fiscal_year=2014, **WORDS)
    assert not IndicatorNarrative.objects.exists()


def test_the_words_page_saves_and_shows_who_changed_what(client, world, plan):  # noqa: F811
    url = reverse("plan:narratives") + "?fy=2014"
    indicator = Indicator.objects.get(measure__plan=plan, code="cloud_ratio")
    client.force_login(world.viewer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"fy": 2014, f"n{indicator.pk}-evaluation": "x"}).status_code == 403
    client.force_login(world.policy)
    page = client.get(url).content.decode()
    assert "取組状況報告の記述" in page and f'name="n{indicator.pk}-activities"' in page
    response = client.post(
        url,
        {
            "fy": 2014,
            f"n{indicator.pk}-activities": "クラウド利用の指針を改定した。",
            f"n{indicator.pk}-evaluation": "",
            f"n{indicator.pk}-next_policy": "",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1件の評価指標の記述を保存しました。" in page
    assert "クラウド利用の指針を改定した。" in page  # in the form, and in the history
    assert "policy" in page or world.policy.get_full_name() in page
    narrative = IndicatorNarrative.objects.get(indicator=indicator, fiscal_year=2014)
    assert narrative.activities == "クラウド利用の指針を改定した。"
    response = client.post(url, {"fy": 2014}, follow=True)
    assert "変更はありません。" in response.content.decode()
    assert (
        "クラウド利用の指針を改定した。"
        in client.get(reverse("plan:report", args=["html"]) + "?fy=2014").content.decode()
    )


def test_a_published_report_reads_its_frozen_figures_in_few_queries(
    world,
    plan,  # noqa: F811
    ledger,  # noqa: F811
    django_assert_max_num_queries,
):
    publish(world, plan, 2014)
    with django_assert_max_num_queries(6):  # the frozen figures, the words, the plan's owner
        report.data(plan, 2014)


@pytest.mark.django_db(transaction=True)
def test_the_pdf_link_returns_a_pdf_with_the_words(
    client,
    world,
    plan,  # noqa: F811
    ledger,  # noqa: F811
    tmp_path,
    settings,
):
    """The report's PDF link opens the page that has the job worker print it; the file it
    offers is a real PDF with the year's words."""
    from daicho.core.models import Job

    needs_pdf_tools()
    settings.MEDIA_ROOT = tmp_path / "media"
    write_words(world, plan, 2014)
    client.force_login(world.viewer)
    page = client.get(reverse("plan:report", args=["html"]) + "?fy=2014").content.decode()
    pdf_url = reverse("plan:report", args=["pdf"]) + "?plan=okayama-2014&amp;fy=2014"
    assert f'href="{pdf_url}"' in page
    assert client.get(pdf_url.replace("&amp;", "&")).status_code == 200
    started = client.post(reverse("plan:report", args=["pdf"]), {"fy": "2014"})
    job = Job.objects.get()
    assert started.url == reverse("plan:report_job", args=[job.token])
    response = client.get(reverse("plan:report_file", args=[job.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    assert "2014年度（平成26年度）" in text and "取組状況報告" in text
    assert "目次" in text and "取組ごとの状況" in text
    assert "速報値（未公表）" in text  # FY2014 is not published here
    flat = "".join(text.split())
    for words in WORDS.values():
        assert "".join(words.split()) in flat
    assert client.get(reverse("plan:report", args=["doc"]) + "?fy=2014").status_code == 404


def test_the_command_line_writes_the_pdf_and_a_second_web_pdf_reuses_chromium(
    world,
    plan,  # noqa: F811
    ledger,  # noqa: F811
    tmp_path,
):
    from unittest import mock

    from daicho.cli import main
    from daicho.plan import printing

    needs_pdf_tools()
    write_words(world, plan, 2014)
    target = tmp_path / "annual.pdf"
    with mock.patch("django.core.management.base.connections.close_all"):
        main(["daicho", "report", "annual", "--fy", "2014", "-o", str(target), "--org", "330001"])
    flat = "".join(pdf_text(target.read_bytes(), tmp_path).split())
    assert "取組状況報告" in flat and "".join(WORDS["evaluation"].split()) in flat
    assert printing._idle is None  # a one-off command leaves no Chromium behind

    first = report.pdf(plan, 2014)
    warm = printing._idle
    assert warm is not None  # kept for the next PDF …
    second = report.pdf(plan, 2014)
    assert printing._idle is warm and warm.prints == 2  # … which it printed
    assert "13,000" in pdf_text(first, tmp_path) and "13,000" in pdf_text(second, tmp_path)
    printing._shut_down()
