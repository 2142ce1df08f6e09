"""A case from 企画 to 運用 in the browser: the owner submits, the IT policy division returns it
with a comment, the owner completes the checklist, and the IT policy division approves each gate."""

from __future__ import annotations

import re

import pytest

from tests.factories import VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def login(browser, live_server):
    """A signed-in page per user, each in its own browser context (closed after the test)."""
    contexts = []

    def _login(username):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pw-for-tests-1")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _login
    for context in contexts:
        context.close()


def _submit(page, comment=""):
    """The owner ticks every item of the gate's checklist, saves it and submits."""
    boxes = page.locator("#checklist input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.click("#checklist button")
    page.wait_for_selector(".alert-success")
    if comment:
        page.fill("#decision textarea[name=comment]", comment)
    page.click("button[data-action=submit]")
    page.wait_for_selector("#case-state:has-text('承認待ち')")


def _approve(page, url, comment):
    """The IT policy division records its review checks of the gate, then approves."""
    page.goto(url)
    boxes = page.locator("#review-checks input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.click("#review-checks button")
    page.wait_for_selector(".alert-success")
    page.fill("#decision textarea[name=comment]", comment)
    page.click("button[data-action=approve]")
    page.wait_for_selector(".alert-success:has-text('この段階を承認しました')")


def test_a_case_from_planning_to_operation_with_a_return(login, live_server, world):
    VendorFactory(organisation=world.org, code="V900", name="株式会社吉備システム")
    owner = login("owner_a")
    owner.goto(f"{live_server.url}/governance/cases/new/")
    owner.fill("#id_title", "税務システム機器更新")
    owner.select_option("#id_system", str(world.system_a.pk))
    owner.select_option("#id_kind", "renewal")
    owner.select_option("#id_owner_unit", str(world.section_a.pk))
    owner.fill("#id_fiscal_year", "平成27年度")
    owner.fill("#id_initial_cost", "30,000千円")
    owner.fill("#id_recurring_cost", "11,000,000")
    owner.fill("#id_purpose", "保守期限切れ機器の更新")
    owner.click("form button[type=submit]")
    owner.wait_for_url(re.compile(r".*/governance/cases/\d+/$"))
    case_url = owner.url
    assert owner.locator("#case-state").inner_text() == "企画 · 作成中"

    # The owner tries to submit without ticking the checklist: refused, and told what is missing.
    missing = owner.locator("#gate-missing").inner_text()
    assert "クラウドサービスの利用を優先して検討した" in missing
    owner.fill("#decision textarea[name=comment]", "ご確認をお願いします")
    owner.click("button[data-action=submit]")
    owner.wait_for_selector(".alert-danger")
    refusal = owner.locator(".alert-danger").inner_text()
    assert "チェックリストが完了していません" in refusal
    assert "クラウドサービスの利用を優先して検討した" in refusal
    assert owner.locator("#case-state").inner_text() == "企画 · 作成中"
    owner.screenshot(path="test-results/case-blocked-submission.png", full_page=True)
    boxes = owner.locator("#checklist input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    owner.click("#checklist button")
    owner.wait_for_selector(".alert-success")
    assert owner.locator("#gate-missing").count() == 0
    owner.click("button[data-action=submit]")
    owner.wait_for_selector("#case-state:has-text('承認待ち')")

    # IT policy cannot approve before recording its own review, and returns the case.
    policy = login("policy")
    assert "承認待ちの案件" in policy.locator("#work-panel").inner_text()
    policy.goto(case_url)
    policy.click("button[data-action=approve]")
    policy.wait_for_selector(".alert-danger")
    assert "情報政策課の確認が完了していません" in policy.locator(".alert-danger").inner_text()
    policy.fill("#decision textarea[name=comment]", "クラウド利用の検討結果を記載してください")
    policy.click("button[data-action=return]")
    policy.wait_for_selector("#case-state:has-text('差戻し')")

    # The owner sees the comment, completes the checklist and submits again.
    owner.goto(f"{live_server.url}/")
    assert "差し戻された案件" in owner.locator("#work-panel").inner_text()
    owner.goto(case_url)
    assert "クラウド利用の検討結果を記載してください" in owner.locator("#decisions").inner_text()
    _submit(owner, "クラウド比較を追記しました")
    _approve(policy, case_url, "企画を承認します")
    assert "予算要求" in policy.locator("#case-state").inner_text()

    owner.goto(case_url)
    _submit(owner)
    _approve(policy, case_url, "積算根拠を確認しました")
    assert "調達・契約" in policy.locator("#case-state").inner_text()

    # Before the contract gate the owner records the contract.
    owner.goto(case_url.rstrip("/") + "/edit/")
    owner.select_option("#id_procurement_method", "general_tender")
    owner.select_option("#id_green", "yes")
    owner.select_option("#id_vendor", label="株式会社吉備システム")
    owner.fill("#id_contract_code", "C2015-01")
    owner.select_option("#id_contract_kind", "maintenance")
    owner.fill("#id_contract_start_on", "H27.4.1")
    owner.fill("#id_contract_end_on", "平成30年3月31日")
    owner.fill("#id_contract_amount", "9,600千円")
    owner.click("form button[type=submit]")
    owner.wait_for_url(case_url)
    _submit(owner)
    _approve(policy, case_url, "競争性とセキュリティ要件を確認しました")
    assert policy.locator("#case-state").inner_text() == "運用 · 作成中"
    gates = policy.locator("#gates").inner_text()
    assert gates.count("✓") == 3
    policy.screenshot(path="test-results/case-operation.png", full_page=True)

    # The contract reached the registry, and the karte tells the story.
    policy.goto(f"{live_server.url}/systems/{world.system_a.pk}/")
    contracts = policy.locator(".card:has(h2:has-text('契約'))").first.inner_text()
    assert "税務システム機器更新" in contracts and "株式会社吉備システム" in contracts
    policy.goto(f"{live_server.url}/knowledge/karte/{world.system_a.pk}/?kind=case")
    karte = policy.locator("#karte").inner_text()
    assert "差戻し" in karte and "クラウド利用の検討結果を記載してください" in karte
    assert karte.count("承認") >= 3
