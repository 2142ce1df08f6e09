"""REST endpoints of the SAM ledger (read): devices, their installations, licences, the
compliance position."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from daicho.core.access import MEMBERS, RECORD_READERS, via_api
from daicho.core.api import IsoDate, Pagination, filtered, filterset_schema
from daicho.core.models import OrgUnit
from daicho.core.permissions import current_organisation
from daicho.lifecycle.eol import with_row_end_of_support
from daicho.sam import selectors
from daicho.sam.filters import DeviceFilterSet, LicenceFilterSet
from daicho.sam.models import Device, Licence

router = Router(tags=["devices"])
DeviceQuery = filterset_schema(DeviceFilterSet, "DeviceQuery")


class DeviceOut(Schema):
    id: int
    name: str
    type: str
    unit: str
    user_name: str
    os: str
    product: str | None
    release: str | None
    end_of_support: datetime.date | None
    serial: str
    purchased_on: datetime.date | None
    disposed_on: datetime.date | None
    status: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_product(obj) -> str | None:
        return obj.release.product.name if obj.release else None

    @staticmethod
    def resolve_release(obj) -> str | None:
        return obj.release.label if obj.release else None

    @staticmethod
    def resolve_end_of_support(obj) -> datetime.date | None:
        return obj.end_of_support if obj.release else None  # the row's organisation's date


def _devices(request):
    return with_row_end_of_support(
        Device.objects.visible_to(request.user).select_related("unit", "release__product")
    )


@router.get("/devices", response=list[DeviceOut], summary="List devices")
@paginate(Pagination)
def list_devices(request, filters: Query[DeviceQuery]):
    return filtered(request, DeviceFilterSet, _devices(request).order_by("name"))


@router.get("/devices/{device_id}", response=DeviceOut, summary="One device")
def get_device(request, device_id: int):
    return get_object_or_404(_devices(request), pk=device_id)


# ---------------------------------------------------------------------------------------------
# Licences, installations and the compliance position

LicenceQuery = filterset_schema(LicenceFilterSet, "LicenceQuery")


class LicenceOut(Schema):
    id: int
    software: str
    publisher: str
    version: str
    metric: str
    quantity: int
    type: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    downgrade_rights: bool
    unit: str | None
    certificate: str
    unit_price: int | None

    @staticmethod
    def resolve_software(obj) -> str:
        return str(obj.title)

    @staticmethod
    def resolve_publisher(obj) -> str:
        return obj.title.publisher

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.unit.code if obj.unit else None


@router.get("/licences", response=list[LicenceOut], summary="List licences", tags=["sam"])
@paginate(Pagination)
def list_licences(request, filters: Query[LicenceQuery]):
    licences = Licence.objects.visible_to(request.user).select_related("title", "unit")
    return filtered(request, LicenceFilterSet, licences.order_by("title__name", "version", "pk"))


class InstallationOut(Schema):
    software: str
    version: str
    publisher: str
    title: str | None
    title_version: str
    free: bool | None
    installed_on: datetime.date | None

    @staticmethod
    def resolve_software(obj) -> str:
        return obj.raw_name

    @staticmethod
    def resolve_version(obj) -> str:
        return obj.raw_version

    @staticmethod
    def resolve_title(obj) -> str | None:
        return str(obj.title) if obj.title else None

    @staticmethod
    def resolve_title_version(obj) -> str:
        return obj.version

    @staticmethod
    def resolve_free(obj) -> bool | None:
        return obj.title.free if obj.title else None


@router.get(
    "/devices/{device_id}/installations",
    response=list[InstallationOut],
    summary="Software found on a device by its latest inventory",
    tags=["sam"],
)
def device_installations(request, device_id: int):
    device = get_object_or_404(_devices(request), pk=device_id)
    return device.installations.select_related("title").order_by("raw_name", "pk")


class PositionOut(Schema):
    title_id: int
    title: str
    publisher: str
    version: str
    metric: str
    free: bool
    entitled: int
    consumed: int
    downgrade_in: int
    shortfall: int
    surplus: int
    site: bool
    unit_price: int | None
    cost_to_close: int | None


@router.get(
    "/sam/position",
    response=list[PositionOut],
    summary="Licence compliance position (as `daicho sam position --json`)",
    tags=["sam"],
)
def position(request, as_of: IsoDate | None = None, unit: str | None = None):
    organisation = current_organisation(request.user)
    if organisation is None:
        raise HttpError(403, "no organisation")
    the_unit = None
    if unit:
        the_unit = (
            OrgUnit.objects.filter(organisation=organisation, code=unit).first()
            or OrgUnit.objects.filter(organisation=organisation, name=unit).first()
        )
        if the_unit is None:
            raise HttpError(404, f"No such unit: {unit}")
    entries = selectors.compliance_position(
        organisation, as_of=as_of or timezone.localdate(), unit=the_unit
    )
    return [e.as_dict() for e in entries]


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "list_devices": via_api(MEMBERS),
    "get_device": via_api(RECORD_READERS),
    "list_licences": via_api(MEMBERS),
    "device_installations": via_api(RECORD_READERS),
    "position": via_api(MEMBERS),
}
