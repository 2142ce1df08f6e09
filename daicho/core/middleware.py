"""Web requests carry their user into the audit context."""

from __future__ import annotations

import uuid

from django.utils.functional import SimpleLazyObject

from daicho.core.audit import Channel, audit_context
from daicho.core.permissions import current_organisation, narrow_scope

ORGANISATION_KEY = "daicho_org"  # the organisation chosen with the switcher


class AuditContextMiddleware:
    """Attribute every write during a web request to the signed-in user, channel `web`.

    API requests re-enter the context with channel `api` once their token is checked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        chosen = request.session.get(ORGANISATION_KEY) if hasattr(request, "session") else None
        if user is not None and chosen and not narrow_scope(user, chosen):
            del request.session[ORGANISATION_KEY]  # no longer a member there
        request.organisation = SimpleLazyObject(lambda: current_organisation(request.user))
        channel = Channel.API if request.path.startswith("/api/") else Channel.WEB
        with audit_context(actor=user, channel=channel, request_id=uuid.uuid4().hex):
            return self.get_response(request)


class LanguageMiddleware:
    """Japanese unless the user chose English with the switch (the browser's language is ignored:
    a shared office PC often says en-US while its users read Japanese)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        language = _language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionExpiryMiddleware:
    """End a signed-in session after DAICHO_SESSION_IDLE_SECONDS without a request, and after
    SESSION_COOKIE_AGE from sign-in whatever happens (the cookie's own age slides otherwise).

    The last-seen time is written at most once a minute, so reading pages does not turn every
    request into a session write.
    """

    STAMP = "daicho_seen"
    SIGNED_IN = "daicho_signed_in"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext as _

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            seen = request.session.get(self.STAMP, now)
            signed_in = request.session.setdefault(self.SIGNED_IN, now)
            idle = settings.DAICHO_SESSION_IDLE_SECONDS
            if now - signed_in > settings.SESSION_COOKIE_AGE or (idle and now - seen > idle):
                logout(request)
                if _is_api(request):
                    from django.http import JsonResponse

                    return JsonResponse({"detail": _("Your session has expired.")}, status=401)
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect_to_login(request.get_full_path())
            if now - seen >= 60 or self.STAMP not in request.session:
                request.session[self.STAMP] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A password sign-in of someone with a TOTP device is not complete until the code is given;
    with DAICHO_TOTP_REQUIRED the IT policy division must enrol one first.

    Sign-ins through OpenID Connect leave the second factor to the identity provider; API
    requests with a bearer token are not session sign-ins and pass.
    """

    OPEN = ("/login/", "/logout/", "/account/otp/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from daicho.core.twofactor import second_factor_needed

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and not request.path.startswith(self.OPEN)
        ):
            needed = second_factor_needed(request)
            if needed:
                from django.http import JsonResponse
                from django.shortcuts import redirect
                from django.urls import reverse
                from django.utils.http import urlencode
                from django.utils.translation import gettext as _

                if _is_api(request):
                    return JsonResponse(
                        {"detail": _("Enter your one-time code in the browser first.")},
                        status=403,
                    )
                target = "otp_verify" if needed == "verify" else "otp_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# Every script, style, font and image is served by Daicho itself (no CDN: LGWAN), so the policy
# can be strict. Inline <script> is not used; Bootstrap's components set inline styles, and
# Chart.js draws on canvas, hence style-src 'unsafe-inline' only for attributes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django 5.2 sets the
    others: nosniff, Referrer-Policy, COOP, X-Frame-Options, HSTS in production)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The API docs page too: django-ninja's Swagger UI starts from a static script
        # (ninja/swagger-ui-init.js) reading its settings from a JSON block, no inline script.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NulCharacterMiddleware:
    """API requests carrying a NUL character (raw, %00 or a JSON \\u0000) are answered 400:
    PostgreSQL cannot store it, and it is never meaningful in the ledger. (Web forms already
    refuse it: Django's form fields prohibit null characters.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_api(request) and self._has_nul(request):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            return JsonResponse(
                {"detail": _("The request contains a NUL character, which cannot be stored.")},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or any("\x00" in v for v in request.GET.values()):
            return True
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.content_type == "application/json"
        ):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False


def _language_of(request) -> str:
    """The language LanguageMiddleware will choose: the user's cookie, else the default."""
    from django.conf import settings

    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# Routes that take files: the setting that bounds the file. Everything else takes forms or JSON.
FILE_ROUTES = {
    "attachment_add": "DAICHO_MAX_UPLOAD_BYTES",
    "import_upload": "DAICHO_MAX_IMPORT_BYTES",
}
# Routes anyone may post to before signing in: their forms are a few short fields.
SIGN_IN_ROUTES = frozenset(
    {
        "login",
        "otp_verify",
        "password_reset",
        "password_reset_confirm",
        "oidc_authentication_callback",
    }
)
# A multipart upload carries its form's other fields and boundaries beside the file.
MULTIPART_ALLOWANCE = 1024 * 1024
_SPOOL_IN_MEMORY = 1024 * 1024
_READ_CHUNK = 64 * 1024


def body_limit(request) -> int:
    """The largest request body the route of ``request`` accepts, in bytes."""
    from django.conf import settings
    from django.urls import Resolver404, resolve

    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        name = None
    if name in FILE_ROUTES:
        return getattr(settings, FILE_ROUTES[name]) + MULTIPART_ALLOWANCE
    if name in SIGN_IN_ROUTES:
        return settings.DAICHO_MAX_SIGN_IN_BYTES
    return settings.DAICHO_MAX_FORM_BYTES


class RequestSizeMiddleware:
    """Refuse a request body larger than its route accepts with 413, before a byte of it is
    read (a 1 GB POST to /login/ was written whole to the temporary folder before the answer).

    A body with a Content-Length over the limit is refused unread. A chunked body (no
    Content-Length; only read when the server marks its input as terminated, as gunicorn
    does) is read through a counter into a temporary file and refused as soon as it passes the
    limit; under it, Django reads it from that file as if its length had been sent. Limits:
    DAICHO_MAX_UPLOAD_MB for attachments, DAICHO_MAX_IMPORT_MB for imports (each plus 1 MB for
    the form around the file), DAICHO_MAX_SIGN_IN_KB for the sign-in pages and
    DAICHO_MAX_FORM_MB for every other form and API call. The reverse proxy in front should
    refuse the same sizes (docs/security.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        meta = request.META
        try:
            length = int(meta.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length >= 0:
            # The smallest limit needs no route lookup: most requests stop here.
            if length > settings.DAICHO_MAX_SIGN_IN_BYTES:
                limit = body_limit(request)
                if length > limit:
                    return self.too_large(request, limit)
        elif "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower() and meta.get(
            "wsgi.input_terminated"
        ):
            limit = body_limit(request)
            spool, length = self._spool(meta["wsgi.input"], limit)
            if spool is None:
                return self.too_large(request, limit)
            from django.core.handlers.wsgi import LimitedStream

            meta["CONTENT_LENGTH"] = str(length)
            request._stream = LimitedStream(spool, length)
            response = self.get_response(request)
            response._resource_closers.append(spool.close)
            return response
        return self.get_response(request)

    @staticmethod
    def _spool(stream, limit: int):
        """(the body copied to a temporary file (in memory up to 1 MB), its length), or
        (None, 0) as soon as it passes ``limit``."""
        import tempfile

        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
        total = 0
        while chunk := stream.read(min(_READ_CHUNK, limit + 1 - total)):
            total += len(chunk)
            if total > limit:
                spool.close()
                return None, 0
            spool.write(chunk)
        spool.seek(0)
        return spool, total

    @staticmethod
    def too_large(request, limit: int):
        """413 with a short page, or JSON {"detail"} under /api/."""
        from django.http import HttpResponse, JsonResponse
        from django.template.loader import render_to_string
        from django.utils import translation
        from django.utils.translation import gettext as _

        with translation.override(_language_of(request)):
            megabytes = max(1, round(limit / (1024 * 1024)))
            message = (
                _("The request is too large: at most %(size)s MB can be sent here.")
                % {"size": megabytes}
                if limit >= 1024 * 1024
                else _("The request is too large: at most %(size)s KB can be sent here.")
                % {"size": max(1, limit // 1024)}
            )
            if _is_api(request):
                response = JsonResponse({"detail": message}, status=413)
            else:
                response = HttpResponse(
                    render_to_string("413.html", {"message": message}), status=413
                )
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
