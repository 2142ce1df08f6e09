"""Hardening: production settings pass `check --deploy`, every response carries the security
headers, pages need no inline script, and API tokens are scoped, expiring, rate-limited and
their use is recorded."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone

from daicho.core.models import ApiToken, AuditEvent, TokenScope
from daicho.core.services import token_create
from tests.core.test_cli import run

ROOT = Path(__file__).resolve().parents[2]


def _clean_environ() -> dict[str, str]:
    """The test process's environment without what test tools set (Playwright's async flag)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _daicho(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "daicho.cli", *args],
        env={**_clean_environ(), "DJANGO_SETTINGS_MODULE": "daicho.settings", **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


PRODUCTION = {
    "DAICHO_PRODUCTION": "1",
    "DAICHO_SECRET_KEY": secrets.token_urlsafe(50),
    "DAICHO_ALLOWED_HOSTS": "daicho.pref.example.lg.jp",
}


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _daicho(
        "check", "--deploy", "--fail-level", "WARNING", DAICHO_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_behind_the_proxy_https_is_trusted(tmp_path):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, "
        "s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_HTTPONLY, s.DEBUG]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **_clean_environ(),
            "DJANGO_SETTINGS_MODULE": "daicho.settings",
            "DAICHO_VAR_DIR": str(tmp_path),
            "DAICHO_DEBUG": "1",  # ignored in production
            **PRODUCTION,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [
        True,
        True,
        "__Host-daicho-session",
        ["HTTP_X_FORWARDED_PROTO", "https"],
        31536000,
        True,
        False,
    ]


def test_every_page_carries_the_security_headers(world, client):
    client.force_login(world.viewer)
    for url in ("/", "/systems/", "/login/", "/api/v1/systems"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_templates_have_no_inline_script_so_the_policy_can_be_strict():
    """An inline <script>, an on…= handler or a javascript: link would be blocked by the CSP:
    behaviour goes into a static file (see daicho/static/daicho/daicho.js, data-confirm etc.)."""
    offenders = []
    for path in (ROOT / "daicho").rglob("templates/**/*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"javascript:"):
            for match in re.finditer(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_the_health_check_answers_without_signing_in(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


# --- API tokens ----------------------------------------------------------------------------------


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_read_only_token_reads_but_cannot_write(world, client):
    _t, key = token_create(user=world.policy, scope=TokenScope.READ)
    assert client.get("/api/v1/systems", **_bearer(key)).status_code == 200
    response = client.patch(
        f"/api/v1/systems/{world.system_a.pk}",
        data=json.dumps({"hosting": "cloud"}),
        content_type="application/json",
        **_bearer(key),
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "このトークンは読み取り専用です。"
    world.system_a.refresh_from_db()
    assert world.system_a.hosting != "cloud"


def test_writes_with_a_token_are_audited_with_the_tokens_prefix(world, client):
    token, key = token_create(user=world.policy, scope=TokenScope.WRITE)
    response = client.patch(
        f"/api/v1/systems/{world.system_a.pk}",
        data=json.dumps({"hosting": "cloud"}),
        content_type="application/json",
        **_bearer(key),
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="update", after__hosting="cloud")
    assert (event.channel, event.actor) == ("api", world.policy)
    assert event.request_id.startswith(f"token-{token.prefix}-")


def test_token_use_is_recorded_and_another_address_is_audited(world, client):
    token, key = token_create(user=world.viewer, scope=TokenScope.READ)
    for _ in range(3):
        client.get("/api/v1/me", REMOTE_ADDR="10.0.0.5", **_bearer(key))
    token.refresh_from_db()
    assert (token.last_used_ip, token.use_count) == ("10.0.0.5", 1)  # flushed once a minute
    me = client.get("/api/v1/me", REMOTE_ADDR="192.0.2.99", **_bearer(key)).json()
    assert me["token_scope"] == "read" and me["token_expires_at"]
    token.refresh_from_db()
    assert (token.last_used_ip, token.use_count) == ("192.0.2.99", 4)
    event = AuditEvent.objects.get(message="token used from another address")
    assert event.before == {"last_used_ip": "10.0.0.5"}
    assert event.after == {"last_used_ip": "192.0.2.99"}


def test_every_token_expires_and_not_later_than_the_maximum(world, settings):
    token, _key = token_create(user=world.viewer)
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    with pytest.raises(ValidationError, match="366"):
        token_create(user=world.viewer, days=400)


def test_an_expired_token_is_refused(world, client):
    _t, key = token_create(user=world.viewer, expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", **_bearer(key)).status_code == 401


def test_a_token_over_its_rate_gets_429_with_retry_after(world, client, monkeypatch):
    from daicho.api import api

    (throttle,) = api.throttle  # one instance, shared by every operation
    monkeypatch.setattr(throttle, "num_requests", 3)
    caches["counters"].clear()
    _t, key = token_create(user=world.viewer)
    statuses = [client.get("/api/v1/me", **_bearer(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me", **_bearer(key))
    assert int(response.headers["Retry-After"]) > 0
    assert "リクエストが多すぎます" in response.json()["detail"]
    # Another token of the same person has its own allowance.
    _t, other = token_create(user=world.viewer)
    assert client.get("/api/v1/me", **_bearer(other)).status_code == 200


def test_the_cli_makes_read_only_tokens_by_default_and_revokes_with_an_audit_event(world, capsys):
    code, out, err = run(capsys, "token", "create", "viewer", "--days", "30")
    assert code == 0 and "読み取り専用" in err
    token = ApiToken.objects.get(user=world.viewer)
    assert token.scope == "read"
    assert out.strip().splitlines()[-1].startswith("dch_")
    code, out, _ = run(capsys, "token", "list", "--json")
    assert json.loads(out)[0]["scope"] == "read"
    code, _out, _err = run(capsys, "token", "revoke", token.prefix)
    assert code == 0 and not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="delete", before__prefix=token.prefix).exists()
    code, _out, err = run(capsys, "token", "create", "viewer", "--days", "0")
    assert code == 1 and "--days" in err


def test_a_nul_character_in_an_api_request_is_a_400_not_a_server_error(world, client):
    _t, key = token_create(user=world.policy, scope=TokenScope.WRITE)
    response = client.post(
        "/api/v1/systems",
        data='{"name": "a\\u0000b", "owner_unit": "D01-S01"}',
        content_type="application/json",
        **_bearer(key),
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert client.get("/api/v1/systems?q=%00", **_bearer(key)).status_code == 400


def test_the_rate_limit_counts_each_token_apart_even_under_threads():
    """Each token has its own allowance, whatever the other threads of the worker do."""
    import threading
    from types import SimpleNamespace

    from daicho.core.api import TokenRateThrottle

    caches["counters"].clear()
    throttle = TokenRateThrottle("150/m")
    denied = []

    def hammer(n):
        request = SimpleNamespace(api_token=SimpleNamespace(digest=str(n) * 64), user=None)
        for _ in range(150):
            if not throttle.allow_request(request):
                denied.append(n)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert denied == []
    one = SimpleNamespace(api_token=SimpleNamespace(digest="f" * 64), user=None)
    assert [throttle.allow_request(one) for _ in range(151)].count(False) == 1
    assert 0 < throttle.wait() <= 60
