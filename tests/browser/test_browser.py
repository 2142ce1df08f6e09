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

    page.click("text=情報システム")
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
    page.goto(f"{live_server.url}/costs/sheet/?fy=2014&basis=budget&item=itaku")
    cell = page.locator(f"input[name='amt-{world.system_b.pk}-operation']")
    cell.fill("2,500千円")
    page.click("form.sheet button.btn-primary")
    page.wait_for_selector(".alert-success")
    assert (
        page.locator(f"input[name='amt-{world.system_b.pk}-operation']").input_value()
        == "2,500,000"
    )
