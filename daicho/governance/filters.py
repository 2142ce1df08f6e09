"""Filters of the governance lists (UI, API and exports share them)."""

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
from daicho.governance.models import (
    CaseKind,
    CaseState,
    Conclusion,
    Consultation,
    ConsultationChannel,
    ConsultationTopic,
    Evaluation,
    GreenStatus,
    ProcurementCase,
    Stage,
)
from daicho.registry.filters import BooleanChoiceFilter


class CaseFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    stage = df.MultipleChoiceFilter(choices=Stage.choices, label=_("Gate"), distinct=False)
    state = df.MultipleChoiceFilter(choices=CaseState.choices, label=_("State"), distinct=False)
    kind = df.ChoiceFilter(choices=CaseKind.choices, label=_("Kind"))
    fiscal_year = df.NumberFilter(
        label=_("Budget fiscal year"),
        min_value=wareki.MIN_FISCAL_YEAR,
        max_value=wareki.MAX_FISCAL_YEAR,
    )
    department = DepartmentCodeFilter(field_name="owner_unit", label=_("Department"))
    green = df.MultipleChoiceFilter(
        choices=GreenStatus.choices, label=_("Green procurement"), distinct=False
    )
    contract_fy = FiscalYearFilter(field_name="contract_start_on", label=_("Contract starts in FY"))
    system = df.CharFilter(field_name="system__code", lookup_expr="iexact", label=_("System ID"))

    class Meta:
        model = ProcurementCase
        fields: list[str] = []

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(system__name__icontains=word)
                | Q(system__code__icontains=word)
            )
        return queryset


class ConsultationFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    fy = FiscalYearFilter(field_name="consulted_on", label=_("Fiscal year"))
    topic = df.MultipleChoiceFilter(
        choices=ConsultationTopic.choices, label=_("Topic"), distinct=False
    )
    channel = df.ChoiceFilter(choices=ConsultationChannel.choices, label=_("Channel"))
    unit = UnitCodeFilter(field_name="unit", label=_("Section"))
    saving = BooleanChoiceFilter(method="with_saving", label=_("Cut costs"))
    system = df.CharFilter(field_name="system__code", lookup_expr="iexact", label=_("System ID"))

    class Meta:
        model = Consultation
        fields: list[str] = []

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(subject__icontains=word)
                | Q(result__icontains=word)
                | Q(system__name__icontains=word)
                | Q(unit__name__icontains=word)
            )
        return queryset

    def with_saving(self, queryset, name, value):
        if value in ("", None):
            return queryset
        return (
            queryset.filter(cost_saving__gt=0)
            if value == "true"
            else queryset.filter(cost_saving=0)
        )


class EvaluationFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    fiscal_year = df.NumberFilter(
        label=_("Fiscal year evaluated"),
        min_value=wareki.MIN_FISCAL_YEAR,
        max_value=wareki.MAX_FISCAL_YEAR,
    )
    conclusion = df.MultipleChoiceFilter(
        choices=Conclusion.choices, label=_("Conclusion"), distinct=False
    )
    system = df.CharFilter(field_name="system__code", lookup_expr="iexact", label=_("System ID"))

    class Meta:
        model = Evaluation
        fields: list[str] = []

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(system__name__icontains=word)
                | Q(findings__icontains=word)
                | Q(follow_up__icontains=word)
            )
        return queryset
