"""The incident list's filters (UI form, exports)."""

from __future__ import annotations

import datetime

import django_filters as df
from django.utils.translation import gettext_lazy as _

from daicho.core import wareki
from daicho.core.filters import FilterSet, FiscalYearFilter, visible_units
from daicho.registry.filters import BooleanChoiceFilter
from daicho.security.models import (
    Incident,
    IncidentKind,
    IncidentStatus,
    Severity,
    TrainingSession,
)


class IncidentFilterSet(FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    fiscal_year = df.NumberFilter(
        label=_("Fiscal year"),
        method="in_fiscal_year",
        min_value=wareki.MIN_FISCAL_YEAR,
        max_value=wareki.MAX_FISCAL_YEAR,
    )
    kind = df.ChoiceFilter(label=_("Kind"), choices=IncidentKind.choices)
    severity = df.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    status = df.ChoiceFilter(label=_("Status"), choices=IncidentStatus.choices)
    personal_data = BooleanChoiceFilter(label=_("Personal data involved"))
    unit = df.ModelChoiceFilter(label=_("Unit"), queryset=visible_units, method="in_unit")

    class Meta:
        model = Incident
        fields: list[str] = []

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(code__icontains=value))

    def in_fiscal_year(self, queryset, name, value):
        fy = int(value)
        return queryset.filter(
            occurred_on__gte=datetime.date(fy, 4, 1), occurred_on__lte=datetime.date(fy + 1, 3, 31)
        )

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)


class TrainingFilterSet(FilterSet):
    """Training sessions held in a fiscal year, on a topic."""

    fiscal_year = FiscalYearFilter(field_name="held_on", label=_("Fiscal year"))

    class Meta:
        model = TrainingSession
        fields = ["topic"]
