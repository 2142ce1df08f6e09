"""REST endpoints of the infrastructure ledger (read): servers, cloud services."""

import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from daicho.core.access import MEMBERS, RECORD_READERS, via_api
from daicho.core.api import Pagination, filtered, filterset_schema
from daicho.infra import selectors
from daicho.infra.filters import CloudServiceFilterSet, ServerFilterSet
from daicho.infra.models import CloudService
from daicho.lifecycle.eol import with_row_end_of_support

router = Router(tags=["infrastructure"])
ServerQuery = filterset_schema(ServerFilterSet, "ServerQuery")
CloudQuery = filterset_schema(CloudServiceFilterSet, "CloudServiceQuery")


class ServerOut(Schema):
    id: int
    name: str
    kind: str
    system: str | None
    host: str | None
    cluster: str | None
    site: str | None
    os: str
    product: str | None
    release: str | None
    end_of_support: datetime.date | None
    cores: int | None
    memory_gb: int | None
    storage_gb: int | None
    purchased_on: datetime.date | None
    lease_end: datetime.date | None
    in_service_on: datetime.date | None
    retired_on: datetime.date | None

    @staticmethod
    def resolve_system(obj) -> str | None:
        return obj.system.code if obj.system else None

    @staticmethod
    def resolve_host(obj) -> str | None:
        return obj.host.name if obj.host else None

    @staticmethod
    def resolve_cluster(obj) -> str | None:
        return obj.cluster.name if obj.cluster else None

    @staticmethod
    def resolve_site(obj) -> str | None:
        return obj.site.name if obj.site else None

    @staticmethod
    def resolve_product(obj) -> str | None:
        return obj.release.product.name if obj.release else None

    @staticmethod
    def resolve_release(obj) -> str | None:
        return obj.release.label if obj.release else None

    @staticmethod
    def resolve_end_of_support(obj) -> datetime.date | None:
        return obj.end_of_support if obj.release else None  # the row's organisation's date


@router.get("/servers", response=list[ServerOut], summary="List servers, hosts and VMs")
@paginate(Pagination)
def list_servers(request, filters: Query[ServerQuery]):
    return filtered(
        request,
        ServerFilterSet,
        with_row_end_of_support(selectors.server_list(user=request.user)).order_by("name"),
    )


@router.get("/servers/{server_id}", response=ServerOut, summary="One server")
def get_server(request, server_id: int):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        with_row_end_of_support(selectors.server_list(user=request.user)), pk=server_id
    )


class CloudServiceOut(Schema):
    id: int
    name: str
    provider: str
    service_model: str
    government_cloud: bool
    systems: list[str]
    started_on: datetime.date | None
    ended_on: datetime.date | None
    annual_cost: int | None

    @staticmethod
    def resolve_systems(obj) -> list[str]:
        return [s.code for s in obj.systems.all()]


@router.get("/cloud-services", response=list[CloudServiceOut], summary="List cloud services")
@paginate(Pagination)
def list_cloud_services(request, filters: Query[CloudQuery]):
    return filtered(
        request,
        CloudServiceFilterSet,
        CloudService.objects.visible_to(request.user).prefetch_related("systems").order_by("name"),
    )


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "list_servers": via_api(MEMBERS),
    "get_server": via_api(RECORD_READERS),
    "list_cloud_services": via_api(MEMBERS),
}
