"""ICT-BCP pages: every plan with its readiness check, and a system's plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.continuity import forms as f
from daicho.continuity import selectors, services
from daicho.continuity.filters import BcpFilterSet
from daicho.continuity.models import (
    BcpPlan,
)
from daicho.continuity.tables import BCP_COLUMNS, bcp_rows
from daicho.core.permissions import may_edit, require_organisation
from daicho.core.views import (
    ObjectListView,
    get_visible_or_404,
    require_editable,
    save_form,
)
from daicho.registry.models import InformationSystem

# --- ICT-BCP ------------------------------------------------------------------------------------


class BcpListView(ObjectListView):
    """Every ICT-BCP with its readiness check (contradictions first), and the coverage."""

    template_name = "continuity/bcp_list.html"
    table_id = "readiness"
    filterset_class = BcpFilterSet
    columns = BCP_COLUMNS
    default_sort = "readiness"
    export_kind = "bcp"
    title = gettext_lazy("ICT-BCP and readiness")
    empty_text = gettext_lazy("No ICT-BCP recorded.")

    def get_queryset(self):
        self.organisation = require_organisation(self.request.organisation)
        return selectors.bcp_list(user=self.request.user, organisation=self.organisation)

    def export_rows(self, queryset):
        if self.request.GET.get("state") == "contradictions":
            return [p for p in queryset if any(i.contradiction for i in selectors.readiness(p))]
        return queryset

    def table_rows(self, queryset, columns):
        rows = bcp_rows(queryset, selectors.readiness)
        if self.request.GET.get("state") == "contradictions":
            rows = [r for r in rows if r["contradictions"]]
        return rows

    def extra_context(self):
        systems = selectors.systems_in_operation(self.organisation, timezone.localdate())
        total = systems.count()
        covered = BcpPlan.objects.filter(system__in=systems).count()
        return {
            "total": total,
            "covered": covered,
            "share": round(covered * 100 / total, 1) if total else None,
            "without": systems.filter(bcp__isnull=True, availability="2")
            .select_related("owner_unit")
            .order_by("code"),
        }


class SystemBcpView(LoginRequiredMixin, View):
    """A system's ICT-BCP entry with its readiness check."""

    def get(self, request, pk):
        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        plan = BcpPlan.objects.filter(system=system).first()
        return self.render(system, plan, f.BcpForm(instance=plan, system=system))

    def post(self, request, pk):
        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        require_editable(system, request.user)
        plan = BcpPlan.objects.filter(system=system).first()
        form = f.BcpForm(request.POST, instance=plan, system=system)

        def save(data):
            data = dict(data)
            dependencies = list(data.pop("dependencies"))
            services.bcp_save(system=system, dependencies=dependencies, **data)

        if save_form(form, save):
            messages.success(request, _("ICT-BCP saved."))
            return redirect("continuity:system_bcp", pk=system.pk)
        return self.render(system, plan, form, status=400)

    def render(self, system, plan, form, status=200):
        issues = []
        if plan is not None:
            plan = selectors.bcp_list().get(pk=plan.pk)
            issues = selectors.readiness(plan)
        return render(
            self.request,
            "continuity/system_bcp.html",
            {
                "system": system,
                "plan": plan,
                "issues": issues,
                "form": form,
                "can_edit": may_edit(system, self.request.user),
            },
            status=status,
        )
