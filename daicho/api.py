"""The REST API under /api/v1/: one NinjaAPI, token or session auth, errors as JSON per field."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from daicho.continuity.api import router as continuity_router
from daicho.core.api import BearerAuth, api_throttles
from daicho.core.api import router as core_router
from daicho.governance.api import router as governance_router
from daicho.infra.api import router as infra_router
from daicho.lifecycle.api import router as lifecycle_router
from daicho.plan.api import router as plan_router
from daicho.registry.api import router as registry_router
from daicho.sam.api import router as sam_router
from daicho.security.api import router as security_router

ERROR_RESPONSES = {
    "400": "The data is not valid (errors per field).",
    "401": "No token, or an unknown, expired or revoked one.",
    "403": "Not allowed for this user, or a read-only token used to write.",
    "404": "Not found, or not visible to this user.",
    "422": "Malformed request: a parameter or body field of the wrong type.",
    "429": "Too many requests with this token (see Retry-After).",
}


class DaichoAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document also describes the error answers every operation may
    give (`{detail, errors}`), so clients and schemathesis can check them."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["detail"],
        }
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": description, "content": error})
        return schema


api = DaichoAPI(
    title="Daicho API",
    version="1",
    description=(
        "The ledger of information systems, costs and contracts. Authenticate with "
        "`Authorization: Bearer TOKEN` (tokens: `daicho token create USER`). List endpoints take "
        "the same filters as the web lists and return `{count, items}`; `page` and `page_size` "
        "page through them. Errors are `{detail, errors: {field: [messages]}}`."
    ),
    auth=[BearerAuth(), django_auth],
    throttle=api_throttles(),
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", infra_router)
api.add_router("/", sam_router)
api.add_router("/", lifecycle_router)
api.add_router("/", continuity_router)
api.add_router("/", security_router)
api.add_router("/", governance_router)
api.add_router("/", plan_router)


def _errors_of(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(DjangoValidationError)
def on_validation_error(request, exc):
    return api.create_response(
        request, {"detail": _("The data is not valid."), "errors": _errors_of(exc)}, status=400
    )


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [
            str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "payload")
        ]
        errors.setdefault(".".join(loc) or "__all__", []).append(error.get("msg", ""))
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": errors}, status=422
    )


@api.exception_handler(DataError)
def on_data_error(request, exc):
    """A value the database cannot store (too long or out of range for its column)."""
    return api.create_response(
        request, {"detail": _("A value cannot be stored: %(error)s") % {"error": exc}}, status=400
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or _("You do not have permission to do this.")}, status=403
    )


@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Http404)
def on_http404(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": _("Authentication required: send Authorization: Bearer TOKEN.")},
        status=401,
    )


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    """Whatever else goes wrong still answers JSON {detail} (logged with its traceback)."""
    import logging

    logging.getLogger("django.request").error(
        "API error on %s", request.path, exc_info=(type(exc), exc, exc.__traceback__)
    )
    return api.create_response(
        request,
        {"detail": _("Something went wrong on the server; it has been logged.")},
        status=500,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc, Throttled):
        return api.create_response(
            request,
            {"detail": _("Too many requests with this token: wait and try again.")},
            status=429,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
