"""A system picked by typing part of its name: the consultation form with the search box."""

from __future__ import annotations

import pytest

from daicho.governance.models import Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_typing_part_of_a_name_picks_the_system(page, live_server, world):
    _login(page, live_server, "policy")
    page.goto(f"{live_server.url}/governance/consultations/new/")
    search = page.locator("[data-picker]:has(#id_system) [data-picker-search]")
    search.fill("施設予約")
    match = page.locator("#id_system_matches [data-picker-value]")
    match.first.wait_for()
    assert match.count() == 1
    assert match.first.inner_text() == "S0002 公共施設予約システム"
    match.first.click()
    assert page.locator("#id_system").input_value() == str(world.system_b.pk)
    assert page.locator("#id_system_matches [data-picker-value]").count() == 0

    unit_search = page.locator("[data-picker]:has(#id_unit) [data-picker-search]")
    unit_search.fill("くらし")
    page.locator("#id_unit_matches [data-picker-value]").first.click()
    assert page.locator("#id_unit").input_value() == str(world.section_b.pk)

    page.fill("#id_consulted_on", "2015-06-01")
    page.select_option("#id_topic", "procurement")
    page.select_option("#id_channel", "meeting")
    page.fill("#id_subject", "更新の相談")
    page.click("form button[type=submit]")
    page.wait_for_selector(".alert-success")
    consultation = Consultation.objects.get()
    assert (consultation.system, consultation.unit) == (world.system_b, world.section_b)


def test_each_pick_adds_a_system_to_an_articles_list(page, live_server, world):
    _login(page, live_server, "policy")
    page.goto(f"{live_server.url}/knowledge/new/")
    search = page.locator("[data-picker]:has(#id_systems) [data-picker-search]")
    for words in ("税務", "施設"):
        search.fill(words)
        match = page.locator("#id_systems_matches [data-picker-value]")
        match.first.wait_for()
        match.first.click()
    chosen = page.locator("#id_systems").evaluate(
        "s => Array.from(s.selectedOptions).map(o => o.textContent)"
    )
    assert chosen == ["S0001 税務システム", "S0002 公共施設予約システム"]
    search.fill("施設")
    page.locator("#id_systems_matches [data-picker-value]").first.wait_for()
    page.screenshot(path="/tmp/hforms1-picker.png")
