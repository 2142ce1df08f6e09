"""Notifications: what waits for each user in the app and in the e-mail digest, as they chose."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.governance import services
from daicho.governance.models import Stage
from daicho.governance.notify import send_digests
from tests.governance.conftest import tick_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world, case):
    """Section A's case waits for approval; policy and owner_a have e-mail addresses."""
    for user, email in ((world.policy, "policy@pref.example.jp"), (world.owner_a, "a@example.jp")):
        user.email = email
        user.save()
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.case_submit(case=case)
    return case


def test_the_home_page_tells_policy_what_waits(client, world, waiting):
    client.force_login(world.policy)
    page = client.get(reverse("home")).content.decode()
    assert 'id="work-panel"' in page and "承認待ちの案件" in page and waiting.title in page
    client.force_login(world.owner_b)
    assert 'id="work-panel"' not in client.get(reverse("home")).content.decode()


def test_a_returned_case_is_told_to_its_owner(client, world, waiting):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.case_return(case=waiting, comment="見積を添付してください")
    client.force_login(world.owner_a)
    page = client.get(reverse("governance:my_work")).content.decode()
    assert "差し戻された案件" in page and waiting.title in page


def test_the_digest_mails_each_member_what_waits(world, waiting, mailoutbox):
    result = send_digests(organisation=world.org, base_url="https://daicho.example.jp")
    assert [row["user"] for row in result["sent"]] == ["policy"]
    mail = mailoutbox[0]
    assert mail.to == ["policy@pref.example.jp"]
    assert "1件" in mail.subject
    assert "承認待ちの案件" in mail.body and waiting.title in mail.body
    assert f"https://daicho.example.jp/governance/cases/{waiting.pk}/" in mail.body


def test_a_user_can_switch_kinds_and_the_digest_off(client, world, waiting, mailoutbox):
    client.force_login(world.policy)
    response = client.post(reverse("governance:my_work"), {"kind": ["returned"]})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'id="work-panel"' not in page  # approvals switched off
    assert send_digests(organisation=world.org)["sent"] == []
    client.post(reverse("governance:my_work"), {"kind": ["approvals"], "email_digest": "on"})
    assert [r["user"] for r in send_digests(organisation=world.org)["sent"]] == ["policy"]


def test_evaluations_due_are_told_to_the_owner(world, case, mailoutbox):
    case.stage = Stage.EVALUATION
    case.in_operation_on = datetime.date(2014, 4, 1)
    case.save()
    world.owner_a.email = "a@example.jp"
    world.owner_a.save()
    result = send_digests(organisation=world.org)
    assert {r["user"] for r in result["sent"]} == {"owner_a"}
    assert "事後評価" in mailoutbox[0].body and "S0001" in mailoutbox[0].body


def test_notify_command_prints_json_and_sends_nothing_on_dry_run(world, waiting, mailoutbox):
    out = io.StringIO()
    call_command("notify", "--org", "330001", "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["sent"] == [{"user": "policy", "email": "policy@pref.example.jp", "items": 1}]
    assert mailoutbox == []


def test_notify_links_to_the_public_address_when_no_base_url_is_given(
    world, waiting, mailoutbox, settings
):
    settings.DAICHO_PUBLIC_URL = "https://daicho.pref.example.lg.jp/"
    call_command("notify", "--org", "330001", stdout=io.StringIO())
    assert "https://daicho.pref.example.lg.jp/governance/" in mailoutbox[0].body


def test_improvement_actions_falling_due_are_told_until_the_next_evaluation(world):
    from daicho.core import notices

    today = datetime.date.today()
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.evaluation_create(
            system=world.system_a,
            fiscal_year=2014,
            evaluated_on=today - datetime.timedelta(days=300),
            conclusion="improve",
            follow_up="入力画面を簡素化する",
            follow_up_due=today + datetime.timedelta(days=10),
        )
    groups = dict(
        (source.kind, items) for source, items in notices.notices_for(world.owner_a, world.org)
    )
    assert [n.title for n in groups["follow_ups"]] == ["S0001 税務システム"]
    assert "入力画面を簡素化する" in groups["follow_ups"][0].detail
    assert (
        dict((s.kind, items) for s, items in notices.notices_for(world.owner_b, world.org))[
            "follow_ups"
        ]
        == []
    )
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.evaluation_create(
            system=world.system_a,
            fiscal_year=2015,
            evaluated_on=today,
            conclusion="continue",
        )
    groups = dict(
        (source.kind, items) for source, items in notices.notices_for(world.owner_a, world.org)
    )
    assert groups["follow_ups"] == []


def test_a_consultation_recorded_from_a_case_is_linked_to_it(client, world, case):
    client.force_login(world.policy)
    page = client.get(reverse("governance:case_detail", args=[case.pk])).content.decode()
    assert "支援を記録" in page
    response = client.post(
        reverse("governance:consultation_create"),
        {
            "consulted_on": "H27.1.15",
            "unit": world.section_a.pk,
            "system": world.system_a.pk,
            "case": case.pk,
            "topic": "budget",
            "channel": "meeting",
            "subject": "積算根拠の確認",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("governance:case_detail", args=[case.pk])).content.decode()
    assert "積算根拠の確認" in page


def test_it_policy_is_not_told_about_every_case_it_returned(world, case, client):
    from daicho.governance.selectors import cases_returned

    with audit_context(actor=world.owner_b, channel=Channel.WEB):
        other = services.case_create(
            organisation=world.org,
            owner_unit=world.section_b,
            system=world.system_b,
            title="予約システム改修",
            kind="modification",
            fiscal_year=2015,
            purpose="予約受付のオンライン化",
        )
    tick_all(other, world.owner_b)
    with audit_context(actor=world.owner_b, channel=Channel.WEB):
        services.case_submit(case=other)
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.case_submit(case=case)
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.case_return(case=other, comment="見積を添付")
        services.case_return(case=case, comment="見積を添付")
    # policy works in section A (情報政策課), whose system the first case is about
    assert list(cases_returned(user=world.policy)) == [case]
    assert list(cases_returned(user=world.owner_b)) == [other]
    assert list(cases_returned(user=world.owner_a)) == [case]
