"""A person at a browser: logs in, filters the list, opens a system and reads its costs."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_filter_open_a_system_and_see_its_costs_in_japanese(page, live_server, world):
    page.goto(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "台帳にログイン"  # Japanese although en-US browser
    page.fill("#id_username", "policy")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "部局別の情報システム数" in page.content()

    page.click('#nav >> text="台帳"')  # the ledger menu
    page.click('#nav .dropdown-menu >> text="情報システム"')
    page.select_option("#id_department", "D01")
    page.click("text=絞り込み")
    page.wait_for_url("**/systems/?*department=D01*")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "税務システム" in rows.first.inner_text()
    assert "公共施設予約システム" not in page.content()

    page.click("text=税務システム")
    costs = page.locator("#costs")
    costs.wait_for()
    text = costs.inner_text()
    assert "年度別の経費" in text
    assert "2014年度（平成26年度）" in text
    assert "10,500" in text and "△1,500" in text
    page.screenshot(path="test-results/system-detail.png", full_page=True)


def test_the_cost_sheet_saves_a_typed_amount(page, live_server, world):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "policy")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/costs/sheet/?fy=2014&basis=budget&category=operation")
    cell = page.locator(f"input[name='amt-{world.system_b.pk}-{world.item.pk}']")
    cell.fill("2,500千円")
    page.click("form.sheet button.btn-primary")
    page.wait_for_selector(".alert-success")
    assert (
        page.locator(f"input[name='amt-{world.system_b.pk}-{world.item.pk}']").input_value()
        == "2,500,000"
    )


def test_upload_a_file_with_a_bad_row_fix_it_and_import(
    page, live_server, world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    bad = tmp_path / "システム一覧.csv"
    good = tmp_path / "システム一覧（修正）.csv"
    header = "システムID,システム名,所管部局,所管課,稼働開始日,稼働環境\n"
    first = "S0100,河川情報システム,県民生活部,くらし安全安心課,H20.4.1,クラウド\n"
    second = "S0101,道路台帳システム,県民生活部,くらし安全安心課,{},クラウド\n"
    for path, date in ((bad, "平成99年13月45日"), (good, "平成21年3月1日")):
        text = header + first + second.format(date)
        path.write_bytes(text.replace("\n", "\r\n").encode("cp932"))  # as Excel saves it
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "policy")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/imports/new/")
    page.select_option("#id_kind", "systems")
    page.set_input_files("#id_file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("table.table-sm tr.table-danger")
    problem = page.locator("tr.table-danger").first.inner_text()
    assert "3" in problem and "平成99年13月45日" in problem
    assert page.locator("#confirm-form").count() == 0  # cannot confirm with a bad row

    page.click("a.alert-link[href*='/imports/new/']")  # “upload a corrected file”
    page.wait_for_selector("#id_file")
    page.set_input_files("#id_file", str(good))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-form button")
    page.wait_for_selector(".alert-success")
    page.goto(f"{live_server.url}/systems/?q=河川")
    assert "河川情報システム" in page.locator("table tbody").inner_text()


def test_the_dashboard_leads_from_an_indicator_to_its_records(page, live_server, world):
    from daicho.core.audit import Channel, audit_context
    from daicho.plan import services

    with audit_context(actor=None, channel=Channel.CLI):
        text = services.BUILTIN["okayama-2014"].read_text(encoding="utf-8")
        services.plan_import(organisation=world.org, data=services.plan_data(text))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/plan/?fy=2014")
    cloud = page.locator("tr[data-indicator='cloud_ratio']")
    assert "50%" in cloud.inner_text()  # one of the two systems of the organisation
    page.screenshot(path="test-results/dashboard.png", full_page=True)
    cloud.locator("a.records").click()  # the systems counted for FY2014, as of its end
    page.wait_for_url("**/plan/indicators/*/records/?fy=2014")
    rows = page.locator("#counted-records tbody tr")
    assert rows.count() == 1 and "公共施設予約システム" in rows.first.inner_text()
