"""The registry's export kinds: systems, costs, units, vendors, contracts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.exports import Column, ExportKind
from daicho.core.models import OrgUnit
from daicho.registry import selectors
from daicho.registry.models import Contract, CostLine, Vendor


def _date(value):
    return value.isoformat() if value else None


SYSTEM_COLUMNS = [
    Column("code", _("System ID"), lambda s: s.code),
    Column("name", _("Name"), lambda s: s.name),
    Column("department", _("Department"), lambda s: s.department_name),
    Column("owner_unit", _("Owner section code"), lambda s: s.owner_unit.code),
    Column("owner_unit_name", _("Owner section"), lambda s: s.owner_unit.name),
    Column("status", _("Status"), lambda s: s.status),
    Column("in_service_on", _("In service since"), lambda s: _date(s.in_service_on)),
    Column("retired_on", _("Retired on"), lambda s: _date(s.retired_on)),
    Column("hosting", _("Hosting"), lambda s: s.hosting),
    Column("confidentiality", _("Confidentiality"), lambda s: s.confidentiality),
    Column("integrity", _("Integrity"), lambda s: s.integrity),
    Column("availability", _("Availability"), lambda s: s.availability),
    Column("users", _("Users"), lambda s: s.users),
    Column("personal_data", _("Personal data"), lambda s: s.personal_data),
    Column("my_number", _("Individual number"), lambda s: s.my_number),
    Column("standard_business", _("Standardisation business area"), lambda s: s.standard_business),
    Column("sso_integrated", _("SSO integrated"), lambda s: s.sso_integrated),
    Column("description", _("Description"), lambda s: s.description),
]

COST_COLUMNS = [
    Column("system", _("System ID"), lambda c: c.system.code),
    Column("system_name", _("System"), lambda c: c.system.name),
    Column("fiscal_year", _("Fiscal year"), lambda c: c.fiscal_year),
    Column("basis", _("Basis"), lambda c: c.basis),
    Column("category", _("Category"), lambda c: c.category),
    Column("item", _("Cost item"), lambda c: c.item.name),
    Column("amount", _("Amount (yen)"), lambda c: c.amount),
    Column("note", _("Note"), lambda c: c.note),
]

UNIT_COLUMNS = [
    Column("code", _("Code"), lambda u: u.code),
    Column("name", _("Name"), lambda u: u.name),
    Column("kind", _("Kind"), lambda u: u.kind),
    Column("parent", _("Parent unit code"), lambda u: u.parent.code if u.parent else None),
    Column("sort_order", _("Sort order"), lambda u: u.sort_order),
]

VENDOR_COLUMNS = [
    Column("code", _("Vendor ID"), lambda v: v.code),
    Column("name", _("Name"), lambda v: v.name),
    Column("corporate_number", _("Corporate number"), lambda v: v.corporate_number),
    Column("phone", _("Phone"), lambda v: v.phone),
    Column("email", _("E-mail"), lambda v: v.email),
    Column("note", _("Note"), lambda v: v.note),
]

CONTRACT_COLUMNS = [
    Column("code", _("Contract ID"), lambda c: c.code),
    Column("title", _("Title"), lambda c: c.title),
    Column("vendor", _("Vendor ID"), lambda c: c.vendor.code),
    Column("owner_unit", _("Owner section code"), lambda c: c.owner_unit.code),
    Column("systems", _("System IDs"), lambda c: " ".join(s.code for s in c.systems.all())),
    Column("kind", _("Kind"), lambda c: c.kind),
    Column("start_on", _("Start"), lambda c: _date(c.start_on)),
    Column("end_on", _("End"), lambda c: _date(c.end_on)),
    Column("yearly_amount", _("Yearly amount (yen)"), lambda c: c.yearly_amount),
    Column("note", _("Note"), lambda c: c.note),
]


def register(exports) -> None:
    """Register the registry's kinds with the core export engine."""
    exports.register(
        ExportKind(
            "systems",
            _("Information systems"),
            SYSTEM_COLUMNS,
            lambda user: selectors.system_list(user=user),
        )
    )
    exports.register(
        ExportKind(
            "costs",
            _("Costs"),
            COST_COLUMNS,
            lambda user: (
                CostLine.objects.visible_to(user)
                .select_related("system", "item")
                .order_by("system__code", "fiscal_year", "basis", "category", "item__sort_order")
            ),
        )
    )
    exports.register(
        ExportKind(
            "units",
            _("Units"),
            UNIT_COLUMNS,
            lambda user: OrgUnit.objects.visible_to(user).select_related("parent"),
        )
    )
    exports.register(
        ExportKind(
            "vendors", _("Vendors"), VENDOR_COLUMNS, lambda user: Vendor.objects.visible_to(user)
        )
    )
    exports.register(
        ExportKind(
            "contracts",
            _("Contracts"),
            CONTRACT_COLUMNS,
            lambda user: (
                Contract.objects.visible_to(user)
                .select_related("vendor", "owner_unit")
                .prefetch_related("systems")
            ),
        )
    )
