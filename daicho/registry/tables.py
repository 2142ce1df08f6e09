"""Tables of the registry's list pages (django-tables2: sorting, pagination, column choice)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from daicho.core.templatetags.daicho import jdate, yen
from daicho.registry.models import Contract, InformationSystem, Vendor

TABLE_ATTRS = {"class": "table table-sm table-hover bg-white align-middle"}


class SystemTable(tables.Table):
    pk = tables.CheckBoxColumn(
        accessor="pk",
        attrs={"th__input": {"data-select-all": "1"}},
        orderable=False,
        exclude_from_export=True,
    )
    code = tables.Column(linkify=True, verbose_name=_("System ID"))
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    department = tables.Column(
        accessor="department_name",
        verbose_name=_("Department"),
        order_by=("owner_unit__department__sort_order", "owner_unit__path"),
    )
    owner_unit = tables.Column(
        accessor="owner_unit__name", verbose_name=_("Owner section"), order_by=("owner_unit__path",)
    )
    status = tables.Column(verbose_name=_("Status"))
    hosting = tables.Column(verbose_name=_("Hosting"))
    classification = tables.Column(
        empty_values=(), orderable=False, verbose_name=_("Classification")
    )
    in_service_on = tables.Column(verbose_name=_("In service since"))
    users = tables.Column(verbose_name=_("Users"))
    personal_data = tables.BooleanColumn(verbose_name=_("Personal data"))
    my_number = tables.BooleanColumn(verbose_name=_("Individual number"))
    standard_business = tables.Column(verbose_name=_("Standardisation business area"))
    sso_integrated = tables.BooleanColumn(verbose_name=_("SSO"))
    updated_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("Updated"))

    class Meta:
        model = InformationSystem
        fields = ()
        sequence = (
            "pk",
            "code",
            "name",
            "department",
            "owner_unit",
            "status",
            "hosting",
            "classification",
            "in_service_on",
        )
        attrs = TABLE_ATTRS
        fixed = ("pk", "code", "name")
        default_columns = (
            "department",
            "owner_unit",
            "status",
            "hosting",
            "classification",
            "in_service_on",
        )
        order_by = ("code",)

    def render_classification(self, record):
        parts = [
            (_("C"), record.confidentiality),
            (_("I"), record.integrity),
            (_("A"), record.availability),
        ]
        return " ".join(f"{label}{value}" for label, value in parts if value) or "—"

    def render_in_service_on(self, value):
        return jdate(value)


class VendorTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    contract_count = tables.Column(verbose_name=_("Contracts"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Vendor
        fields = ("code", "name", "corporate_number", "phone", "email")
        sequence = ("code", "name", "corporate_number", "phone", "email", "contract_count")
        attrs = TABLE_ATTRS
        fixed = ("code", "name")


class ContractTable(tables.Table):
    code = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    vendor = tables.Column(accessor="vendor__name", order_by=("vendor__name",))
    owner_unit = tables.Column(
        accessor="owner_unit__name", verbose_name=_("Owner section"), order_by=("owner_unit__path",)
    )
    yearly_amount = tables.Column(attrs={"td": {"class": "num"}})

    class Meta:
        model = Contract
        fields = (
            "code",
            "title",
            "vendor",
            "owner_unit",
            "kind",
            "start_on",
            "end_on",
            "yearly_amount",
        )
        attrs = TABLE_ATTRS
        fixed = ("code", "title")
        order_by = ("-start_on",)

    def render_yearly_amount(self, value):
        return format_html("{}", yen(value))

    def render_start_on(self, value):
        return jdate(value)

    def render_end_on(self, value):
        return jdate(value)
