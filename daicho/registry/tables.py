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


def _minute(moment) -> str:
    return localtime(moment).strftime("%Y-%m-%d %H:%M")


SYSTEM_COLUMNS = [
    Column("code", _("System ID"), link="registry:system_detail", optional=False),
    Column("name", _("Name"), link="registry:system_detail", optional=False),
    Column("department", _("Department"), sort=("owner_unit__tree_key",)),
    Column(
        "owner_unit",
        _("Owner section"),
        field="owner_unit_name",
        sort=("owner_unit__tree_key",),
    ),
    Column("status", _("Status"), choices=Status),
    Column("hosting", _("Hosting"), choices=Hosting),
    Column(
        "classification",
        _("Classification"),
        _classification,
        reads=("confidentiality", "integrity", "availability"),
    ),
    Column("in_service_on", _("In service since"), format=jdate),
    Column("retired_on", _("Retired on"), format=jdate, default=False),
    Column("users", _("Users"), choices=UserBase, sort=(), default=False),
    Column("personal_data", _("Personal data"), format=_yes, sort=(), default=False),
    Column("my_number", _("Individual number"), format=_yes, sort=(), default=False),
    Column(
        "standard_business",
        _("Standardisation business area"),
        choices=StandardBusiness,
        sort=(),
        default=False,
    ),
    Column("sso_integrated", _("SSO"), format=_yes, sort=(), default=False),
    Column("open_data", _("Open data"), format=_yes, sort=(), default=False),
    Column("updated_at", _("Updated"), format=_minute, default=False),
]

VENDOR_COLUMNS = [
    Column("code", _("Vendor ID"), link="registry:vendor_detail", optional=False),
    Column("name", _("Name"), link="registry:vendor_detail", optional=False),
    Column("corporate_number", _("Corporate number"), sort=()),
    Column("phone", _("Phone"), sort=()),
    Column("email", _("E-mail"), sort=(), default=False),
    Column("contract_count", _("Contracts"), numeric=True),
]

CONTRACT_COLUMNS = [
    Column("code", _("Contract ID"), link="registry:contract_detail", optional=False),
    Column("title", _("Title"), link="registry:contract_detail", optional=False),
    Column("vendor", _("Vendor"), field="vendor__name"),
    Column(
        "owner_unit", _("Owner section"), field="owner_unit__name", sort=("owner_unit__tree_key",)
    ),
    Column("kind", _("Kind"), choices=ContractKind),
    Column("start_on", _("Start"), format=jdate),
    Column("end_on", _("End"), format=jdate),
    Column("yearly_amount", _("Yearly amount (yen)"), format=yen, numeric=True),
    Column(
        "green",
        _("Green procurement"),
        lambda c: label(GreenPurchase, c.green) if c.green else "",
        default=False,
    ),
]
