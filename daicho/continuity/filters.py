"""Filters of the continuity lists: backup compliance, ICT-BCP, drills, availability."""

from __future__ import annotations

import django_filters as df
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField

from daicho.continuity.models import BcpPlan, Drill
from daicho.core import wareki
from daicho.core.filters import FilterSet, FiscalYearFilter
from daicho.core.models import OrgUnit
from daicho.core.templatetags.daicho import fy as fiscal_year_label
from daicho.registry.models import InformationSystem


class AnyCodeField(ChoiceField):
    """A unit code chosen from the options, or typed (one the list does not offer finds
    nothing)."""

    def valid_value(self, value) -> bool:
        return True


class DepartmentFilter(df.ChoiceFilter):
    field_class = AnyCodeField


def _keep(queryset, name, value):
    """A choice the list applies to the rows it computes (not to the query)."""
    return queryset


class ComplianceFilterSet(FilterSet):
    """The systems checked: a department's; the failing ones (the default) or all."""

    # Offered as the organisation's departments; another code finds nothing (it is no error).
    department = DepartmentFilter(
        label=_("Department"), field_name="owner_unit__department__code", empty_label=_("All")
    )
    state = df.ChoiceFilter(
        label=_("Show"),
        choices=[
            ("failing", _("Systems that do not meet the standard")),
            ("all", _("All systems")),
        ],
        empty_label=None,
        method=_keep,
    )

    class Meta:
        model = InformationSystem
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        organisation = getattr(request, "organisation", None)
        departments = OrgUnit.objects.filter(organisation=organisation, parent=None).order_by(
            "tree_key"
        )
        self.filters["department"].extra["choices"] = [(d.code, d.name) for d in departments]


class BcpFilterSet(FilterSet):
    """Every plan, or those whose readiness check finds a contradiction."""

    state = df.ChoiceFilter(
        label=_("Show"),
        choices=[("contradictions", _("Plans with contradictions"))],
        empty_label=_("All plans"),
        method=_keep,
    )

    class Meta:
        model = BcpPlan
        fields: list[str] = []


class DrillFilterSet(FilterSet):
    """Drills held in a fiscal year, of a kind."""

    fiscal_year = FiscalYearFilter(field_name="held_on", label=_("Fiscal year"))

    class Meta:
        model = Drill
        fields = ["kind"]


def _years():
    return [
        (str(fy), fiscal_year_label(fy))
        for fy in range(wareki.fiscal_year_of(timezone.localdate()), 2007, -1)
    ]


class AvailabilityFilterSet(FilterSet):
    """The fiscal year the availability is computed for (the current one by default)."""

    fy = df.ChoiceFilter(label=_("Fiscal year"), choices=_years, empty_label=None, method=_keep)

    class Meta:
        model = InformationSystem
        fields: list[str] = []
