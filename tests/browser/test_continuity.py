"""A system owner records a restore test and sees the system become compliant; the IT policy
division sees the list of non-compliant systems shrink."""

from __future__ import annotations

import datetime

import pytest

from daicho.continuity import services
from daicho.core import wareki
from daicho.core.audit import Channel, audit_context
from daicho.registry.models import InformationSystem
from tests.continuity.conftest import make_standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _failing(page, live_server) -> tuple[str, list[str]]:
    page.goto(f"{live_server.url}/continuity/backups/")
    count = page.locator("#failing-count").inner_text()
    return count, page.locator("tr.failing").evaluate_all("rows => rows.map(r => r.dataset.system)")


def test_an_owner_records_a_restore_test_and_the_failing_list_shrinks(page, live_server, world):
    InformationSystem.objects.filter(pk=world.system_a.pk).update(
        confidentiality="2", integrity="2", availability="2"
    )
    InformationSystem.objects.filter(pk=world.system_b.pk).update(
        confidentiality="1", integrity="1", availability="1"
    )
    with audit_context(actor=None, channel=Channel.CLI):
        scheme = services.scheme_install(organisation=world.org, code="soumu")
        make_standard(world, scheme)
        services.backup_config_save(
            system=world.system_a, frequency="daily", generations=14, copy_location="off_site"
        )
        services.backup_config_save(
            system=world.system_b, frequency="weekly", generations=2, copy_location="same_building"
        )

    _log_in(page, live_server, "policy")
    count, systems = _failing(page, live_server)
    assert count == "2" and systems == ["S0001", "S0002"]
    assert (
        "成功したリストアテストの記録がありません"
        in page.locator("tr[data-system=S0001]").inner_text()
    )

    _log_in(page, live_server, "owner_a")
    page.goto(f"{live_server.url}/systems/{world.system_a.pk}/")
    page.locator("#continuity").get_by_role("link", name="バックアップ").click()
    assert "基準に不適合" in page.locator("#compliance-state").inner_text()
    tested_on = datetime.date.today() - datetime.timedelta(days=10)
    page.fill("#id_restore_tested_on", wareki.format_date(tested_on))  # e.g. 令和8年11月17日
    page.select_option("#id_restore_result", "success")
    page.fill("#id_restore_duration_minutes", "95")
    page.fill("#id_restore_data_restored", "課税データベース一式")
    page.click("#restore-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "基準に適合" in page.locator("#compliance-state").inner_text()
    assert "課税データベース一式" in page.locator("#restore-tests").inner_text()
    page.screenshot(path="test-results/restore-test.png", full_page=True)

    _log_in(page, live_server, "policy")
    count, systems = _failing(page, live_server)
    assert count == "1" and systems == ["S0002"]
