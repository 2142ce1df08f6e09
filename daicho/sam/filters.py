"""Filters of the device list."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.models import OrgUnit
from daicho.sam.models import Device, DeviceStatus, DeviceType


def _units(request):
    if request is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.visible_to(request.user).order_by("path")


class DeviceFilterSet(df.FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    type = df.MultipleChoiceFilter(choices=DeviceType.choices, label=_("Type"))
    status = df.MultipleChoiceFilter(choices=DeviceStatus.choices, label=_("Status"))
    unit = df.ModelChoiceFilter(queryset=_units, method="in_unit", label=_("Unit"))
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
