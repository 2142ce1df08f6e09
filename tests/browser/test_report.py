"""The committee's report downloaded from the web as a person would: a real PDF, read back."""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_annual_report_pdf_downloads_from_the_dashboard(page, live_server, world, tmp_path):
    from daicho.core.audit import Channel, audit_context
    from daicho.plan import services
    from daicho.plan.models import Indicator

    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils")
    with audit_context(actor=None, channel=Channel.CLI):
        text = services.BUILTIN["okayama-2014"].read_text(encoding="utf-8")
        plan = services.plan_import(organisation=world.org, data=services.plan_data(text))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "policy")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # The IT policy division writes the words of one indicator for FY2014.
    page.goto(f"{live_server.url}/plan/?fy=2014")
    page.click("a[href*='/plan/narratives/']")
    cloud = Indicator.objects.get(measure__plan=plan, code="cloud_ratio")
    page.fill(f"#n{cloud.pk}-activities", "クラウド利用の指針を改定し、所管課へ周知した。")
    page.fill(f"#n{cloud.pk}-next_policy", "更新時期を迎えるシステムから移行を検討する。")
    page.click("#narratives button")
    page.wait_for_selector(".alert")
    assert "1件の評価指標の記述を保存しました。" in page.content()
    history = page.locator(".timeline").inner_text()  # who wrote it, on the same page
    assert f"{cloud.name}（2014年度）" in history
    page.screenshot(path="test-results/annual-report-words.png", full_page=False)

    # The web report links its PDF; the download is a PDF with the figures and the words.
    page.goto(f"{live_server.url}/plan/report.html?fy=2014")
    page.screenshot(path="test-results/annual-report-web.png", full_page=False)
    page.click("#report-pdf")  # the page that has the job worker print it
    page.click("form button.btn-primary")
    page.wait_for_selector("#report-job a[download]")
    with page.expect_download() as download:
        page.click("#report-job a[download]")
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2014年度（平成26年度）" in text and "取組状況報告" in text
    assert "速報値（未公表）" in text  # FY2014 is not published in this test
    flat = "".join(text.split())
    assert "クラウド利用の指針を改定し、所管課へ周知した。" in flat
    assert "更新時期を迎えるシステムから移行を検討する。" in flat
    assert "目次" in flat and "取組ごとの状況" in flat
