"""Pages of the security area: incidents, training and attendance, targeted-mail drills."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core.permissions import may_edit, require_organisation, scope_of
from daicho.core.views import (
    ObjectAddFormView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    PolicyCreateMixin,
    get_visible_or_404,
    require_editable,
)
from daicho.security import forms as f
from daicho.security import selectors, services
from daicho.security.filters import IncidentFilterSet, TrainingFilterSet
from daicho.security.models import (
    INCIDENT_TRANSITIONS,
    Incident,
    IncidentStatus,
    PhishingDrill,
    TrainingSession,
)
from daicho.security.tables import (
    INCIDENT_COLUMNS,
    PHISHING_COLUMNS,
    TRAINING_COLUMNS,
    phishing_rows,
)


class IncidentListView(ObjectListView):
    filterset_class = IncidentFilterSet
    columns = INCIDENT_COLUMNS
    default_sort = "-occurred_on"
    list_name = "incidents"
    title = gettext_lazy("Security incidents")
    create_url_name = "security:incident_create"
    export_kind = "incidents"

    def get_queryset(self):
        return Incident.objects.visible_to(self.request.user).select_related("unit")


class IncidentDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        incident = get_visible_or_404(Incident.objects, request.user, pk=pk)
        can_edit = may_edit(incident, request.user)
        return render(
            request,
            "security/incident_detail.html",
            {
                "incident": incident,
                "can_edit": can_edit,
                "next": [
                    IncidentStatus(s) for s in INCIDENT_TRANSITIONS[IncidentStatus(incident.status)]
                ]
                if can_edit
                else [],
            },
        )


class IncidentMoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        incident = get_visible_or_404(Incident.objects, request.user, pk=pk)
        require_editable(incident, request.user)
        form = f.MoveForm(request.POST)
        if form.is_valid():
            try:
                services.incident_move(incident=incident, status=form.cleaned_data["status"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Status changed."))
        return redirect(incident.get_absolute_url())


class IncidentEditView(ObjectEditView):
    model = Incident
    form_class = f.IncidentForm

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        systems = list(data.pop("systems"))
        if obj is None:
            return services.incident_create(
                organisation=data["unit"].organisation, systems=systems, **data
            )
        if not data.get("code"):
            data.pop("code")
        return services.incident_update(incident=obj, data=data, systems=systems)

    def cancel_url(self):
        return reverse("security:incident_list")


class IncidentDeleteView(ObjectDeleteView):
    """Only the IT policy division deletes an incident record (a mistaken entry)."""

    model = Incident
    success_url = reverse_lazy("security:incident_list")

    def get_object(self, pk):
        incident = get_visible_or_404(Incident.objects, self.request.user, pk=pk)
        if incident.organisation_id not in scope_of(self.request.user).policy_org_ids:
            raise PermissionDenied
        return incident

    def delete(self, obj):
        services.incident_delete(incident=obj)


# --- training -----------------------------------------------------------------------------------


class TrainingListView(PolicyCreateMixin, ObjectListView):
    """Training sessions, newest first, with the staff trained in each fiscal year."""

    template_name = "security/training_list.html"
    filterset_class = TrainingFilterSet
    columns = TRAINING_COLUMNS
    default_sort = "-held_on"
    title = gettext_lazy("Staff training")
    create_url_name = "security:training_create"
    empty_text = gettext_lazy("No training recorded.")

    def get_queryset(self):
        self.organisation = require_organisation(self.request.organisation)
        return TrainingSession.objects.filter(organisation=self.organisation).annotate(
            attended=Count("attendances", filter=Q(attendances__attended=True))
        )

    def extra_context(self):
        held = TrainingSession.objects.filter(organisation=self.organisation).dates(
            "held_on", "month"
        )
        fiscal_years = sorted({d.year - (d.month < 4) for d in held}, reverse=True)
        return {
            "years": [
                (fy, selectors.trained_staff(self.organisation, fy).count()) for fy in fiscal_years
            ]
        }


class TrainingDetailView(ObjectAddFormView):
    """A training session with its attendance by unit; the IT policy division records it."""

    model = TrainingSession
    form_class = f.AttendanceForm
    template_name = "security/training_detail.html"
    object_name = "session"
    success_message = gettext_lazy("Attendance recorded.")

    def form_kwargs(self, session):
        return {"organisation": session.organisation}

    def add(self, session, data):
        services.attendance_save(session=session, **data)

    def extra_context(self, session):
        return {
            "by_unit": selectors.attendance_by_unit(session),
            "attendances": session.attendances.select_related("unit"),
        }


class TrainingEditView(PolicyCreateMixin, ObjectEditView):
    model = TrainingSession
    form_class = f.TrainingForm

    def save(self, form, obj):
        if obj is None:
            return services.training_create(
                organisation=self.request.organisation, **form.cleaned_data
            )
        return services.training_update(session=obj, data=form.cleaned_data)

    def cancel_url(self):
        return reverse("security:training_list")


# --- targeted-mail drills -----------------------------------------------------------------------


class PhishingListView(PolicyCreateMixin, ObjectListView):
    """The trend across targeted-mail drills, and the click rate of each unit in each."""

    template_name = "security/phishing_list.html"
    table_id = "trend"
    columns = PHISHING_COLUMNS
    default_sort = "sent_on"
    title = gettext_lazy("Targeted-mail drills")
    create_url_name = "security:phishing_create"
    empty_text = gettext_lazy("No drills recorded.")

    def get_queryset(self):
        self.organisation = require_organisation(self.request.organisation)
        return PhishingDrill.objects.visible_to(self.request.user).filter(
            organisation=self.organisation
        )

    def table_rows(self, queryset, columns):
        return phishing_rows(
            selectors.phishing_trend(user=self.request.user, organisation=self.organisation)
        )

    def extra_context(self):
        drills, unit_rows = selectors.phishing_unit_matrix(
            user=self.request.user, organisation=self.organisation
        )
        return {"drills": drills, "unit_rows": unit_rows}


class PhishingDetailView(ObjectAddFormView):
    """A targeted-mail drill with each unit's results; the IT policy division records them."""

    model = PhishingDrill
    form_class = f.PhishingResultForm
    template_name = "security/phishing_detail.html"
    object_name = "drill"
    success_message = gettext_lazy("Result recorded.")

    def form_kwargs(self, drill):
        return {"organisation": drill.organisation}

    def add(self, drill, data):
        services.phishing_result_save(drill=drill, **data)

    def extra_context(self, drill):
        return {"rows": selectors.phishing_by_unit(drill)}


class PhishingEditView(PolicyCreateMixin, ObjectEditView):
    model = PhishingDrill
    form_class = f.PhishingDrillForm

    def save(self, form, obj):
        if obj is None:
            return services.phishing_drill_create(
                organisation=self.request.organisation, **form.cleaned_data
            )
        from daicho.core.services import object_update, require_policy

        require_policy(obj.organisation)
        return object_update(obj=obj, data=form.cleaned_data)

    def cancel_url(self):
        return reverse("security:phishing_list")
