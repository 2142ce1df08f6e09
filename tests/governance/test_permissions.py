"""The permission matrix of the governance and knowledge pages: every page for anonymous, each
role, another unit and another organisation; allowed writes through the web are audited."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.governance import services
from daicho.governance.models import CaseState, Consultation
from daicho.knowledge import services as knowledge_services
from tests.test_permissions import AUDIT, CREATE, EDIT_A, POLICY_ONLY, READ, READ_OBJECT, ROLES

pytestmark = pytest.mark.django_db

REVIEW = {**POLICY_ONLY, "viewer": 200, "auditor": 200, "outsider": 200}


def page_cases(world, case):
    with audit_context(actor=world.policy, channel=Channel.WEB):
        consultation = services.consultation_create(
            organisation=world.org,
            consulted_on=datetime.date(2014, 6, 1),
            unit=world.section_a,
            topic="budget",
            subject="予算要求の相談",
            channel="meeting",
        )
        article = knowledge_services.article_create(
            organisation=world.org, title="仮想化基盤の使い方", body="本文"
        )
        evaluation = services.evaluation_create(
            system=world.system_a,
            fiscal_year=2014,
            evaluated_on=datetime.date(2015, 6, 1),
            conclusion="continue",
        )
    a = world.system_a.pk
    return [
        ("case_list", reverse("governance:case_list"), READ),
        ("case_export", reverse("governance:case_list") + "?export=xlsx", READ),
        ("case_detail", reverse("governance:case_detail", args=[case.pk]), READ_OBJECT),
        ("case_create", reverse("governance:case_create"), CREATE),
        ("case_edit", reverse("governance:case_edit", args=[case.pk]), EDIT_A),
        ("case_delete", reverse("governance:case_delete", args=[case.pk]), EDIT_A),
        ("my_work", reverse("governance:my_work"), READ),
        ("consultation_list", reverse("governance:consultation_list") + "?fy=2014", READ),
        (
            "consultation_create",
            reverse("governance:consultation_create"),
            {**POLICY_ONLY, "outsider": 200},
        ),
        (
            "consultation_edit",
            reverse("governance:consultation_edit", args=[consultation.pk]),
            POLICY_ONLY,
        ),
        ("evaluation_list", reverse("governance:evaluation_list"), READ),
        (
            "evaluation_detail",
            reverse("governance:evaluation_detail", args=[evaluation.pk]),
            READ_OBJECT,
        ),
        (
            "evaluation_create",
            reverse("governance:evaluation_create") + f"?system={a}",
            EDIT_A,
        ),
        ("budget_review", reverse("governance:budget_review") + "?fy=2014", REVIEW),
        ("article_list", reverse("knowledge:article_list") + "?q=仮想化", READ),
        ("article_detail", reverse("knowledge:article_detail", args=[article.pk]), READ_OBJECT),
        ("article_create", reverse("knowledge:article_create"), CREATE),
        ("article_edit", reverse("knowledge:article_edit", args=[article.pk]), POLICY_ONLY),
        ("karte", reverse("knowledge:karte", args=[a]), READ_OBJECT),
        ("karte_export", reverse("knowledge:karte", args=[a]) + "?export=csv", READ_OBJECT),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_governance_page_answers_each_role_as_expected(client, world, case, role):
    failures = []
    for name, url, expected in page_cases(world, case):
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        status = client.get(url).status_code
        if status != expected[role]:
            failures.append(f"{name} {url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


GATE_POST = {
    "anonymous": 302,
    "viewer": 403,
    "owner_a": 302,
    "owner_b": 403,
    "policy": 302,
    "auditor": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_submitting_through_the_web_follows_the_matrix(client, world, case, role):
    user = world.user(role)
    if user:
        client.force_login(user)
    response = client.post(
        reverse("governance:case_action", args=[case.pk, "submit"]), {"comment": "お願いします"}
    )
    assert response.status_code == GATE_POST[role]
    case.refresh_from_db()
    submitted = case.state == CaseState.SUBMITTED
    assert submitted is (role in ("owner_a", "policy"))
    if submitted:
        event = AuditEvent.objects.filter(
            content_type__model="procurementcase", object_id=str(case.pk), action="update"
        ).latest("pk")
        assert event.channel == "web" and event.actor == user


APPROVE_POST = {**GATE_POST, "owner_a": 403}


@pytest.mark.parametrize("role", ROLES)
def test_returning_through_the_web_is_for_it_policy_only(client, world, case, role):
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        services.case_submit(case=case)
    user = world.user(role)
    if user:
        client.force_login(user)
    response = client.post(
        reverse("governance:case_action", args=[case.pk, "return"]), {"comment": "見積不足"}
    )
    assert response.status_code == APPROVE_POST[role]
    case.refresh_from_db()
    assert (case.state == CaseState.RETURNED) is (role == "policy")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("viewer", 403), ("owner_a", 403), ("policy", 302), ("outsider", 400)],
)
def test_recording_a_consultation_is_for_it_policy(client, world, role, expected):
    user = world.user(role)
    if user:
        client.force_login(user)
    data = {
        "consulted_on": "平成26年6月2日",
        "unit": world.section_b.pk,
        "topic": "procurement",
        "channel": "phone",
        "subject": "仕様書の書き方",
        "cost_saving": "1,200千円",
    }
    response = client.post(reverse("governance:consultation_create"), data)
    assert response.status_code == expected
    saved = Consultation.objects.filter(subject="仕様書の書き方").first()
    assert (saved is not None) is (role == "policy")
    if saved:
        assert saved.cost_saving == 1_200_000
        assert saved.handled_by == world.policy
        assert AuditEvent.objects.filter(
            content_type__model="consultation", action="create", actor=world.policy
        ).exists()


def test_audit_page_still_limited(client, world):
    assert AUDIT["viewer"] == 403 and READ["viewer"] == 200


# --- API ------------------------------------------------------------------------------------------

API_READ = {
    "anonymous": 401,
    "viewer": 200,
    "owner_a": 200,
    "owner_b": 200,
    "policy": 200,
    "auditor": 200,
    "outsider": 200,
}


def _api(client, world, role, method, path, body=None):
    import json

    from daicho.core.services import token_create

    headers = {}
    user = world.user(role)
    if user is not None:
        _token, key = token_create(user=user)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(f"/api/v1{path}", **kwargs, **headers)


@pytest.mark.parametrize("role", ROLES)
def test_api_reads_follow_the_matrix(client, world, case, role):
    cases = [
        ("/cases", API_READ),
        (f"/cases/{case.pk}", {**API_READ, "outsider": 404}),
        ("/consultations?fy=2014", API_READ),
        ("/evaluations", API_READ),
        ("/articles?q=仮想化", API_READ),
    ]
    failures = []
    for path, expected in cases:
        status = _api(client, world, role, "get", path).status_code
        if status != expected[role]:
            failures.append(f"GET {path}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


API_SUBMIT = {
    "anonymous": 401,
    "viewer": 403,
    "owner_a": 200,
    "owner_b": 403,
    "policy": 200,
    "auditor": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_api_gate_transitions_follow_the_matrix(client, world, case, role):
    response = _api(client, world, role, "post", f"/cases/{case.pk}/submit", {"comment": "提出"})
    assert response.status_code == API_SUBMIT[role], response.content
    if response.status_code == 200:
        data = response.json()
        assert data["state"] == "submitted"
        assert data["decisions"][0]["actor"] == world.user(role).username
        event = AuditEvent.objects.filter(
            content_type__model="procurementcase", object_id=str(case.pk), action="update"
        ).latest("pk")
        assert event.channel == "api"


def test_api_approval_needs_the_review_checks_recorded_over_the_api(client, world, case):
    _api(client, world, "owner_a", "post", f"/cases/{case.pk}/submit", {})
    response = _api(client, world, "policy", "post", f"/cases/{case.pk}/approve", {})
    assert response.status_code == 400
    assert "情報政策課の確認が完了していません" in response.json()["errors"]["__all__"][0]
    detail = _api(client, world, "policy", "get", f"/cases/{case.pk}").json()
    assert detail["actions"] == ["approve", "return", "withdraw"]
    assert detail["missing"] == ["plan_fit", "no_overlap"]
    assert detail["review_checks"] == {"plan_fit": False, "no_overlap": False}
    body = {"checks": {"plan_fit": True, "no_overlap": True}}
    url = f"/cases/{case.pk}/review-checks"
    assert _api(client, world, "owner_a", "post", url, body).status_code == 403
    response = _api(client, world, "policy", "post", url, body)
    assert response.status_code == 200, response.content
    assert response.json()["missing"] == []
    response = _api(client, world, "policy", "post", f"/cases/{case.pk}/approve", {})
    assert response.status_code == 200 and response.json()["stage"] == "budget"
    assert (
        _api(client, world, "policy", "post", f"/cases/{case.pk}/nonsense", {}).status_code == 404
    )


def test_api_records_a_consultation_for_it_policy_only(client, world):
    body = {
        "consulted_on": "2014-06-02",
        "unit": "D02-S01",
        "system": "S0002",
        "topic": "contract",
        "channel": "meeting",
        "subject": "保守費の見直し",
        "cost_saving": 600000,
    }
    assert _api(client, world, "owner_b", "post", "/consultations", body).status_code == 403
    response = _api(client, world, "policy", "post", "/consultations", body)
    assert response.status_code == 201, response.content
    assert response.json()["system"] == "S0002"
    listed = _api(client, world, "viewer", "get", "/consultations?saving=true").json()
    assert listed["count"] == 1 and listed["items"][0]["cost_saving"] == 600000


def test_the_submitter_is_told_on_the_case_why_they_may_not_approve(client, world, case):
    from tests.governance.conftest import tick_all

    tick_all(case, world.policy)
    client.force_login(world.policy)
    client.post(reverse("governance:case_action", args=[case.pk, "submit"]), {})
    response = client.post(
        reverse("governance:case_action", args=[case.pk, "approve"]), {}, follow=True
    )
    assert response.status_code == 200
    assert "案件を提出した本人は承認できません。" in response.content.decode()


def test_malformed_input_never_gives_a_server_error(client, world, case):
    client.force_login(world.policy)
    urls = [
        reverse("governance:case_list") + "?fiscal_year=abc&stage=nonsense&contract_fy=平成99年",
        reverse("governance:consultation_list") + "?fy=xyz&unit=NOPE&saving=maybe",
        reverse("governance:evaluation_list") + "?fiscal_year=%FF",
        reverse("governance:budget_review") + "?fy=令和百年度&department=ZZ",
        reverse("governance:evaluation_create") + "?case=999999",
        reverse("knowledge:article_list") + "?q=%25_&page=abc&system=NOPE",
        reverse("knowledge:karte", args=[world.system_a.pk]) + "?start=13月&kind=unknown",
        "/api/v1/cases?fiscal_year=abc",
        "/api/v1/articles?q=" + "仮" * 500,
    ]
    for url in urls:
        assert client.get(url).status_code < 500, url
    posts = [
        (reverse("governance:case_action", args=[case.pk, "approve"]), {"comment": "x" * 5000}),
        (reverse("governance:case_checklist", args=[case.pk]), {"item": ["nonsense"]}),
        (reverse("governance:consultation_create"), {"consulted_on": "昨日", "cost_saving": "abc"}),
        (reverse("governance:budget_review"), {"growth_percent": "-5"}),
        (reverse("governance:my_work"), {"kind": ["nonsense"]}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code < 500, url
