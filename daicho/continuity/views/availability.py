"""Availability pages: availability per system for a fiscal year, and a system's service
profile, outages and use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.continuity import forms as f
from daicho.continuity import selectors, services
from daicho.continuity.filters import AvailabilityFilterSet
from daicho.continuity.models import (
    Outage,
    ServiceProfile,
    ServiceUsage,
)
from daicho.continuity.tables import AVAILABILITY_COLUMNS, availability_rows
from daicho.continuity.views.common import fiscal_year_asked
from daicho.core import wareki
from daicho.core.permissions import may_edit, require_organisation
from daicho.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    get_visible_or_404,
    require_editable,
    save_form,
)
from daicho.registry.models import InformationSystem

# --- availability -------------------------------------------------------------------------------


class AvailabilityListView(ObjectListView):
    """Availability per system for a fiscal year (systems with a service profile or outages),
    and the shared file server's use."""

    template_name = "continuity/availability.html"
    filterset_class = AvailabilityFilterSet
    columns = AVAILABILITY_COLUMNS
    title = gettext_lazy("Availability")
    empty_text = gettext_lazy("No outages or service hours recorded.")

    def get_queryset(self):
        self.organisation = require_organisation(self.request.organisation)
        self.fiscal_year = fiscal_year_asked(self.request)
        _start, end = selectors.fiscal_year_span(self.fiscal_year)
        return InformationSystem.objects.filter(organisation=self.organisation).filter(
            Q(service_profile__isnull=False)
            | Q(pk__in=Outage.objects.filter(started_at__lt=end).values("system_id"))
        )

    def table_rows(self, queryset, columns):
        systems = list(queryset.order_by("code"))
        ids = [s.pk for s in systems]
        start, end = selectors.fiscal_year_span(self.fiscal_year)
        profiles = {p.system_id: p for p in ServiceProfile.objects.filter(system_id__in=ids)}
        outages: dict[int, list] = {}
        for outage in Outage.objects.filter(system_id__in=ids, started_at__lt=end).exclude(
            ended_at__lte=start
        ):
            outages.setdefault(outage.system_id, []).append(outage)
        return availability_rows(
            systems, profiles, outages, self.fiscal_year, selectors.availability
        )

    def extra_context(self):
        using, sections, server = selectors.file_server_usage(
            self.organisation,
            min(timezone.localdate(), selectors.fiscal_year_end(self.fiscal_year)),
        )
        return {
            "fiscal_year": self.fiscal_year,
            "server": server,
            "using": using,
            "sections": sections,
        }


class SystemAvailabilityView(LoginRequiredMixin, View):
    """A system's service profile, outages, units using it, and availability per year."""

    def get(self, request, pk):
        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        return self.render(system)

    def post(self, request, pk):
        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        require_editable(system, request.user)
        which = request.POST.get("form")
        profile = ServiceProfile.objects.filter(system=system).first()
        forms = {}
        if which == "profile":
            form = f.ServiceProfileForm(request.POST, instance=profile, user=request.user)
            forms["profile_form"] = form
            saved = save_form(form, lambda d: services.service_profile_save(system=system, **d))
        elif which == "outage":
            form = f.OutageForm(request.POST)
            forms["outage_form"] = form
            saved = save_form(form, lambda d: services.outage_create(system=system, **d))
        elif which == "usage":
            form = f.UsageForm(request.POST, organisation=system.organisation)
            forms["usage_form"] = form
            saved = save_form(form, lambda d: services.usage_save(system=system, **d))
        else:
            raise Http404
        if saved:
            messages.success(request, _("Saved."))
            return redirect("continuity:system_availability", pk=system.pk)
        return self.render(system, status=400, **forms)

    def render(self, system, status=200, **forms):
        request = self.request
        profile = ServiceProfile.objects.filter(system=system).first()
        current = wareki.fiscal_year_of(timezone.localdate())
        first = Outage.objects.filter(system=system).order_by("started_at").first()
        first_year = (
            wareki.fiscal_year_of(timezone.localtime(first.started_at).date()) if first else current
        )
        years = [
            selectors.system_availability(system=system, fiscal_year=fy)
            for fy in range(current, min(first_year, current) - 1, -1)
        ]
        return render(
            request,
            "continuity/system_availability.html",
            {
                "system": system,
                "profile": profile,
                "years": years,
                "outages": Outage.objects.filter(system=system)[:200],
                "usages": ServiceUsage.objects.filter(system=system).select_related("unit"),
                "can_edit": may_edit(system, request.user),
                "profile_form": forms.get("profile_form")
                or f.ServiceProfileForm(instance=profile, user=request.user),
                "outage_form": forms.get("outage_form") or f.OutageForm(),
                "usage_form": forms.get("usage_form")
                or f.UsageForm(organisation=system.organisation),
            },
            status=status,
        )


class OutageEditView(ObjectEditView):
    model = Outage
    form_class = f.OutageForm

    def get(self, request, pk=None):
        if pk is None:
            raise Http404
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None:
            raise Http404
        return super().post(request, pk)

    def save(self, form, obj):
        return services.outage_update(outage=obj, data=form.cleaned_data)


class OutageDeleteView(ObjectDeleteView):
    model = Outage

    def delete(self, obj):
        self.success_url = reverse("continuity:system_availability", args=[obj.system_id])
        services.outage_delete(outage=obj)
