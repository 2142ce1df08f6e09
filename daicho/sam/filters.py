"""Filters of the device, licence and normalisation-rule lists."""

from __future__ import annotations

import datetime

import django_filters as df
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daicho.core.filters import FilterSet, visible_units
from daicho.registry.filters import BooleanChoiceFilter
from daicho.sam.models import (
    Device,
    DeviceStatus,
    DeviceType,
    Licence,
    LicenceMetric,
    LicenceType,
    NormalisationRule,
    SoftwareTitle,
)


class DeviceFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    type = df.MultipleChoiceFilter(choices=DeviceType.choices, label=_("Type"))
    status = df.MultipleChoiceFilter(choices=DeviceStatus.choices, label=_("Status"))
    unit = df.ModelChoiceFilter(queryset=visible_units, method="in_unit", label=_("Unit"))
    os_match = df.ChoiceFilter(
        method="matched",
        choices=[("matched", _("Matched to a release")), ("unmatched", _("Not matched"))],
        label=_("OS matching"),
    )

    class Meta:
        model = Device
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(user_name__icontains=value)
            | Q(serial__iexact=value)
            | Q(os__icontains=value)
        )

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)

    def matched(self, queryset, name, value):
        if value == "matched":
            return queryset.filter(release__isnull=False)
        return queryset.filter(release__isnull=True).exclude(os="")


class LicenceFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    metric = df.MultipleChoiceFilter(choices=LicenceMetric.choices, label=_("Metric"))
    type = df.MultipleChoiceFilter(choices=LicenceType.choices, label=_("Licence type"))
    unit = df.ModelChoiceFilter(queryset=visible_units, method="in_unit", label=_("Unit"))
    validity = df.ChoiceFilter(
        method="valid",
        choices=[
            ("valid", _("Valid today")),
            ("expiring", _("Expiring within 90 days")),
            ("expired", _("Expired")),
        ],
        label=_("Validity"),
    )

    class Meta:
        model = Licence
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__name__icontains=value)
            | Q(title__edition__icontains=value)
            | Q(certificate__icontains=value)
        )

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)

    def valid(self, queryset, name, value):
        today = timezone.localdate()
        if value == "valid":
            return queryset.valid_on(today)
        if value == "expiring":
            return queryset.filter(
                valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=90)
            )
        return queryset.filter(valid_until__lt=today)


class TitleFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    free = df.ChoiceFilter(
        method="by_price",
        choices=[("free", _("Free software")), ("licensable", _("Licensable"))],
        label=_("Licence"),
    )

    class Meta:
        model = SoftwareTitle
        fields: list[str] = []

    def by_price(self, queryset, name, value):
        return queryset.filter(free=value == "free")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(edition__icontains=value) | Q(publisher__icontains=value)
        )


class NormalisationRuleFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    free = BooleanChoiceFilter(label=_("free software"))

    class Meta:
        model = NormalisationRule
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(pattern__icontains=value)
            | Q(publisher_pattern__icontains=value)
            | Q(title__icontains=value)
        )
