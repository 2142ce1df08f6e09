"""One FilterSet per list: the UI filter form, the API query parameters and exports share it."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core import wareki
from daicho.core.filters import (
    DepartmentCodeFilter,
    FilterSet,
    FiscalYearFilter,
    UnitCodeFilter,
)
from daicho.registry.models import (
    Availability,
    Basis,
    Category,
    Confidentiality,
    Contract,
    ContractKind,
    CostItem,
    CostLine,
    Hosting,
    InformationSystem,
    Integrity,
    StandardBusiness,
    Status,
    SystemCoUse,
    Vendor,
)

YES_NO = [("true", _("Yes")), ("false", _("No"))]


def _vendors(request):
    return Vendor.objects.visible_to(getattr(request, "user", None))


class BooleanChoiceFilter(df.ChoiceFilter):
    """Yes/no as a select box (and `true`/`false` in the API)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(**{self.field_name: value == "true"})


class SystemFilterSet(FilterSet):
    """Filters of the system list (UI, API `GET /api/v1/systems`, exports)."""

    q = df.CharFilter(method="search", label=_("Search"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact", label=_("System ID"))
    department = DepartmentCodeFilter(field_name="owner_unit", label=_("Department"))
    owner_unit = UnitCodeFilter(field_name="owner_unit", label=_("Section"))
    status = df.MultipleChoiceFilter(choices=Status.choices, label=_("Status"), distinct=False)
    hosting = df.MultipleChoiceFilter(choices=Hosting.choices, label=_("Hosting"), distinct=False)
    confidentiality = df.ChoiceFilter(choices=Confidentiality.choices, label=_("Confidentiality"))
    integrity = df.ChoiceFilter(choices=Integrity.choices, label=_("Integrity"))
    availability = df.ChoiceFilter(choices=Availability.choices, label=_("Availability"))
    standard_business = df.ChoiceFilter(
        choices=StandardBusiness.choices, label=_("Standardisation business area")
    )
    personal_data = BooleanChoiceFilter(field_name="personal_data", label=_("Personal data"))
    my_number = BooleanChoiceFilter(field_name="my_number", label=_("Individual number"))
    sso_integrated = BooleanChoiceFilter(field_name="sso_integrated", label=_("SSO integrated"))
    open_data = BooleanChoiceFilter(field_name="open_data", label=_("Open data"))
    ordering = df.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("owner_unit__tree_key", "owner_unit"),
            ("status", "status"),
            ("hosting", "hosting"),
            ("in_service_on", "in_service_on"),
            ("updated_at", "updated_at"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = InformationSystem
        fields: list[str] = []

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(code__icontains=word)
                | Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(owner_unit__name__icontains=word)
            )
        return queryset


class CostLineFilterSet(FilterSet):
    """Filters of cost lines (API `GET /api/v1/costs`, exports)."""

    system = df.CharFilter(field_name="system__code", lookup_expr="iexact", label=_("System ID"))
    fiscal_year = df.NumberFilter(
        label=_("Fiscal year"),
        min_value=wareki.MIN_FISCAL_YEAR,
        max_value=wareki.MAX_FISCAL_YEAR,
    )
    fiscal_year_min = df.NumberFilter(
        field_name="fiscal_year", lookup_expr="gte", label=_("From fiscal year")
    )
    fiscal_year_max = df.NumberFilter(
        field_name="fiscal_year", lookup_expr="lte", label=_("To fiscal year")
    )
    basis = df.ChoiceFilter(choices=Basis.choices, label=_("Basis"))
    category = df.ChoiceFilter(choices=Category.choices, label=_("Category"))
    # By code, not as a choice of records: every organisation has its own 委託料 (itaku), and a
    # user who reads two organisations filters both by the one code.
    item = df.CharFilter(field_name="item__code", lookup_expr="iexact", label=_("Cost item"))
    department = DepartmentCodeFilter(field_name="system__owner_unit", label=_("Department"))

    class Meta:
        model = CostLine
        fields: list[str] = []


class CostItemFilterSet(FilterSet):
    """Filters of the 費目 (API `GET /api/v1/cost-items`)."""

    q = df.CharFilter(method="search", label=_("Search"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact", label=_("Code"))
    budget_section = df.CharFilter(label=_("Budget section (節)"))

    class Meta:
        model = CostItem
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class VendorFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact", label=_("Vendor ID"))

    class Meta:
        model = Vendor
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(corporate_number=value)
        )


class ContractFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact", label=_("Contract ID"))
    vendor = df.ModelChoiceFilter(queryset=_vendors, to_field_name="code", label=_("Vendor"))
    kind = df.ChoiceFilter(choices=ContractKind.choices, label=_("Kind"))
    system = df.CharFilter(
        field_name="systems__code", lookup_expr="iexact", label=_("System ID"), distinct=True
    )
    active_on = df.DateFilter(method="active", label=_("In force on"))

    class Meta:
        model = Contract
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(code__icontains=value) | Q(vendor__name__icontains=value)
        )

    def active(self, queryset, name, value):
        return queryset.filter(start_on__lte=value, end_on__gte=value)


class CoUseFilterSet(FilterSet):
    """The co-uses active in a fiscal year (typed as 2014, 平成26年度 or H26)."""

    fy = FiscalYearFilter(label=_("Fiscal year"), method="active_in")

    class Meta:
        model = SystemCoUse
        fields: list[str] = []

    def active_in(self, queryset, name, value):
        return queryset.active_in(value)
