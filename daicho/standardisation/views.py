"""The standardisation pages: the 20 areas × phases, one area's migration, and the costs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import wareki
from daicho.core.forms import style
from daicho.core.models import Organisation
from daicho.core.permissions import require_organisation, scope_of
from daicho.core.selectors import record_history
from daicho.core.views import (
    ObjectEditView,
    PolicyCreateMixin,
    apply_errors,
    export_response,
    is_policy,
)
from daicho.registry.models import Basis
from daicho.standardisation import selectors, services
from daicho.standardisation.forms import MigrationForm, PhaseForm
from daicho.standardisation.models import DEADLINE, Migration, MigrationShare, Phase

PHASES = Phase.choices


def _fiscal_year(request) -> int:
    """The year the page reads (?fy=), by default the last one closed."""
    default = wareki.fiscal_year_of(timezone.localdate()) - 1
    try:
        fy = int(request.GET.get("fy") or default)
    except ValueError:
        fy = default
    return fy if wareki.MIN_FISCAL_YEAR <= fy <= wareki.MAX_FISCAL_YEAR else default


class MigrationMatrixView(LoginRequiredMixin, View):
    """The organisation's 20 areas × phases with the deadline risk, and the organisations that
    share their state with it (a prefecture's municipalities)."""

    def get(self, request):
        if request.GET.get("export"):
            return export_response(
                "standardisation",
                selectors.migration_list(user=request.user)
                .filter(organisation=request.organisation)
                .prefetch_related("current_systems", "depends_on")
                .order_by("area"),
                request,
            )
        organisation = require_organisation(request.organisation)
        rows = selectors.migration_matrix(user=request.user, organisation=organisation)
        shares = MigrationShare.objects.filter(organisation=organisation).select_related("reader")
        return render(
            request,
            "standardisation/migrations.html",
            {
                "organisation": organisation,
                "rows": rows,
                "phases": PHASES,
                "counts": selectors.phase_counts(rows),
                "at_risk": [r for r in rows if r.risk],
                "recorded": sum(1 for r in rows if r.migration),
                "deadline": DEADLINE,
                "shared": selectors.shared_matrix(user=request.user),
                "areas": rows,
                "shares": shares,
                "share_form": ShareForm(organisation=organisation),
                "may_edit": is_policy(request),
            },
        )


class MigrationDetailView(LoginRequiredMixin, View):
    """One area's migration: what it moves from and to, its phases (planned and actual) and its
    history; the IT policy division records a phase here."""

    def get_object(self, pk) -> Migration:
        return get_object_or_404(
            selectors.migration_list(user=self.request.user).prefetch_related(
                "current_systems", "depends_on", "phases"
            ),
            pk=pk,
        )

    def get(self, request, pk):
        return self.render(self.get_object(pk), PhaseForm())

    def post(self, request, pk):
        migration = self.get_object(pk)
        if migration.organisation_id not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied(_("You may read this record but not change it."))
        form = PhaseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["planned_on"]:
                    services.migration_phase_plan(
                        migration=migration, phase=data["phase"], planned_on=data["planned_on"]
                    )
                if data["actual_on"]:
                    services.migration_phase_enter(
                        migration=migration,
                        phase=data["phase"],
                        on=data["actual_on"],
                        special_reason=data["special_reason"],
                        special_target_on=data["special_target_on"],
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(obj)s") % {"obj": migration})
                return redirect(migration.get_absolute_url())
        return self.render(migration, form, status=400)

    def render(self, migration, form, status=200):
        phases = {p.phase: p for p in migration.phases.all()}
        return render(
            self.request,
            "standardisation/migration_detail.html",
            {
                "migration": migration,
                "phases": [(value, label, phases.get(value)) for value, label in PHASES],
                "risk": selectors.deadline_risk(migration, migration.migrated_planned_on),
                "form": form,
                "may_edit": migration.organisation_id in scope_of(self.request.user).policy_org_ids,
                "history": record_history(migration),
            },
            status=status,
        )


class MigrationEditView(PolicyCreateMixin, ObjectEditView):
    model = Migration
    form_class = MigrationForm

    def form_kwargs(self, obj):
        return {
            "instance": obj,
            "user": self.request.user,
            "organisation": obj.organisation if obj else self.request.organisation,
        }

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        current, depends = data.pop("current_systems"), data.pop("depends_on")
        if obj is None:
            return services.migration_create(
                organisation=self.request.organisation,
                current_systems=current,
                depends_on=depends,
                **data,
            )
        data.pop("area", None)
        return services.migration_update(
            migration=obj, data=data, current_systems=current, depends_on=depends
        )

    def cancel_url(self):
        return reverse("standardisation:migrations")


class ShareForm(forms.Form):
    """Share the organisation's migration state with another organisation, or as open data."""

    reader = forms.ModelChoiceField(
        label=gettext_lazy("shared with"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone (open data)"),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reader"].queryset = Organisation.objects.exclude(pk=organisation.pk)
        style(self)


class MigrationShareView(LoginRequiredMixin, View):
    """Share (or stop sharing) the working organisation's migration state."""

    def post(self, request):
        organisation = require_organisation(request.organisation)
        if not is_policy(request):
            raise PermissionDenied
        if request.POST.get("remove"):
            share = get_object_or_404(
                MigrationShare, organisation=organisation, pk=request.POST["remove"]
            )
            services.migration_unshare(share=share)
            messages.success(request, _("No longer shared: %(share)s") % {"share": share})
        else:
            form = ShareForm(request.POST, organisation=organisation)
            if not form.is_valid():
                messages.error(request, _("Choose an organisation."))
            else:
                try:
                    share = services.migration_share(
                        organisation=organisation, reader=form.cleaned_data["reader"]
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(request, _("Shared: %(share)s") % {"share": share})
        return redirect(reverse("standardisation:migrations") + "#sharing")


class MigrationCostView(LoginRequiredMixin, View):
    """Operating costs of the migrated areas against FY2018, per area and overall, in 千円."""

    def get(self, request):
        organisation = require_organisation(request.organisation)
        fy = _fiscal_year(request)
        basis = request.GET.get("basis") or Basis.ACTUAL
        if basis not in Basis.values:
            basis = Basis.ACTUAL
        comparison = selectors.migration_costs(organisation, fy, basis=basis)
        return render(
            request,
            "standardisation/costs.html",
            {
                "organisation": organisation,
                "comparison": comparison,
                "fy": fy,
                "years": list(range(comparison.base_year + 1, fy + 3)),
                "basis": basis,
                "bases": Basis.choices,
            },
        )
