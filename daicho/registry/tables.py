"""Columns of the registry's list pages."""

from __future__ import annotations

import functools

from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column, label
from daicho.core.templatetags.daicho import jdate, yen
from daicho.registry.models import (
    ContractKind,
    GreenPurchase,
    Hosting,
    StandardBusiness,
    Status,
    UserBase,
)


@functools.lru_cache
def _cia_letters(language: str | None) -> tuple[str, str, str]:
    return gettext("C"), gettext("I"), gettext("A")


def _classification(s: dict) -> str:
    c, i, a = _cia_letters(get_language())  # translated once per language, not per row
    parts = [(c, s["confidentiality"]), (i, s["integrity"]), (a, s["availability"])]
    return " ".join(f"{letter}{value}" for letter, value in parts if value)


def _yes(value: bool) -> str:
    return "✓" if value else ""


SYSTEM_COLUMNS = [
    Column(
        "code",
        _("System ID"),
        lambda s: s["code"],
        sort=("code",),
        link="registry:system_detail",
        optional=False,
        reads=("code",),
    ),
    Column(
        "name",
        _("Name"),
        lambda s: s["name"],
        sort=("name",),
        link="registry:system_detail",
        optional=False,
        reads=("name",),
    ),
    Column(
        "department",
        _("Department"),
        lambda s: s["department"],
        sort=("owner_unit__tree_key",),
        reads=("department",),
    ),
    Column(
        "owner_unit",
        _("Owner section"),
        lambda s: s["owner_unit_name"],
        sort=("owner_unit__tree_key",),
        reads=("owner_unit_name",),
    ),
    Column(
        "status",
        _("Status"),
        lambda s: label(Status, s["status"]),
        sort=("status",),
        reads=("status",),
    ),
    Column(
        "hosting",
        _("Hosting"),
        lambda s: label(Hosting, s["hosting"]),
        sort=("hosting",),
        reads=("hosting",),
    ),
    Column(
        "classification",
        _("Classification"),
        _classification,
        reads=("confidentiality", "integrity", "availability"),
    ),
    Column(
        "in_service_on",
        _("In service since"),
        lambda s: jdate(s["in_service_on"]),
        sort=("in_service_on",),
        reads=("in_service_on",),
    ),
    Column(
        "retired_on",
        _("Retired on"),
        lambda s: jdate(s["retired_on"]),
        sort=("retired_on",),
        default=False,
        reads=("retired_on",),
    ),
    Column(
        "users",
        _("Users"),
        lambda s: label(UserBase, s["users"]),
        default=False,
        reads=("users",),
    ),
    Column(
        "personal_data",
        _("Personal data"),
        lambda s: _yes(s["personal_data"]),
        default=False,
        reads=("personal_data",),
    ),
    Column(
        "my_number",
        _("Individual number"),
        lambda s: _yes(s["my_number"]),
        default=False,
        reads=("my_number",),
    ),
    Column(
        "standard_business",
        _("Standardisation business area"),
        lambda s: label(StandardBusiness, s["standard_business"]),
        default=False,
        reads=("standard_business",),
    ),
    Column(
        "sso_integrated",
        _("SSO"),
        lambda s: _yes(s["sso_integrated"]),
        default=False,
        reads=("sso_integrated",),
    ),
    Column(
        "open_data",
        _("Open data"),
        lambda s: _yes(s["open_data"]),
        default=False,
        reads=("open_data",),
    ),
    Column(
        "updated_at",
        _("Updated"),
        lambda s: localtime(s["updated_at"]).strftime("%Y-%m-%d %H:%M"),
        sort=("updated_at",),
        default=False,
        reads=("updated_at",),
    ),
]

VENDOR_COLUMNS = [
    Column(
        "code",
        _("Vendor ID"),
        lambda v: v.code,
        sort=("code",),
        link="registry:vendor_detail",
        optional=False,
    ),
    Column(
        "name",
        _("Name"),
        lambda v: v.name,
        sort=("name",),
        link="registry:vendor_detail",
        optional=False,
    ),
    Column("corporate_number", _("Corporate number"), lambda v: v.corporate_number),
    Column("phone", _("Phone"), lambda v: v.phone),
    Column("email", _("E-mail"), lambda v: v.email, default=False),
    Column(
        "contract_count",
        _("Contracts"),
        lambda v: v.contract_count,
        sort=("contract_count",),
        numeric=True,
    ),
]

CONTRACT_COLUMNS = [
    Column(
        "code",
        _("Contract ID"),
        lambda c: c.code,
        sort=("code",),
        link="registry:contract_detail",
        optional=False,
    ),
    Column(
        "title",
        _("Title"),
        lambda c: c.title,
        sort=("title",),
        link="registry:contract_detail",
        optional=False,
    ),
    Column("vendor", _("Vendor"), lambda c: c.vendor.name, sort=("vendor__name",)),
    Column(
        "owner_unit",
        _("Owner section"),
        lambda c: c.owner_unit.name,
        sort=("owner_unit__tree_key",),
    ),
    Column("kind", _("Kind"), lambda c: label(ContractKind, c.kind), sort=("kind",)),
    Column("start_on", _("Start"), lambda c: jdate(c.start_on), sort=("start_on",)),
    Column("end_on", _("End"), lambda c: jdate(c.end_on), sort=("end_on",)),
    Column(
        "yearly_amount",
        _("Yearly amount (yen)"),
        lambda c: yen(c.yearly_amount),
        sort=("yearly_amount",),
        numeric=True,
    ),
    Column(
        "green",
        _("Green procurement"),
        lambda c: label(GreenPurchase, c.green) if c.green else "",
        default=False,
    ),
]
