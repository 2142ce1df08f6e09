"""Filters of the infrastructure lists (the UI form, API parameters and exports share them)."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daicho.core.filters import FilterSet
from daicho.infra.models import CloudService, Server, ServerKind, ServiceModel, Site
from daicho.registry.filters import YES_NO


def _sites(request):
    if request is None:
        return Site.objects.none()
    return Site.objects.visible_to(request.user).order_by("code")


class ServerFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    kind = df.MultipleChoiceFilter(choices=ServerKind.choices, label=_("Kind"))
    site = df.ModelChoiceFilter(queryset=_sites, label=_("Site"))
    system = df.CharFilter(field_name="system__code", lookup_expr="iexact", label=_("System ID"))
    os_match = df.ChoiceFilter(
        method="matched",
        choices=[("matched", _("Matched to a release")), ("unmatched", _("Not matched"))],
        label=_("OS matching"),
    )
    in_service = df.ChoiceFilter(choices=YES_NO, method="serving", label=_("In service"))

    class Meta:
        model = Server
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(os__icontains=value)
            | Q(system__name__icontains=value)
            | Q(system__code__iexact=value)
        )

    def serving(self, queryset, name, value):
        return queryset.filter(retired_on__isnull=value == "true")

    def matched(self, queryset, name, value):
        if value == "matched":
            return queryset.filter(release__isnull=False)
        return queryset.filter(release__isnull=True).exclude(os="")


class CloudServiceFilterSet(FilterSet):
    q = df.CharFilter(method="search", label=_("Search"))
    service_model = df.ChoiceFilter(choices=ServiceModel.choices, label=_("Service model"))
    government_cloud = df.ChoiceFilter(choices=YES_NO, method="gov", label=_("Government cloud"))

    class Meta:
        model = CloudService
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(provider__icontains=value) | Q(systems__code__iexact=value)
        ).distinct()

    def gov(self, queryset, name, value):
        return queryset.filter(government_cloud=value == "true")
