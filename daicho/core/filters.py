"""Filters of the unit list (UI and API)."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.models import OrgUnit


def _units(request):
    return OrgUnit.objects.visible_to(getattr(request, "user", None)).order_by("path")


class UnitFilterSet(df.FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact", label=_("Code"))
    parent = df.ModelChoiceFilter(queryset=_units, to_field_name="code", label=_("Parent unit"))

    class Meta:
        model = OrgUnit
        fields = ["kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
