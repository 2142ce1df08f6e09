"""A new organisation's first visit: the home page leads to the first-run page, which lists the
order to load files in, and a template downloads from it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-first-run-1"


def test_a_new_ledger_leads_to_the_first_run_page_and_its_templates(page, live_server):
    call_command(
        "init", "--org-name", "倉敷市", "--org-code", "332020", "--admin", "admin",
        "--password", PASSWORD, stdout=io.StringIO(),
    )  # fmt: skip
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    start = page.locator("#first-run-start")
    assert "まずはここから" in start.inner_text()
    start.locator("a.btn").click()
    page.wait_for_url("**/imports/start/")

    rows = page.locator("#first-run tbody tr")
    first = rows.nth(0).inner_text()
    assert "組織" in first and "次に取り込む" in first and "組織一覧" in first
    second = rows.nth(1).inner_text()
    assert "情報システム" in second and "未取り込み" in second
    page.screenshot(path="test-results/first-run.png", full_page=True)

    with page.expect_download() as download:
        rows.nth(1).locator("text=テンプレート（Excel）").click()
    assert download.value.suggested_filename == "template-systems.xlsx"
    with open(download.value.path(), "rb") as fh:
        sheet = load_workbook(fh).worksheets[0]
    assert sheet["B1"].value == "システム名" and sheet["B2"].value == "住民記録システム"

    rows.nth(0).locator("text=アップロード").click()
    page.wait_for_url("**/imports/new/?kind=units")
    assert page.locator("#id_kind").input_value() == "units"
