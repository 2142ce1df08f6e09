"""Signing in: throttling, session expiry, password reset by e-mail, the one-time code."""

from __future__ import annotations

import re
import time

from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from daicho.core.models import AuditEvent, User
from daicho.core.signin import client_ip
from tests.core.test_cli import run

PASSWORD = "sora-no-iro-2014"


def _password(user, password=PASSWORD):
    user.set_password(password)
    user.save()
    return user


def _login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# --- throttling ----------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_that_user_name_from_that_address(world, client, settings):
    _password(world.viewer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "viewer", "wrong")
        assert response.status_code == 200
        assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    assert _login(client, "viewer", "wrong").status_code == 429  # the fifth locks
    response = _login(client, "viewer")  # even the right password, until the lock ends
    assert response.status_code == 429
    page = response.content.decode()
    assert "しばらくログインできません" in page and "15分" in page
    assert "_auth_user_id" not in client.session
    # A colleague behind the same address still signs in.
    _password(world.auditor)
    assert _login(client, "auditor").status_code == 302


def test_the_it_policy_division_unlocks_an_account_from_the_command_line(world, client, capsys):
    _password(world.viewer)
    for _ in range(5):
        _login(client, "viewer", "wrong")
    assert _login(client, "viewer").status_code == 429
    code, out, _err = run(capsys, "user", "unlock", "viewer")
    assert code == 0 and "viewer" in out
    assert _login(client, "viewer").status_code == 302


def test_behind_a_proxy_the_address_the_proxy_saw_counts(rf, settings):
    settings.DAICHO_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "10.1.2.3"  # the forged first entry is ignored
    settings.DAICHO_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"


# --- sessions ------------------------------------------------------------------------------------


def test_a_session_ends_after_the_idle_time_and_after_the_working_day(world, client, settings):
    client.force_login(world.viewer)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["daicho_seen"] = int(time.time()) - settings.DAICHO_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(reverse("registry:system_list"), follow=True)
    assert response.redirect_chain[0][0].startswith("/login/")
    assert "セッションの有効期限が切れました" in response.content.decode()

    client.force_login(world.viewer)
    client.get(reverse("home"))
    session = client.session
    session["daicho_signed_in"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_an_active_session_is_kept_and_the_cookie_ends_with_the_browser(world, client, settings):
    client.force_login(world.viewer)
    session = client.session
    session["daicho_seen"] = int(time.time()) - 120
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert client.session["daicho_seen"] >= int(time.time()) - 5
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


# --- password reset ------------------------------------------------------------------------------


def test_password_reset_by_e_mail(world, client, settings):
    settings.DAICHO_PUBLIC_URL = "https://daicho.pref.example.lg.jp"
    world.viewer.email = "zaisei@pref.example.lg.jp"
    _password(world.viewer)
    response = client.post(reverse("password_reset"), {"email": "ZAISEI@pref.example.lg.jp"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zaisei@pref.example.lg.jp"]
    assert "パスワード" in message.subject
    link = re.search(r"https://daicho\.pref\.example\.lg\.jp(/password-reset/\S+)", message.body)
    assert link, message.body
    form = client.get(link.group(1), follow=True)
    assert "新しいパスワード" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Momotaro-Kibidango-7", "new_password2": "Momotaro-Kibidango-7"},
    )
    assert response.status_code == 302
    assert _login(client, "viewer", "Momotaro-Kibidango-7").status_code == 302
    # The link works once.
    assert "期限が切れている" in client.get(link.group(1), follow=True).content.decode()


def test_password_reset_says_nothing_about_unknown_or_directory_accounts(world, client):
    directory_user = User.objects.create(username="sso-user", email="sso@pref.example.lg.jp")
    directory_user.set_unusable_password()
    directory_user.save()
    for address in ("nobody@pref.example.lg.jp", "sso@pref.example.lg.jp"):
        response = client.post(reverse("password_reset"), {"email": address}, follow=True)
        assert "届きます" in response.content.decode()
    assert mail.outbox == []


def test_a_signed_in_user_changes_their_password_and_it_is_audited(world, client):
    _password(world.owner_a)
    client.force_login(world.owner_a)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Kurashiki-Bikan-2026",
            "new_password2": "Kurashiki-Bikan-2026",
        },
    )
    assert response.status_code == 302
    world.owner_a.refresh_from_db()
    assert world.owner_a.check_password("Kurashiki-Bikan-2026")
    assert AuditEvent.objects.filter(object_repr="owner_a", after__password="changed").exists()


# --- one-time code (TOTP) ------------------------------------------------------------------------


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset):06d}"


def test_a_user_turns_on_the_second_factor_and_then_signs_in_with_a_code(world, client):
    _password(world.owner_a)
    client.force_login(world.owner_a)
    page = client.get(reverse("otp_setup")).content.decode()
    assert "<svg" in page  # the QR code, drawn by Daicho itself (no external service)
    device = TOTPDevice.objects.get(user=world.owner_a, confirmed=False)
    bad = client.post(reverse("otp_setup"), {"token": "000000"})
    assert bad.status_code == 400 and "コードが正しくありません" in bad.content.decode()
    assert client.post(reverse("otp_setup"), {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(after__second_factor="totp", actor=world.owner_a).exists()

    client.logout()
    response = _login(client, "owner_a")
    assert response.status_code == 302
    # Until the code is given, every page leads to the code page.
    response = client.get(reverse("registry:system_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp_verify"))
    assert client.get(reverse("api:me")).status_code == 403
    wrong = client.post(reverse("otp_verify"), {"token": "123456"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(reverse("otp_verify"), {"token": _code(device, 1), "next": "/systems/"})
    assert response.status_code == 302 and response.url == "/systems/"
    assert client.get(reverse("registry:system_list")).status_code == 200


def test_when_required_the_it_policy_division_must_enrol_but_others_need_not(
    world, client, settings
):
    settings.DAICHO_TOTP_REQUIRED = True
    _password(world.policy)
    _login(client, "policy")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp_setup"))
    assert "情報政策課" in client.get(response.url).content.decode()
    # They cannot remove it once enrolled either.
    device = TOTPDevice.objects.get(user=world.policy)
    client.post(reverse("otp_setup"), {"token": _code(device)})
    client.post(reverse("otp_remove"))
    assert TOTPDevice.objects.filter(user=world.policy, confirmed=True).exists()

    other = client.__class__()
    _password(world.viewer)
    _login(other, "viewer")
    assert other.get(reverse("home")).status_code == 200


def test_api_tokens_are_not_asked_for_a_code(world, client, settings):
    from daicho.core.services import token_create

    settings.DAICHO_TOTP_REQUIRED = True
    _token, key = token_create(user=world.policy)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


# --- the signed-in request's user ----------------------------------------------------------------


def test_a_signed_in_request_reads_its_user_and_roles_in_one_query(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _password(world.owner_b)
    assert _login(client, "owner_b").status_code == 302
    url = reverse("registry:system_detail", args=[world.system_b.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    users = [q["sql"] for q in queries if 'FROM "core_user"' in q["sql"]]
    assert len(users) == 1 and '"core_membership"' in users[0]
    assert not any(q["sql"].lstrip().startswith('SELECT "core_membership"') for q in queries)
    assert "編集" in client.get(url).content.decode()  # the owner's role came with the user


def test_a_revoked_role_counts_on_the_next_request_and_a_deactivated_user_is_signed_out(
    world, client
):
    from daicho.core.models import Membership

    _password(world.owner_b)
    _login(client, "owner_b")
    edit = reverse("registry:system_edit", args=[world.system_b.pk])
    assert client.get(edit).status_code == 200
    Membership.objects.filter(user=world.owner_b).update(role="viewer")
    assert client.get(edit).status_code == 403
    User.objects.filter(pk=world.owner_b.pk).update(is_active=False)
    response = client.get(reverse("registry:system_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_sessions_name_the_password_backend_that_reads_the_scope(world, client):
    from django.contrib.auth import BACKEND_SESSION_KEY

    _password(world.policy)
    _login(client, "policy")
    assert client.session[BACKEND_SESSION_KEY] == "daicho.core.signin.PasswordBackend"
