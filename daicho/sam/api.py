"""REST endpoints of the device ledger (read)."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from daicho.core.api import Pagination, filtered, filterset_schema
from daicho.sam.filters import DeviceFilterSet
from daicho.sam.models import Device

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
        return obj.release.eol if obj.release else None


def _devices(request):
    return Device.objects.visible_to(request.user).select_related("unit", "release__product")


@router.get("/devices", response=list[DeviceOut], summary="List devices")
@paginate(Pagination)
def list_devices(request, filters: Query[DeviceQuery]):
    return filtered(request, DeviceFilterSet, _devices(request).order_by("name"))


@router.get("/devices/{device_id}", response=DeviceOut, summary="One device")
def get_device(request, device_id: int):
    return get_object_or_404(_devices(request), pk=device_id)
