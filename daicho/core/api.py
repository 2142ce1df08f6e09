"""API plumbing shared by every app (token auth, filters as query parameters) and the unit API."""

import re
import threading
from datetime import date as datetime_date
from datetime import datetime, timedelta
from typing import Annotated

import django_filters as df
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle
from pydantic import BeforeValidator, create_model

from daicho.core import audit
from daicho.core.access import MEMBERS, RECORD_READERS, via_api
from daicho.core.audit import Action
from daicho.core.filters import UnitFilterSet
from daicho.core.models import ApiToken, OrgUnit, TokenScope
from daicho.core.permissions import read_with_user_and_scope, scope_of
from daicho.core.tables import page_with_total

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
USE_FLUSH = timedelta(minutes=1)


class BearerAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`: the token's user becomes the actor of the API request.

    A read-only token is refused for writes (403). Use is summarised on the token (last time and
    address, request count) at most once a minute; use from another address than the last one is
    an audit event; writes carry the token's prefix in their request id.
    """

    def authenticate(self, request, token: str):
        row = _token_with_user_and_scope(ApiToken.digest_of(token))
        now = timezone.now()
        if row is None or not row.user.is_active or (row.expires_at and row.expires_at < now):
            return None
        request.user = row.user
        request.api_token = row
        audit.set_actor(row.user)
        audit.set_request_id(f"token-{row.prefix}-{audit.current().request_id[:16]}")
        self._note_use(request, row, now)
        if row.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise HttpError(403, _("This token is read-only."))
        return row.user

    @staticmethod
    def _note_use(request, row: ApiToken, now) -> None:
        from daicho.core.signin import client_ip

        cache = caches["counters"]  # uses between writes of last_used_at, in memory
        key = f"daicho-token-uses-{row.digest[:24]}"
        if cache.add(key, 1, timeout=None) is False:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=None)
        address = client_ip(request)
        if row.last_used_at and now - row.last_used_at < USE_FLUSH and row.last_used_ip == address:
            return
        uses = cache.get(key, 1)
        cache.set(key, 0, timeout=None)
        ApiToken.objects.filter(pk=row.pk).update(
            last_used_at=now, last_used_ip=address, use_count=F("use_count") + uses
        )
        if row.last_used_ip and address != row.last_used_ip:
            audit.record(
                action=Action.UPDATE,
                obj=row,
                organisation=None,
                before={"last_used_ip": row.last_used_ip},
                after={"last_used_ip": address},
                message="token used from another address",
            )


_TOKEN_FIELDS = [f.attname for f in ApiToken._meta.concrete_fields]


def _token_with_user_and_scope(digest: str) -> ApiToken | None:
    """The token with its user and the user's scope, in one query (a row per membership): the
    API's busiest path otherwise reads the token and then the memberships."""
    found = read_with_user_and_scope(ApiToken, _TOKEN_FIELDS, user="user", digest=digest)
    if found is None:
        return None
    values, user = found
    token = ApiToken.from_db(user._state.db, _TOKEN_FIELDS, values)  # read where the user was
    token.user = user
    return token


class TokenRateThrottle(SimpleRateThrottle):
    """DAICHO_API_RATE requests per token (or per signed-in user) in each window of the rate's
    period; over it, 429 with Retry-After.

    A counter per token and window, incremented atomically in the cache: the instance is shared
    by every thread of a worker, so it keeps no per-request state of its own (django-ninja's
    SimpleRateThrottle does, and under threads it mixes up the tokens' histories).
    """

    scope = "daicho"
    _retry = threading.local()

    @property
    def cache(self):
        """The "counters" cache: an API read never writes to the database to count itself."""
        return caches["counters"]

    def get_cache_key(self, request):
        token = getattr(request, "api_token", None)
        # The digest, not the id: ids come back after a restore or in a test database.
        ident = f"t{token.digest[:24]}" if token else f"u{getattr(request.user, 'pk', None)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request) -> bool:
        key = self.get_cache_key(request)
        if self.rate is None or key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        bucket = f"{key}:{window}"
        if self.cache.add(bucket, 1, self.duration + 1):
            count = 1
        else:
            try:
                count = self.cache.incr(bucket)
            except ValueError:  # expired between add and incr
                self.cache.set(bucket, 1, self.duration + 1)
                count = 1
        self._retry.seconds = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, getattr(self._retry, "seconds", self.duration))


def api_throttles() -> list:
    rate = settings.DAICHO_API_RATE
    return [] if rate in ("", "0") else [TokenRateThrottle(rate)]


def filterset_schema(filterset: type[df.FilterSet], name: str) -> type[Schema]:
    """A query-parameter schema mirroring a FilterSet, so OpenAPI documents the same filters."""
    fields = {}
    for field_name, flt in filterset.base_filters.items():
        many = isinstance(flt, df.MultipleChoiceFilter)
        annotation = list[str] | None if many else str | None
        fields[field_name] = (annotation, Field(None, description=str(flt.label or field_name)))
    return create_model(name, __base__=Schema, **fields)


def filtered(request, filterset: type[df.FilterSet], queryset: QuerySet) -> QuerySet:
    """Apply the FilterSet to the request's query string; invalid values answer 400 with the
    reason per field."""
    params = request.GET.copy()
    for key in ("page", "page_size"):
        params.pop(key, None)
    fs = filterset(params, queryset=queryset, request=request)
    if not fs.is_valid():
        raise DjangoValidationError(
            {field: [str(m) for m in messages] for field, messages in fs.errors.items()}
        )
    return fs.qs


class Pagination(PageNumberPagination):
    """`?page=` (≤ 1,000,000) and `?page_size=` (≤ 1000); responses are `{count, items}`."""

    class Input(Schema):
        # A bound on the page keeps the offset within what every database takes (a page in the
        # quintillions is a 422 with the field named, not a server error).
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1_000_000)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=1000, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        """The page and the total count in one query (:func:`tables.page_with_total`)."""
        if not hasattr(queryset, "query"):
            return super().paginate_queryset(queryset, pagination, request, **params)
        size = self._get_page_size(pagination.page_size)
        rows, count = page_with_total(queryset, (pagination.page - 1) * size, size)
        return {self.items_attribute: rows, "count": count}


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
    token_scope: str | None = None
    token_expires_at: datetime | None = None


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
    token = getattr(request, "api_token", None)
    return {
        "username": request.user.username,
        "roles": sorted(scope.roles),
        "organisations": sorted(scope.read_org_ids),
        "token_scope": token.scope if token else None,
        "token_expires_at": token.expires_at if token else None,
    }


def _iso_date_only(value):
    """Query dates are written 2014-04-01: a bare number is not silently read as a timestamp."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("write the date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("write the date as YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime_date, BeforeValidator(_iso_date_only)]


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "list_units": via_api(MEMBERS),
    "get_unit": via_api(RECORD_READERS),
    "me": via_api(MEMBERS),
}
