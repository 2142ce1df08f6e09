"""A person at a browser reads the standardisation migration page: the municipality its 20 areas
with the deadline risk, the prefecture the municipalities that share theirs; the figures on
screen are those the database gives."""

from __future__ import annotations

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.core.models import Organisation, Role, User
from daicho.standardisation import demo, selectors
from daicho.standardisation.models import Migration
from tests.factories import UserFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kurashiki(world):
    with audit_context(actor=None, channel=Channel.CLI):
        Organisation.objects.create(code="331007", name="岡山市", kind="municipality")
        Organisation.objects.create(code="332046", name="玉野市", kind="municipality")
        demo.load()
    organisation = Organisation.objects.get(code="332020")
    member(UserFactory(username="kura"), Role.IT_POLICY, None, organisation)
    return organisation


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_municipality_reads_its_20_areas_and_records_a_phase(page, live_server, kurashiki):
    login(page, live_server, "kura")
    page.click("text=基盤")
    page.click("text=標準化・ガバメントクラウド移行")
    page.wait_for_url("**/standardisation/")
    rows = page.locator("#migration-matrix tbody tr")
    assert rows.count() == 20
    risky = [
        r.area
        for r in selectors.migration_matrix(
            user=User.objects.get(username="kura"), organisation=kurashiki
        )
        if r.risk
    ]
    assert page.locator("#at-risk-count").inner_text() == str(len(risky)) == "2"
    assert page.locator("#migration-matrix tr.table-danger").count() == 2
    kaigo = page.locator('#migration-matrix tr[data-area="kaigo"]')
    assert "期限後に移行予定" in kaigo.inner_text()
    assert page.locator('[data-phase="migrated"]').first.inner_text() == "13"
    page.screenshot(path="test-results/standardisation-migrations.png", full_page=True)

    # 障害者福祉 gets its planned date on its page: it is no longer at risk.
    page.click('#migration-matrix tr[data-area="shogai_fukushi"] th a')
    page.wait_for_url("**/standardisation/*/")
    page.select_option("#id_phase", "migrated")
    page.fill("#id_planned_on", "令和8年1月4日")
    page.click("text=フェーズを記録")
    page.wait_for_url("**/standardisation/*/")
    assert "令和8年1月4日" in page.locator('#phases tr[data-phase="migrated"]').inner_text()
    page.screenshot(path="test-results/standardisation-area.png", full_page=True)
    page.goto(f"{live_server.url}/standardisation/")
    assert page.locator("#at-risk-count").inner_text() == "1"
    migration = Migration.objects.get(organisation=kurashiki, area="shogai_fukushi")
    assert migration.phases.get(phase="migrated").planned_on.isoformat() == "2026-01-04"

    # The costs of the 13 migrated areas against FY2018, in 千円 with △.
    page.click("text=平成30年度比の経費")
    page.wait_for_url("**/standardisation/costs/")
    page.select_option("#fy", "2025")
    page.wait_for_url("**/standardisation/costs/?*fy=2025*")
    assert page.locator("#costs tbody tr").count() == 13
    total = page.locator("#costs-total").inner_text()
    assert "110,000" in total and "78,000" in total and "△32,000" in total and "29.1%" in total
    page.screenshot(path="test-results/standardisation-costs.png", full_page=True)


def test_the_prefecture_reads_the_municipality_that_shares(page, live_server, world, kurashiki):
    login(page, live_server, "policy")
    page.goto(f"{live_server.url}/standardisation/")
    row = page.locator('#shared-matrix tr[data-organisation="332020"]')
    assert "倉敷市" in row.inner_text()
    assert row.locator("td").nth(20).inner_text() == "13"  # migrated
    assert row.locator("td").nth(21).inner_text() == "2"  # at risk
    page.screenshot(path="test-results/standardisation-prefecture.png", full_page=True)
    page.goto(f"{live_server.url}/standardisation/costs/?fy=2025&basis=actual")
    assert "倉敷市" not in page.locator("h1").inner_text()  # the prefecture's own costs
