"""API plumbing shared by every app (token auth, filters as query parameters) and the unit API."""

from datetime import timedelta

import django_filters as df
from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from pydantic import create_model

from daicho.core import audit
from daicho.core.filters import UnitFilterSet
from daicho.core.models import ApiToken, OrgUnit
from daicho.core.permissions import scope_of


class BearerAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`: the token's user becomes the actor of the API request."""

    def authenticate(self, request, token: str):
        row = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        )
        now = timezone.now()
        if row is None or not row.user.is_active or (row.expires_at and row.expires_at < now):
            return None
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        audit.set_actor(row.user)
        return row.user


def filterset_schema(filterset: type[df.FilterSet], name: str) -> type[Schema]:
    """A query-parameter schema mirroring a FilterSet, so OpenAPI documents the same filters."""
    fields = {}
    for field_name, flt in filterset.base_filters.items():
        many = isinstance(flt, df.MultipleChoiceFilter)
        annotation = list[str] | None if many else str | None
        fields[field_name] = (annotation, Field(None, description=str(flt.label or field_name)))
    return create_model(name, __base__=Schema, **fields)


def filtered(request, filterset: type[df.FilterSet], queryset: QuerySet) -> QuerySet:
    """Apply the FilterSet to the request's query string; invalid values answer 422 per field."""
    params = request.GET.copy()
    for key in ("page", "page_size"):
        params.pop(key, None)
    fs = filterset(params, queryset=queryset, request=request)
    if not fs.is_valid():
        raise NinjaValidationError(
            [
                {"loc": ["query", field], "msg": message}
                for field, messages in fs.errors.items()
                for message in messages
            ]
        )
    return fs.qs


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (≤ 1000); responses are `{count, items}`."""

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=1000, **kwargs)


router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    department_id: int | None
    sort_order: int


class MeOut(Schema):
    username: str
    roles: list[str]
    organisations: list[int]


UnitQuery = filterset_schema(UnitFilterSet, "UnitQuery")


@router.get("/units", response=list[UnitOut], summary="List units")
@paginate(Pagination)
def list_units(request, filters: Query[UnitQuery]):
    return filtered(request, UnitFilterSet, OrgUnit.objects.visible_to(request.user))


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
def get_unit(request, unit_id: int):
    return OrgUnit.objects.visible_to(request.user).get(pk=unit_id)


@router.get("/me", response=MeOut, tags=["auth"], summary="Who the token belongs to")
def me(request):
    scope = scope_of(request.user)
    return {
        "username": request.user.username,
        "roles": sorted(scope.roles),
        "organisations": sorted(scope.read_org_ids),
    }
