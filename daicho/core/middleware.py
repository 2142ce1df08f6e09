"""Web requests carry their user into the audit context."""

from __future__ import annotations

import uuid

from django.utils.functional import SimpleLazyObject

from daicho.core.audit import Channel, audit_context
from daicho.core.permissions import current_organisation


class AuditContextMiddleware:
    """Attribute every write during a web request to the signed-in user, channel `web`.

    API requests re-enter the context with channel `api` once their token is checked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
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
        from django.conf import settings
        from django.utils import translation

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
