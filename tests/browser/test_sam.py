"""A SAM officer at a browser takes its unit's inventory (棚卸) and confirms it; the campaign
page then shows the unit confirmed and the completion rate."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.sam import services
from daicho.sam.models import Device, InventoryCheck
from tests.sam.factories import DeviceFactory

SCREENSHOTS = Path(os.environ.get("DAICHO_SCREENSHOTS", "/tmp"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(world):
    for n in range(4):
        DeviceFactory(unit=world.section_b, name=f"PC-B{n}", user_name=f"職員{n}")
    DeviceFactory(unit=world.section_a, name="PC-A0")
    with audit_context(actor=world.policy, channel=Channel.WEB):
        return services.campaign_open(
            organisation=world.org,
            fiscal_year=2026,
            deadline=datetime.date(2026, 12, 25),
            units=[world.section_a, world.section_b],
        )


def test_a_sam_officer_confirms_its_units_inventory(page, live_server, world, campaign):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sam")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/sam/inventory/")
    page.click(f"#campaigns a[href='/sam/inventory/{campaign.pk}/']")
    page.click("#parts tr[data-unit='D02-S01'] a")
    rows = page.locator("#devices tbody tr")
    assert rows.count() == 4  # its own unit's devices only
    assert page.locator("#devices tr[data-device='PC-A0']").count() == 0

    # PC-B1 cannot be found: recorded as missing, with a note.
    row = page.locator("#devices tr[data-device='PC-B1']")
    row.locator("select[name=result]").select_option("missing")
    row.locator("input[name=note]").fill("執務室で所在不明")
    row.locator("button").click()
    page.wait_for_load_state()
    assert (
        "執務室で所在不明"
        in page.locator("#devices tr[data-device='PC-B1'] [data-col=result]").inner_text()
    )

    # A laptop that was never registered is added.
    page.fill("input[name=name]", "PC-B-NEW")
    page.fill("form:has(input[value=add]) input[name=user_name]", "岡山 花子")
    page.click("form:has(input[value=add]) button")
    page.wait_for_load_state()
    assert page.locator("#devices tr[data-device='PC-B-NEW']").count() == 1

    # PC-B0's label is scanned: present, recorded as scanned.
    page.fill("#scan-form input[name=code]", "pc-b0")
    page.press("#scan-form input[name=code]", "Enter")
    page.wait_for_load_state()
    assert page.locator("#counts [data-count=unchecked] strong").inner_text() == "2"

    # Confirming with two devices nobody checked is refused: the page asks for a decision.
    page.fill(
        "#confirm-form textarea[name=note]", "PC-B1 は捜索中。PC-B-NEW は台帳漏れのため追加。"
    )
    page.click("#confirm-form button")
    page.wait_for_load_state()
    decision = page.locator("#unchecked-decision")
    assert decision.is_visible() and "2" in decision.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "inventory-decision.png"), full_page=True)
    # Deciding without a reason is refused too; with one, the unit's inventory is confirmed.
    page.select_option("#confirm-form select[name=unchecked]", "present")
    page.click("#confirm-form button")
    page.wait_for_load_state()
    assert page.locator("#confirm-form .text-danger").count() >= 1
    page.select_option("#confirm-form select[name=unchecked]", "present")
    page.fill("#confirm-form input[name=reason]", "資産管理ツールで今月の稼働を確認")
    page.fill(
        "#confirm-form textarea[name=note]", "PC-B1 は捜索中。PC-B-NEW は台帳漏れのため追加。"
    )
    page.click("#confirm-form button")
    page.wait_for_load_state()
    assert page.locator("#confirm-form").count() == 0  # nothing left to do
    decided = InventoryCheck.objects.get(device__name="PC-B2")
    assert (decided.result, decided.method, decided.checked_by) == ("present", "decided", world.sam)
    assert InventoryCheck.objects.get(device__name="PC-B0").method == "scanned"

    page.goto(f"{live_server.url}/sam/inventory/{campaign.pk}/")
    assert page.locator("#parts tr[data-unit='D02-S01'] [data-col=status]").inner_text() in (
        "確定済み",
        "Confirmed",
    )
    assert page.locator("[data-figure=rate]").inner_text() == "50.0%"
    results = dict(
        InventoryCheck.objects.filter(confirmation__unit=world.section_b).values_list(
            "device__name", "result"
        )
    )
    assert results == {
        "PC-B0": "present",
        "PC-B1": "missing",
        "PC-B2": "present",
        "PC-B3": "present",
        "PC-B-NEW": "added",
    }
    assert Device.objects.get(name="PC-B-NEW").unit == world.section_b
