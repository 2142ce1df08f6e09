"""A new user uploads the Excel ledger they already have: a title row above the table and a 合計
row below it. The preview says it read past both, lists the units it will create, and imports."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.styles import Font

from daicho.registry.models import InformationSystem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_xlsx_with_a_title_row_and_a_total_row_previews_both_as_skipped(
    page, live_server, world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "システム一覧"
    sheet.append(["情報システム一覧（令和6年4月1日現在）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:E1")
    sheet.append(["システム名", "所管 部局", "所管課", "運用形態", "年額（千円）"])
    sheet.append(["河川情報システム", "県土整備部", "河川課", "オンプレミス", 1200])
    sheet.append(["道路台帳システム", "県土整備部", "道路整備課", "クラウド", 800])
    sheet.append(["合計", None, None, None, "=SUM(E3:E4)"])
    path = tmp_path / "情報システム一覧.xlsx"
    book.save(path)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "policy")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/imports/new/")
    page.select_option("#id_kind", "systems")
    page.set_input_files("#id_file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#confirm-form")

    skipped = page.locator("#skipped-rows").inner_text()
    assert "1行目は表題として読み飛ばしました" in skipped
    assert "5行目は合計・小計の行として読み飛ばしました" in skipped
    created = page.locator("#created-refs").inner_text()
    assert "新しい組織" in created and "県土整備部" in created and "河川課" in created
    page.screenshot(path="test-results/import-preview-skipped.png", full_page=True)

    page.click("#confirm-form button")
    page.wait_for_selector(".alert-success")
    imported = InformationSystem.objects.filter(owner_unit__department__name="県土整備部")
    assert sorted(imported.values_list("name", "hosting")) == [
        ("河川情報システム", "on_premises"),
        ("道路台帳システム", "cloud"),
    ]
    assert not InformationSystem.objects.filter(name="合計").exists()
