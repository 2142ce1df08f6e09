"""Columns of the registry's list pages."""

from __future__ import annotations

import functools

from django.urls import reverse
from django.utils.html import format_html
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


def _cost_item_actions(item) -> str:
    if not item.editable:
        return ""
    edit = format_html(
        '<a href="{}">{}</a>', reverse("registry:cost_item_edit", args=[item.pk]), _("Edit")
    )
    if item.line_count:
        return edit
    delete = reverse("registry:cost_item_delete", args=[item.pk])
    return format_html('{} · <a href="{}">{}</a>', edit, delete, _("Delete"))


COST_ITEM_COLUMNS = [
    Column("code", _("Code"), optional=False),
    Column("name", _("Name"), optional=False),
    Column("budget_section", _("Budget section (節)")),
    Column(
        "sort_order", _("Sort order"), sort=("organisation_id", "sort_order", "code"), numeric=True
    ),
    Column("line_count", _("Cost lines"), numeric=True),
    Column("actions", "", _cost_item_actions, optional=False),
]
ORGANISATION_COLUMN = Column(
    "organisation", _("Organisation"), field="organisation__name", sort=("organisation__code",)
)


def _co_use_system(co_use) -> str:
    url = reverse("registry:co_use_detail", args=[co_use.pk])
    return format_html('<a href="{}">{}</a>', url, co_use.system.name)


def _co_user(co_use) -> str:
    user = co_use.co_user
    if user.code:
        return format_html('{} <span class="text-muted small">({})</span>', user.name, user.code)
    return user.name


def _period(co_use) -> str:
    return f"{jdate(co_use.started_on) or '—'}〜{jdate(co_use.ended_on)}"


CO_USE_COLUMNS = [
    Column(
        "code",
        _("System ID"),
        lambda c: format_html("<code>{}</code>", c.system.code),
        sort=("system__code", "co_user__code"),
        optional=False,
    ),
    Column("system", _("System"), _co_use_system, sort=("system__name",), optional=False),
    Column("owner", _("Owning organisation"), field="system__organisation__name"),
    Column("co_user", _("Co-using organisation"), _co_user, sort=("co_user__name",)),
    Column("share_percent", _("Cost share"), format=lambda p: f"{p}%", numeric=True),
    Column("period", _("Period"), _period, sort=("started_on",)),
    Column("note", _("Note"), sort=()),
]
