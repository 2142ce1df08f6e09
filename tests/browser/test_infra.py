"""A person at a browser reads the end-of-support page and the virtualization platform; the
figures on screen are those the database gives."""

from __future__ import annotations

import datetime

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.infra import selectors
from daicho.infra import services as infra_services
from daicho.lifecycle import eol
from daicho.sam import services as sam_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date


@pytest.fixture
def estate(world):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        for n in range(5):
            sam_services.device_create(
                organisation=world.org,
                name=f"PC-XP-{n}",
                unit=world.section_a if n % 2 else world.section_b,
                os="Windows XP Professional SP3",
                purchased_on=D(2008, 4, 1),
                disposed_on=D(2014, 6, 30) if n < 2 else None,
                status="disposed" if n < 2 else "in_use",
            )
        sam_services.device_create(
            organisation=world.org, name="PC-7", unit=world.section_a, os="Windows 7 Professional"
        )
        hosts = [
            infra_services.server_create(
                organisation=world.org,
                name=f"VH0{n}",
                kind="host",
                cores=16,
                memory_gb=128,
                storage_gb=4000,
                os="VMware ESXi 5.5",
                in_service_on=D(2013, 4, 1),
            )
            for n in (1, 2)
        ]
        for n in range(3):
            infra_services.server_create(
                organisation=world.org,
                name=f"VM{n}",
                kind="vm",
                host=hosts[n % 2],
                system=world.system_a,
                cores=4,
                memory_gb=32,
                os="Windows Server 2003 R2 Standard",
                in_service_on=D(2013, 10, 1),
            )


def login(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_eol_page_shows_the_databases_figures(page, live_server, world, estate):
    login(page, live_server)
    assert page.locator("#eol-warning").is_visible()  # XP is past its end of support today
    page.goto(f"{live_server.url}/lifecycle/eol/")
    page.fill("#as_of", "平成26年4月9日")
    page.fill("#within", "24")
    page.click("form button.btn-primary")
    page.wait_for_url("**/lifecycle/eol/?*as_of=*")
    items = eol.eol_items(organisation=world.org, as_of=D(2014, 4, 9), within_months=24)
    past = sum(1 for i in items if i.status == "past")
    within = sum(1 for i in items if i.status == "within")
    assert (past, within) == (5, 3)  # 5 XP PCs in use; 3 VMs on 2003 R2 (ends 2015-07-14)
    assert page.locator('[data-figure="past"]').inner_text() == str(past)
    assert page.locator('[data-figure="within"]').inner_text() == str(within)
    assert page.locator("#eol-items tbody tr").count() == len(items)
    units = page.locator("#eol-units").inner_text()
    assert "情報政策課" in units and "くらし安全安心課" in units
    assert page.locator("#eol-chart").is_visible()
    page.screenshot(path="test-results/eol.png", full_page=True)


def test_the_virtualization_page_shows_the_databases_figures(page, live_server, world, estate):
    login(page, live_server)
    page.click("text=基盤")
    page.click("text=仮想化基盤")
    page.wait_for_url("**/infra/virtualization/")
    platform = selectors.platform_on(user=world.viewer, organisation=world.org, day=D.today())
    assert page.locator('[data-figure="hosts"]').inner_text() == str(len(platform.hosts)) == "2"
    assert page.locator('[data-figure="vms"]').inner_text() == str(platform.vm_count) == "3"
    row = page.locator('#year-ends tr[data-fy="2013"]')
    assert row.locator('[data-col="platform"]').inner_text() == "0"  # hosting was not changed
    page.locator("details summary").first.click()
    assert "VM0" in page.locator("details").first.inner_text()
    page.screenshot(path="test-results/virtualization.png", full_page=True)
