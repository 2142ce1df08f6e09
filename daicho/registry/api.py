"""REST endpoints of the registry: systems, costs, cost items, vendors, contracts."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BaseModel, model_validator

from daicho.core.access import (
    DENIED,
    MEMBERS,
    OK,
    OWNERS_CREATE_HERE,
    OWNERS_EDIT,
    POLICY_CREATE_HERE,
    POLICY_EDIT,
    RECORD_READERS,
    answers,
    via_api,
)
from daicho.core.api import Pagination, filtered, filterset_schema
from daicho.core.models import OrgUnit
from daicho.core.permissions import scope_of, working_organisation
from daicho.registry import selectors, services
from daicho.registry.filters import (
    ContractFilterSet,
    CostItemFilterSet,
    CostLineFilterSet,
    SystemFilterSet,
    VendorFilterSet,
)
from daicho.registry.models import Contract, CostItem, CostLine, InformationSystem, Vendor

router = Router()


def _unit(request, code: str, field: str = "owner_unit") -> OrgUnit:
    unit = OrgUnit.objects.visible_to(request.user).filter(code=code).first()
    if unit is None:
        raise ValidationError({field: _("No unit with code %(code)s.") % {"code": code}})
    return unit


def _resolve(request, data: dict[str, Any], organisation=None) -> dict[str, Any]:
    """Turn codes in a payload into the records they name (a cost item of ``organisation``: each
    organisation has its own list)."""
    for required in ("owner_unit", "vendor", "item", "code", "name", "title"):
        if required in data and data[required] is None:
            raise ValidationError({required: _("This field cannot be empty.")})
    if data.get("owner_unit") is not None:
        data["owner_unit"] = _unit(request, data["owner_unit"])
    if data.get("vendor") is not None:
        vendor = Vendor.objects.visible_to(request.user).filter(code=data["vendor"]).first()
        if vendor is None:
            raise ValidationError(
                {"vendor": _("No vendor with ID %(code)s.") % {"code": data["vendor"]}}
            )
        data["vendor"] = vendor
    if data.get("item") is not None:
        items = CostItem.objects.visible_to(request.user)
        if organisation is not None:
            items = items.filter(organisation=organisation)
        item = items.filter(code=data["item"]).first()
        if item is None:
            raise ValidationError({"item": _("No cost item %(code)s.") % {"code": data["item"]}})
        data["item"] = item
    return data


def _require_writer(request) -> None:
    """403 before a payload's codes are looked up, for a user who writes no ledger (a viewer, an
    auditor, a SAM officer): the service checks the records named once they are found."""
    if not scope_of(request.user).can_write:
        raise PermissionDenied(_("You do not have permission to do this."))


def _systems(request, codes: list[str] | None) -> list[InformationSystem] | None:
    if codes is None:
        return None
    found = {
        s.code: s for s in InformationSystem.objects.visible_to(request.user).filter(code__in=codes)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            {"systems": _("Unknown system IDs: %(codes)s") % {"codes": ", ".join(missing)}}
        )
    return [found[c] for c in codes]


# --- systems ------------------------------------------------------------------------------------


# A system as the API shows it, validated from a row of `selectors.system_rows`: a plain pydantic
# model (django-ninja's Schema reads every field through a Python wrapper). No docstring: it
# would become the schema's description in the OpenAPI document.
class SystemOut(BaseModel):
    id: int
    code: str
    name: str
    owner_unit: str
    owner_unit_name: str
    department: str | None
    status: str
    in_service_on: datetime.date | None
    retired_on: datetime.date | None
    hosting: str
    confidentiality: str
    integrity: str
    availability: str
    users: str
    personal_data: bool
    my_number: bool
    standard_business: str
    sso_integrated: bool
    open_data: bool
    description: str
    updated_at: datetime.datetime

    @model_validator(mode="before")
    @classmethod
    def _owner_unit_code(cls, row: Any) -> Any:
        # `owner_unit` is the model's foreign key, so the row names the section's code otherwise.
        if isinstance(row, dict) and "owner_unit_code" in row:
            return {**row, "owner_unit": row["owner_unit_code"]}
        return row


class SystemPatch(Schema):
    code: str | None = None
    name: str | None = None
    owner_unit: str | None = None
    status: str | None = None
    in_service_on: datetime.date | None = None
    retired_on: datetime.date | None = None
    hosting: str | None = None
    confidentiality: str | None = None
    integrity: str | None = None
    availability: str | None = None
    users: str | None = None
    personal_data: bool | None = None
    my_number: bool | None = None
    standard_business: str | None = None
    sso_integrated: bool | None = None
    open_data: bool | None = None
    description: str | None = None


class SystemIn(SystemPatch):
    code: str
    name: str
    owner_unit: str


class Message(Schema):
    detail: str


SystemQuery = filterset_schema(SystemFilterSet, "SystemQuery")


@router.get("/systems", response=list[SystemOut], tags=["systems"], summary="List systems")
@paginate(Pagination)
def list_systems(request, filters: Query[SystemQuery]):
    return filtered(
        request, SystemFilterSet, selectors.system_rows(user=request.user).order_by("code")
    )


@router.get("/systems/{system_id}", response=SystemOut, tags=["systems"], summary="One system")
def get_system(request, system_id: int):
    return selectors.system_rows(user=request.user).get(pk=system_id)


@router.post("/systems", response={201: SystemOut}, tags=["systems"], summary="Register a system")
def create_system(request, payload: SystemIn):
    data = _resolve(request, payload.dict(exclude_none=True))
    system = services.system_create(organisation=working_organisation(request.user), **data)
    return Status(201, selectors.system_rows(user=request.user).get(pk=system.pk))


@router.patch(
    "/systems/{system_id}", response=SystemOut, tags=["systems"], summary="Change a system"
)
def update_system(request, system_id: int, payload: SystemPatch):
    system = get_object_or_404(InformationSystem.objects.visible_to(request.user), pk=system_id)
    services.system_update(system=system, data=_resolve(request, payload.dict(exclude_unset=True)))
    return selectors.system_rows(user=request.user).get(pk=system.pk)


@router.delete(
    "/systems/{system_id}", response={204: None}, tags=["systems"], summary="Delete a system"
)
def delete_system(request, system_id: int):
    system = get_object_or_404(InformationSystem.objects.visible_to(request.user), pk=system_id)
    services.system_delete(system=system)
    return Status(204, None)


# --- costs --------------------------------------------------------------------------------------


class CostOut(Schema):
    id: int
    system: str
    system_id: int
    fiscal_year: int
    basis: str
    category: str
    item: str
    amount: int
    note: str

    @staticmethod
    def resolve_system(obj) -> str:
        return obj.system.code

    @staticmethod
    def resolve_item(obj) -> str:
        return obj.item.code


class CostPatch(Schema):
    fiscal_year: int | None = None
    basis: str | None = None
    category: str | None = None
    item: str | None = None
    amount: int | None = None
    note: str | None = None


class CostIn(Schema):
    system: str
    fiscal_year: int
    basis: str
    category: str
    item: str
    amount: int
    note: str = ""


CostQuery = filterset_schema(CostLineFilterSet, "CostQuery")


def _costs(request):
    return CostLine.objects.visible_to(request.user).select_related("system", "item")


@router.get("/costs", response=list[CostOut], tags=["costs"], summary="List cost lines")
@paginate(Pagination)
def list_costs(request, filters: Query[CostQuery]):
    return filtered(
        request,
        CostLineFilterSet,
        _costs(request).order_by(
            "system__code", "fiscal_year", "basis", "category", "item__sort_order"
        ),
    )


@router.get("/costs/{cost_id}", response=CostOut, tags=["costs"], summary="One cost line")
def get_cost(request, cost_id: int):
    return _costs(request).get(pk=cost_id)


@router.post("/costs", response={201: CostOut}, tags=["costs"], summary="Record a cost")
def create_cost(request, payload: CostIn):
    _require_writer(request)
    data = payload.model_dump()
    system = (
        InformationSystem.objects.visible_to(request.user).filter(code=data.pop("system")).first()
    )
    if system is None:
        raise ValidationError(
            {"system": _("No system with ID %(code)s.") % {"code": payload.system}}
        )
    data = _resolve(request, data, organisation=system.organisation)
    line = services.cost_line_create(system=system, **data)
    return Status(201, _costs(request).get(pk=line.pk))


@router.patch("/costs/{cost_id}", response=CostOut, tags=["costs"], summary="Correct a cost")
def update_cost(request, cost_id: int, payload: CostPatch):
    line = get_object_or_404(_costs(request), pk=cost_id)
    data = _resolve(
        request, payload.dict(exclude_unset=True), organisation=line.system.organisation
    )
    services.cost_line_update(line=line, data=data)
    return _costs(request).get(pk=cost_id)


@router.delete("/costs/{cost_id}", response={204: None}, tags=["costs"], summary="Delete a cost")
def delete_cost(request, cost_id: int):
    services.cost_line_delete(line=get_object_or_404(_costs(request), pk=cost_id))
    return Status(204, None)


# --- cost items (費目) ----------------------------------------------------------------------------


class CostItemOut(Schema):
    id: int
    code: str
    name: str
    budget_section: str
    sort_order: int


class CostItemPatch(Schema):
    code: str | None = None
    name: str | None = None
    budget_section: str | None = None
    sort_order: int | None = None


class CostItemIn(CostItemPatch):
    code: str
    name: str


CostItemQuery = filterset_schema(CostItemFilterSet, "CostItemQuery")


def _cost_items(request):
    return CostItem.objects.visible_to(request.user)


@router.get(
    "/cost-items",
    response=list[CostItemOut],
    tags=["cost items"],
    summary="List cost items (費目)",
)
@paginate(Pagination)
def list_cost_items(request, filters: Query[CostItemQuery]):
    return filtered(
        request,
        CostItemFilterSet,
        _cost_items(request).order_by("organisation_id", "sort_order", "code"),
    )


@router.get(
    "/cost-items/{item_id}", response=CostItemOut, tags=["cost items"], summary="One cost item"
)
def get_cost_item(request, item_id: int):
    return _cost_items(request).get(pk=item_id)


@router.post(
    "/cost-items",
    response={201: CostItemOut},
    tags=["cost items"],
    summary="Add a cost item (IT policy division)",
)
def create_cost_item(request, payload: CostItemIn):
    data = _not_null(payload.dict(exclude_none=True))
    item = services.cost_item_create(organisation=working_organisation(request.user), **data)
    return Status(201, item)


@router.patch(
    "/cost-items/{item_id}",
    response=CostItemOut,
    tags=["cost items"],
    summary="Change a cost item (IT policy division)",
)
def update_cost_item(request, item_id: int, payload: CostItemPatch):
    item = get_object_or_404(_cost_items(request), pk=item_id)
    return services.cost_item_update(item=item, data=_not_null(payload.dict(exclude_unset=True)))


@router.delete(
    "/cost-items/{item_id}",
    response={204: None},
    tags=["cost items"],
    summary="Delete a cost item no cost line uses (IT policy division)",
)
def delete_cost_item(request, item_id: int):
    services.cost_item_delete(item=get_object_or_404(_cost_items(request), pk=item_id))
    return Status(204, None)


def _not_null(data: dict[str, Any]) -> dict[str, Any]:
    """A payload whose fields are given a value: null answers 400 on the field."""
    for key, value in data.items():
        if value is None:
            raise ValidationError({key: _("This field cannot be empty.")})
    return data


# --- vendors ------------------------------------------------------------------------------------


class VendorOut(Schema):
    id: int
    code: str
    name: str
    corporate_number: str
    phone: str
    email: str
    note: str


class VendorPatch(Schema):
    code: str | None = None
    name: str | None = None
    corporate_number: str | None = None
    phone: str | None = None
    email: str | None = None
    note: str | None = None


class VendorIn(VendorPatch):
    code: str
    name: str


VendorQuery = filterset_schema(VendorFilterSet, "VendorQuery")


@router.get("/vendors", response=list[VendorOut], tags=["vendors"], summary="List vendors")
@paginate(Pagination)
def list_vendors(request, filters: Query[VendorQuery]):
    return filtered(request, VendorFilterSet, Vendor.objects.visible_to(request.user))


@router.get("/vendors/{vendor_id}", response=VendorOut, tags=["vendors"], summary="One vendor")
def get_vendor(request, vendor_id: int):
    return Vendor.objects.visible_to(request.user).get(pk=vendor_id)


@router.post("/vendors", response={201: VendorOut}, tags=["vendors"], summary="Add a vendor")
def create_vendor(request, payload: VendorIn):
    vendor = services.vendor_create(
        organisation=working_organisation(request.user),
        **payload.dict(exclude_none=True),
    )
    return Status(201, vendor)


@router.patch(
    "/vendors/{vendor_id}", response=VendorOut, tags=["vendors"], summary="Change a vendor"
)
def update_vendor(request, vendor_id: int, payload: VendorPatch):
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user), pk=vendor_id)
    return services.vendor_update(vendor=vendor, data=payload.dict(exclude_unset=True))


@router.delete(
    "/vendors/{vendor_id}", response={204: None}, tags=["vendors"], summary="Delete a vendor"
)
def delete_vendor(request, vendor_id: int):
    services.vendor_delete(
        vendor=get_object_or_404(Vendor.objects.visible_to(request.user), pk=vendor_id)
    )
    return Status(204, None)


# --- contracts ----------------------------------------------------------------------------------


class ContractOut(Schema):
    id: int
    code: str
    title: str
    vendor: str
    owner_unit: str
    systems: list[str]
    kind: str
    start_on: datetime.date
    end_on: datetime.date
    yearly_amount: int
    note: str

    @staticmethod
    def resolve_vendor(obj) -> str:
        return obj.vendor.code

    @staticmethod
    def resolve_owner_unit(obj) -> str:
        return obj.owner_unit.code

    @staticmethod
    def resolve_systems(obj) -> list[str]:
        return [s.code for s in obj.systems.all()]


class ContractPatch(Schema):
    code: str | None = None
    title: str | None = None
    vendor: str | None = None
    owner_unit: str | None = None
    systems: list[str] | None = None
    kind: str | None = None
    start_on: datetime.date | None = None
    end_on: datetime.date | None = None
    yearly_amount: int | None = None
    note: str | None = None


class ContractIn(ContractPatch):
    code: str
    title: str
    vendor: str
    owner_unit: str
    kind: str
    start_on: datetime.date
    end_on: datetime.date


ContractQuery = filterset_schema(ContractFilterSet, "ContractQuery")


def _contracts(request):
    return (
        Contract.objects.visible_to(request.user)
        .select_related("vendor", "owner_unit")
        .prefetch_related("systems")
    )


@router.get("/contracts", response=list[ContractOut], tags=["contracts"], summary="List contracts")
@paginate(Pagination)
def list_contracts(request, filters: Query[ContractQuery]):
    return filtered(request, ContractFilterSet, _contracts(request))


@router.get(
    "/contracts/{contract_id}", response=ContractOut, tags=["contracts"], summary="One contract"
)
def get_contract(request, contract_id: int):
    return _contracts(request).get(pk=contract_id)


@router.post(
    "/contracts", response={201: ContractOut}, tags=["contracts"], summary="Record a contract"
)
def create_contract(request, payload: ContractIn):
    _require_writer(request)
    data = _resolve(request, payload.dict(exclude_none=True))
    systems = _systems(request, data.pop("systems", []))
    contract = services.contract_create(
        organisation=working_organisation(request.user),
        systems=systems,
        **data,
    )
    return Status(201, _contracts(request).get(pk=contract.pk))


@router.patch(
    "/contracts/{contract_id}",
    response=ContractOut,
    tags=["contracts"],
    summary="Change a contract",
)
def update_contract(request, contract_id: int, payload: ContractPatch):
    contract = get_object_or_404(_contracts(request), pk=contract_id)
    data = _resolve(request, payload.dict(exclude_unset=True))
    systems = _systems(request, data.pop("systems", None))
    services.contract_update(contract=contract, data=data, systems=systems)
    return _contracts(request).get(pk=contract_id)


@router.delete(
    "/contracts/{contract_id}",
    response={204: None},
    tags=["contracts"],
    summary="Delete a contract",
)
def delete_contract(request, contract_id: int):
    services.contract_delete(contract=get_object_or_404(_contracts(request), pk=contract_id))
    return Status(204, None)


class CoUseOut(Schema):
    id: int
    system: str
    system_name: str
    organisation: str
    co_user: str
    co_user_name: str
    share_percent: float
    started_on: datetime.date | None
    ended_on: datetime.date | None
    note: str
    years: list[dict[str, Any]]

    @staticmethod
    def resolve_system(obj) -> str:
        return obj.system.code

    @staticmethod
    def resolve_system_name(obj) -> str:
        return obj.system.name

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.system.organisation.code or obj.system.organisation.name

    @staticmethod
    def resolve_co_user(obj) -> str:
        return obj.co_user.code or obj.co_user.name

    @staticmethod
    def resolve_co_user_name(obj) -> str:
        return obj.co_user.name

    @staticmethod
    def resolve_years(obj) -> list[dict[str, Any]]:
        return selectors.co_use_years(obj)


class CoUseIn(Schema):
    co_user: str
    share_percent: float
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    note: str = ""


def _co_uses(request):
    from daicho.registry.models import SystemCoUse

    return SystemCoUse.objects.visible_to(request.user).select_related(
        "system", "system__organisation", "co_user"
    )


@router.get(
    "/co-uses",
    response=list[CoUseOut],
    tags=["systems"],
    summary="Co-uses the caller's organisation owns or takes part in, with the shares per year",
)
@paginate(Pagination)
def list_co_uses(request):
    return _co_uses(request).order_by("system__code", "co_user__code")


@router.post(
    "/systems/{system_id}/co-uses",
    response=CoUseOut,
    tags=["systems"],
    summary="Record or change a co-use of a system (the owner's IT policy division)",
)
def set_co_use(request, system_id: int, payload: CoUseIn):
    from decimal import Decimal

    from django.db.models import Q

    from daicho.core.models import Organisation

    system = get_object_or_404(InformationSystem.objects.visible_to(request.user), pk=system_id)
    if system.organisation_id not in scope_of(request.user).policy_org_ids:
        raise PermissionDenied
    co_user = Organisation.objects.filter(Q(code=payload.co_user) | Q(name=payload.co_user)).first()
    if co_user is None:
        raise ValidationError(
            {"co_user": _("No organisation %(name)s.") % {"name": payload.co_user}}
        )
    data = payload.model_dump()
    data["co_user"] = co_user
    data["share_percent"] = Decimal(str(payload.share_percent))
    co_use = services.co_use_set(system=system, **data)
    return _co_uses(request).get(pk=co_use.pk)


#: A write for a record of section A (the body names it by its codes): its owner and IT policy;
#: another organisation's IT policy is told the codes name nothing in its organisation (400).
WRITE_IN_OWN_UNIT = via_api(
    answers(DENIED, owner=OK, policy=OK, dual_policy=OK, outsider=OK), read_token=DENIED
)

# What each role gets from the API operations (daicho.core.access): the generated permission
# matrix, tests/test_permission_matrix.py, asks each as every role.
ACCESS = {
    "list_systems": via_api(MEMBERS),
    "create_system": WRITE_IN_OWN_UNIT,
    "get_system": via_api(RECORD_READERS),
    "list_co_uses": via_api(MEMBERS),
    "set_co_use": via_api(POLICY_EDIT, read_token=DENIED),
    "update_system": via_api(OWNERS_EDIT, read_token=DENIED),
    "delete_system": via_api(OWNERS_EDIT, read_token=DENIED),
    "list_costs": via_api(MEMBERS),
    "create_cost": WRITE_IN_OWN_UNIT,
    "get_cost": via_api(RECORD_READERS),
    "update_cost": via_api(OWNERS_EDIT, read_token=DENIED),
    "delete_cost": via_api(OWNERS_EDIT, read_token=DENIED),
    "list_cost_items": via_api(MEMBERS),
    "create_cost_item": via_api(POLICY_CREATE_HERE, read_token=DENIED),
    "get_cost_item": via_api(RECORD_READERS),
    "update_cost_item": via_api(POLICY_EDIT, read_token=DENIED),
    "delete_cost_item": via_api(POLICY_EDIT, read_token=DENIED),
    "list_vendors": via_api(MEMBERS),
    # owners (of any unit) and IT policy of the organisation the user works in
    "create_vendor": via_api(OWNERS_CREATE_HERE, read_token=DENIED),
    "get_vendor": via_api(RECORD_READERS),
    "update_vendor": via_api(POLICY_EDIT, read_token=DENIED),
    "delete_vendor": via_api(POLICY_EDIT, read_token=DENIED),
    "list_contracts": via_api(MEMBERS),
    "create_contract": WRITE_IN_OWN_UNIT,
    "get_contract": via_api(RECORD_READERS),
    "update_contract": via_api(OWNERS_EDIT, read_token=DENIED),
    "delete_contract": via_api(OWNERS_EDIT, read_token=DENIED),
}
