"""Filters of the product list."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.filters import FilterSet
from daicho.lifecycle.models import SoftwareProduct


class ProductFilterSet(FilterSet):
    q = df.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = SoftwareProduct
        fields = ["category"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(vendor__icontains=value))
