"""REST endpoints of the lifecycle area: end-of-support risk and the products' support dates."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from daicho.core.access import MEMBERS, via_api
from daicho.core.api import IsoDate
from daicho.core.models import OrgUnit
from daicho.core.permissions import current_organisation
from daicho.lifecycle import eol, selectors

router = Router(tags=["lifecycle"])


class EolQuery(Schema):
    as_of: IsoDate | None = Field(None, description="the date to judge on (default: today)")
    within_months: int = Field(12, ge=0, le=120, description="horizon in months")
    unit: str | None = Field(None, description="unit code or name (and its sub-units)")
    kind: list[Literal["device", "server", "host", "vm", "component"]] | None = Field(
        None, description="kinds of record (all when not given)"
    )
    status: Literal["past", "within"] | None = Field(None, description="past or within")


class EolItemOut(Schema):
    kind: str
    name: str
    unit: str
    system: str
    system_name: str
    product: str
    release: str
    end_of_support: datetime.date
    extended_support_end: datetime.date | None
    status: str


class EolOut(Schema):
    as_of: datetime.date
    within_months: int
    count: int
    past: int
    within: int
    items: list[EolItemOut]


@router.get("/eol", response=EolOut, summary="Records past or near their end of support")
def eol_list(request, filters: Query[EolQuery]):
    organisation = current_organisation(request.user)
    if organisation is None:
        raise PermissionDenied(_("You are not a member of any organisation."))
    unit = None
    if filters.unit:
        unit = OrgUnit.objects.filter(
            Q(code=filters.unit) | Q(name=filters.unit), organisation=organisation
        ).first()
        if unit is None:
            raise ValidationError({"unit": _("No such unit: %(name)s") % {"name": filters.unit}})
    if filters.status not in (None, "past", "within"):
        raise ValidationError({"status": _("Use past or within.")})
    as_of = filters.as_of or timezone.localdate()
    try:
        eol.horizon_end(as_of, filters.within_months)
    except ValueError as exc:
        raise ValidationError({"as_of": str(exc)}) from None
    items = eol.eol_items(
        organisation=organisation,
        as_of=as_of,
        within_months=filters.within_months,
        unit=unit,
        kinds=filters.kind,
        status=filters.status,
    )
    return {
        "as_of": as_of,
        "within_months": filters.within_months,
        "count": len(items),
        "past": sum(1 for i in items if i.status == "past"),
        "within": sum(1 for i in items if i.status == "within"),
        "items": [i.as_dict() for i in items],
    }


class ReleaseOut(Schema):
    cycle: str
    label: str
    released_on: datetime.date | None
    active_support_end: datetime.date | None
    eol: datetime.date | None
    extended_support_end: datetime.date | None
    lts: bool
    overridden: list[str] = Field(
        default_factory=list, description="the dates its organisation overrides"
    )

    @staticmethod
    def resolve_overridden(obj):
        return getattr(obj, "overridden", [])


class ProductOut(Schema):
    slug: str
    name: str
    vendor: str
    category: str
    releases: list[ReleaseOut]

    @staticmethod
    def resolve_releases(obj):
        return list(obj.releases.all())


@router.get("/lifecycle/products", response=list[ProductOut], summary="Products and support dates")
def products(request):
    """The shipped products and releases with the dates the user's organisation goes by: its own
    overrides over the shared dates, never another organisation's."""
    products = list(selectors.product_list())
    selectors.as_seen_by(
        [r for p in products for r in p.releases.all()], current_organisation(request.user)
    )
    return products


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "eol_list": via_api(MEMBERS),
    "products": via_api(MEMBERS),
}
