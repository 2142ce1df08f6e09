"""Drill pages: the drills with their overdue actions, a drill's findings and their PDCA
steps, and the home page's panel of overdue actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.continuity import forms as f
from daicho.continuity import selectors, services
from daicho.continuity.filters import DrillFilterSet
from daicho.continuity.models import (
    ACTION_TRANSITIONS,
    ActionStatus,
    Drill,
    DrillFinding,
)
from daicho.continuity.tables import DRILL_COLUMNS
from daicho.core.permissions import require_organisation
from daicho.core.views import (
    ObjectAddFormView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    PolicyCreateMixin,
    get_visible_or_404,
    require_editable,
)

# --- drills -------------------------------------------------------------------------------------


class DrillListView(PolicyCreateMixin, ObjectListView):
    """The drills held, newest first, with the actions past their due date."""

    template_name = "continuity/drill_list.html"
    filterset_class = DrillFilterSet
    columns = DRILL_COLUMNS
    default_sort = "-held_on"
    title = gettext_lazy("ICT-BCP drills")
    create_url_name = "continuity:drill_create"
    export_kind = "drills"
    empty_text = gettext_lazy("No drills recorded.")

    def get_queryset(self):
        organisation = require_organisation(self.request.organisation)
        return (
            Drill.objects.filter(organisation=organisation)
            .annotate(finding_count=Count("findings", distinct=True))
            .prefetch_related("systems")
        )

    def export_rows(self, queryset):
        return queryset.prefetch_related("units")

    def extra_context(self):
        return {"overdue": selectors.overdue_actions(user=self.request.user)}


class DrillDetailView(ObjectAddFormView):
    """A drill with its findings and the actions they call for (PDCA); the IT policy division
    records findings, and each action's unit moves it on."""

    model = Drill
    form_class = f.FindingForm
    template_name = "continuity/drill_detail.html"
    object_name = "drill"
    success_message = gettext_lazy("Finding and action recorded.")

    def form_kwargs(self, drill):
        return {"organisation": drill.organisation}

    def add(self, drill, data):
        services.finding_create(drill=drill, **data)

    def extra_context(self, drill):
        today = timezone.localdate()
        movable = set(
            DrillFinding.objects.editable_by(self.request.user)
            .filter(drill=drill)
            .values_list("pk", flat=True)
        )
        findings = [
            {
                "finding": finding,
                "overdue": finding.due_on < today and finding.status != ActionStatus.ACT,
                "next": [ActionStatus(s) for s in ACTION_TRANSITIONS[ActionStatus(finding.status)]]
                if finding.pk in movable
                else [],
            }
            for finding in drill.findings.select_related("action_unit")
        ]
        return {"findings": findings}


class DrillEditView(PolicyCreateMixin, ObjectEditView):
    model = Drill
    form_class = f.DrillForm

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        systems, units = list(data.pop("systems")), list(data.pop("units"))
        if obj is None:
            return services.drill_create(
                organisation=self.request.organisation, systems=systems, units=units, **data
            )
        return services.drill_update(drill=obj, data=data, systems=systems, units=units)

    def cancel_url(self):
        return reverse("continuity:drill_list")


class DrillDeleteView(ObjectDeleteView):
    model = Drill
    success_url = reverse_lazy("continuity:drill_list")

    def delete(self, obj):
        services.drill_delete(drill=obj)


class FindingMoveView(LoginRequiredMixin, View):
    """Move a finding's action along the PDCA cycle."""

    def post(self, request, pk):
        finding = get_visible_or_404(DrillFinding.objects, request.user, pk=pk)
        require_editable(finding, request.user)  # 403 whatever the form says
        form = f.MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the next step."))
        else:
            try:
                services.finding_move(finding=finding, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Action moved to %(status)s.")
                    % {"status": ActionStatus(form.cleaned_data["status"]).label},
                )
        return redirect(finding.get_absolute_url())


# --- home panels --------------------------------------------------------------------------------


def overdue_panel(request) -> dict:
    if request.organisation is None:
        return {"actions": []}
    actions = list(selectors.overdue_actions(user=request.user)[:10])
    return {"actions": actions, "today": timezone.localdate()}


def register_home_panels(home) -> None:
    home.register(
        "continuity.overdue",
        template="continuity/_panel_overdue.html",
        context=overdue_panel,
        order=30,
        width=12,
    )
