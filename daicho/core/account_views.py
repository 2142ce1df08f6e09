"""Signing in and one's own account: login (local, LDAP, OpenID Connect), the one-time code,
password change and reset by e-mail, and the health check a proxy or monitor calls."""

from __future__ import annotations

import logging
import sqlite3
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from daicho.core import twofactor

logger = logging.getLogger(__name__)


def _next_url(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class LoginView(auth_views.LoginView):
    """The sign-in page: a password (local or the directory's), or the identity provider."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.DAICHO_OIDC_ENABLED
        context["oidc_label"] = settings.DAICHO_OIDC_LABEL or _("Sign in with single sign-on")
        context["ldap_enabled"] = settings.DAICHO_LDAP_ENABLED
        return context


class AccountView(LoginRequiredMixin, View):
    """One's own account: roles, second factor, password."""

    def get(self, request):
        from daicho.core.models import Membership

        return render(
            request,
            "core/account.html",
            {
                "memberships": Membership.objects.filter(user=request.user).select_related(
                    "organisation", "unit"
                ),
                "has_device": twofactor.confirmed_devices(request.user).exists(),
                "required": twofactor.second_factor_required(request.user),
                "local_password": request.user.has_usable_password(),
            },
        )


class OtpSetupView(LoginRequiredMixin, View):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""

    def _page(self, request, error: str = ""):
        import segno

        device = twofactor.device_for_setup(request.user)
        qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b2a3a")
        return render(
            request,
            "core/otp_setup.html",
            {
                "qr": qr,
                "secret": twofactor.secret_of(device),
                "error": error,
                "next": _next_url(request, "account"),
                "required": twofactor.second_factor_required(request.user),
            },
            status=400 if error else 200,
        )

    def get(self, request):
        if twofactor.confirmed_devices(request.user).exists():
            return redirect("account")
        return self._page(request)

    def post(self, request):
        device = twofactor.device_for_setup(request.user)
        try:
            twofactor.totp_confirm(
                request=request, device=device, token=request.POST.get("token", "")
            )
        except ValidationError as exc:
            return self._page(request, " ".join(exc.messages))
        messages.success(request, _("The second factor is on: each sign-in now asks for a code."))
        return redirect(_next_url(request, "account"))


class OtpVerifyView(LoginRequiredMixin, View):
    """The second step of a password sign-in: the six-digit code from the app."""

    def get(self, request):
        if twofactor.second_factor_needed(request) != "verify":
            return redirect(_next_url(request))
        return render(request, "core/otp_verify.html", {"next": _next_url(request)})

    def post(self, request):
        try:
            twofactor.totp_verify(request=request, token=request.POST.get("token", ""))
        except ValidationError as exc:
            return render(
                request,
                "core/otp_verify.html",
                {"next": _next_url(request), "error": " ".join(exc.messages)},
                status=400,
            )
        return redirect(_next_url(request))


class OtpRemoveView(LoginRequiredMixin, View):
    def post(self, request):
        try:
            twofactor.totp_remove(request=request)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("account")
        messages.success(request, _("The second factor was removed."))
        return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        from daicho.core import audit
        from daicho.core.audit import Action

        response = super().form_valid(form)
        audit.record(action=Action.UPDATE, obj=self.request.user, after={"password": "changed"})
        messages.success(self.request, _("Your password was changed."))
        return response


def _count(key: str, window: int) -> int:
    """Add one to ``key`` in the cache (kept ``window`` seconds from the first) and return it."""
    from django.core.cache import cache

    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def reset_allowed(email: str, request) -> bool:
    """Whether another reset mail may go to ``email`` from this client: at most
    DAICHO_PASSWORD_RESET_PER_ADDRESS per address and DAICHO_PASSWORD_RESET_PER_CLIENT per
    client in the window (known and unknown addresses alike, so the limit tells nothing)."""
    import hashlib

    from daicho.core.signin import client_ip

    window = settings.DAICHO_PASSWORD_RESET_WINDOW_MINUTES * 60
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_address = _count(f"daicho:reset:address:{address}", window)
    per_client = _count(f"daicho:reset:client:{client_ip(request) or '-'}", window)
    return (
        per_address <= settings.DAICHO_PASSWORD_RESET_PER_ADDRESS
        and per_client <= settings.DAICHO_PASSWORD_RESET_PER_CLIENT
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Reset by e-mail. Links point at DAICHO_PUBLIC_URL when set (behind a proxy the request's
    host may be an internal name); the page never says whether an address is known."""

    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        from django.http import HttpResponseRedirect

        if not reset_allowed(form.cleaned_data["email"], self.request):
            form.add_error(
                None,
                _(
                    "Too many password reset requests for this address or from this computer. "
                    "Try again in %(minutes)d minutes, or ask the IT policy division."
                )
                % {"minutes": settings.DAICHO_PASSWORD_RESET_WINDOW_MINUTES},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        domain, use_https = None, self.request.is_secure()
        if settings.DAICHO_PUBLIC_URL:
            public = urlsplit(settings.DAICHO_PUBLIC_URL)
            domain, use_https = public.netloc, public.scheme == "https"
        form.save(
            domain_override=domain,
            use_https=use_https,
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
        )
        return HttpResponseRedirect(self.get_success_url())


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """The identity provider's answer. A forged or expired answer, or a provider that cannot be
    reached, sends the user back to the login page with a message (never an error page)."""

    def get(self, request):
        import requests

        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as exc:
            logger.warning("OpenID Connect sign-in failed: %s", exc)
            return self.login_failure()


def oidc_only_when_enabled(view):
    """The OpenID Connect views answer 404 until DAICHO_OIDC_CLIENT_ID is set."""

    def wrapped(request, *args, **kwargs):
        if not settings.DAICHO_OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _write_check() -> None:
    """Raise unless a write could start within a second.

    SQLite: take the write lock (BEGIN IMMEDIATE, at once rolled back) on a connection of its
    own with a one-second wait, so a writer holding the lock for long shows here. PostgreSQL:
    ask for a transaction id, which a read-only server (a standby, a read-only transaction)
    refuses, with a one-second statement timeout; it locks nothing."""
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:  # this connection's transaction holds the lock already
            return
        probe = sqlite3.connect(
            connection.settings_dict["NAME"], timeout=1, uri=True, isolation_level=None
        )
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        finally:
            probe.close()
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1000")
        cursor.execute("SELECT txid_current()")


def healthz(request):
    """200 "ok" when the database answers and would take a write within a second: for the
    reverse proxy and the monitor. Otherwise 503 with a JSON body naming the check that failed
    ("database": no answer; "database_write": no write within a second)."""
    check = "database"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        check = "database_write"
        _write_check()
    except (DatabaseError, sqlite3.Error) as exc:
        return JsonResponse(
            {"status": "unavailable", "check": check, "detail": str(exc)}, status=503
        )
    return HttpResponse("ok", content_type="text/plain")


def locked_out(request, response=None, credentials=None):
    """What django-axes shows after too many wrong passwords (429, in the user's words)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


class OrganisationSwitchView(LoginRequiredMixin, View):
    """Choose which of one's organisations to work in (or all of them, with an empty choice)."""

    def post(self, request):
        from daicho.core.middleware import ORGANISATION_KEY
        from daicho.core.permissions import organisations_of

        choice = request.POST.get("organisation", "")
        if not choice:
            request.session.pop(ORGANISATION_KEY, None)
        elif choice.isdigit() and int(choice) in organisations_of(request.user):
            request.session[ORGANISATION_KEY] = int(choice)
        else:
            raise Http404
        return redirect(_next_url(request))
