"""Filters of the product and matching-rule lists."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.filters import FilterSet
from daicho.lifecycle.models import MatchRule, SoftwareProduct


class ProductFilterSet(FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = SoftwareProduct
        fields = ["category"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(vendor__icontains=value))


class MatchRuleFilterSet(FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")
    kept_by = df.ChoiceFilter(
        label=_("Rules"),
        method="by_keeper",
        choices=[("own", _("This organisation's rules")), ("shipped", _("Shipped rules"))],
    )

    class Meta:
        model = MatchRule
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(pattern__icontains=value)
            | Q(product__name__icontains=value)
            | Q(cycle__icontains=value)
            | Q(note__icontains=value)
        )

    def by_keeper(self, queryset, name, value):
        return queryset.filter(organisation__isnull=value == "shipped")
