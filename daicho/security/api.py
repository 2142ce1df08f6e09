"""REST endpoints of the security area: incidents."""

import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from daicho.core.access import MEMBERS, via_api
from daicho.core.api import Pagination, filtered, filterset_schema
from daicho.security.filters import IncidentFilterSet
from daicho.security.models import Incident

router = Router()


class IncidentOut(Schema):
    code: str
    occurred_on: datetime.date
    title: str
    kind: str
    severity: str
    unit: str
    personal_data: bool
    personal_records: int | None
    status: str
    closed_on: datetime.date | None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


IncidentQuery = filterset_schema(IncidentFilterSet, "IncidentQuery")


@router.get(
    "/security/incidents", response=list[IncidentOut], tags=["security"], summary="Incidents"
)
@paginate(Pagination)
def incidents(request, filters: Query[IncidentQuery]):
    return filtered(
        request,
        IncidentFilterSet,
        Incident.objects.visible_to(request.user).select_related("unit").order_by("occurred_on"),
    )


# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "incidents": via_api(MEMBERS),
}
