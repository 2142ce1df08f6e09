"""Pages of the continuity area: compliance with the backup standard per unit, a system's backup
and restore tests, the standard and its rules, schemes, ICT-BCP readiness, drills and their
actions, availability."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from daicho.continuity import forms as f
from daicho.continuity import selectors, services
from daicho.continuity.models import (
    ACTION_TRANSITIONS,
    ActionStatus,
    Axis,
    BackupRule,
    BackupStandard,
    BcpPlan,
    ClassificationScheme,
    Drill,
    DrillFinding,
    Outage,
    RestoreTest,
    ServiceProfile,
    ServiceUsage,
)
from daicho.core import exports, wareki
from daicho.core.models import OrgUnit
from daicho.core.permissions import require_organisation
from daicho.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    get_visible_or_404,
    is_policy,
    require_editable,
    save_form,
)
from daicho.registry.models import InformationSystem


def _can_edit_system(user, system) -> bool:
    return InformationSystem.objects.editable_by(user).filter(pk=system.pk).exists()


def _fiscal_year(request) -> int:
    today = timezone.localdate()
    try:
        return (
            wareki.parse_fiscal_year(request.GET.get("fy", ""))
            if request.GET.get("fy")
            else (wareki.fiscal_year_of(today))
        )
    except wareki.WarekiError:
        return wareki.fiscal_year_of(today)


# --- compliance ---------------------------------------------------------------------------------


class ComplianceView(LoginRequiredMixin, View):
    """Systems checked against the backup standard in force, per unit, with the reasons."""

    def get(self, request):
        organisation = require_organisation(request.organisation)
        state = request.GET.get("state", "failing")
        department = request.GET.get("department", "")
        systems = selectors.systems_in_operation(organisation, timezone.localdate()).exclude(
            status="planning"
        )
        if department:
            systems = systems.filter(owner_unit__department__code=department)
        standard, results = selectors.backup_compliance(organisation=organisation, systems=systems)
        total, ok = len(results), sum(1 for r in results if r.compliant)
        shown = [r for r in results if not r.compliant] if state == "failing" else results
        if request.GET.get("export") in ("csv", "xlsx") and standard is not None:
            return _compliance_export(shown, request)
        return render(
            request,
            "continuity/compliance.html",
            {
                "standard": standard,
                "groups": selectors.compliance_by_unit(shown),
                "total": total,
                "compliant": ok,
                "failing": total - ok,
                "share": round(ok * 100 / total, 1) if total else None,
                "state": state,
                "department": department,
                "departments": OrgUnit.objects.filter(organisation=organisation, parent=None),
                "editable": set(
                    InformationSystem.objects.editable_by(request.user)
                    .filter(organisation=organisation)
                    .values_list("pk", flat=True)
                ),
            },
        )


COMPLIANCE_COLUMNS = [
    exports.Column("system", "システムID", lambda r: r.system.code),
    exports.Column("name", "システム名", lambda r: r.system.name),
    exports.Column("owner_unit", "所管課", lambda r: r.system.owner_unit.name),
    exports.Column("levels", "区分", lambda r: " ".join(lv.name for lv in r.levels)),
    exports.Column("compliant", "基準適合", lambda r: r.compliant),
    exports.Column(
        "reasons",
        "不適合の理由",
        lambda r: "\n".join(
            f"{s.rule}: {s.message}" if s.rule else s.message for s in r.shortfalls
        ),
    ),
]


def _compliance_export(results, request) -> HttpResponse:
    """The compliance list as a spreadsheet for the committee (the rows shown on the page)."""
    kind = exports.ExportKind("backup_compliance", _("Backup compliance"), COMPLIANCE_COLUMNS, None)
    return exports.download(kind, results, request, "backup_compliance")


class SystemBackupView(LoginRequiredMixin, View):
    """A system's backup: its classification, configuration, restore tests and compliance."""

    def get(self, request, pk):
        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        return self.render(system)

    def post(self, request, pk):
        system = get_visible_or_404(InformationSystem.objects, request.user, pk=pk)
        require_editable(system, request.user)
        which = request.POST.get("form")
        forms = {}
        if which == "config":
            form = f.BackupConfigForm(
                request.POST,
                instance=getattr(system, "backup", None) if selectors._has_backup(system) else None,
            )
            forms["config_form"] = form
            if save_form(form, lambda d: services.backup_config_save(system=system, **d)):
                messages.success(request, _("Backup configuration saved."))
                return redirect("continuity:system_backup", pk=system.pk)
        elif which == "restore":
            form = f.RestoreTestForm(request.POST)
            forms["restore_form"] = form
            if save_form(form, lambda d: services.restore_test_create(system=system, **d)):
                messages.success(request, _("Restore test recorded."))
                return redirect("continuity:system_backup", pk=system.pk)
        elif which == "classify":
            standard = selectors.standard_in_force(system.organisation, timezone.localdate())
            levels = selectors.SchemeLevels.load(standard.scheme, [system.pk]) if standard else None
            choices = [
                c
                for axis in Axis.values
                for c in (levels.level_of(system, axis)[1] if levels else [])
            ]
            form = f.ClassifyForm(request.POST, levels=choices)
            forms["classify_form"] = form
            if save_form(form, lambda d: services.system_classify(system=system, **d)):
                messages.success(request, _("Classification recorded."))
                return redirect("continuity:system_backup", pk=system.pk)
        else:
            raise Http404
        return self.render(system, status=400, **forms)

    def render(self, system, status=200, **forms):
        request = self.request
        today = timezone.localdate()
        standard, results = selectors.backup_compliance(
            organisation=system.organisation,
            systems=selectors.systems_in_operation(system.organisation, today).filter(pk=system.pk),
        )
        result = results[0] if results else None
        config = system.backup if selectors._has_backup(system) else None
        choices = []
        if standard is not None:
            levels = selectors.SchemeLevels.load(standard.scheme, [system.pk])
            for axis in Axis.values:
                choices += levels.level_of(system, axis)[1]
        can_edit = _can_edit_system(request.user, system)
        return render(
            request,
            "continuity/system_backup.html",
            {
                "system": system,
                "standard": standard,
                "result": result,
                "config": config,
                "tests": RestoreTest.objects.filter(system=system),
                "can_edit": can_edit,
                "config_form": forms.get("config_form") or f.BackupConfigForm(instance=config),
                "restore_form": forms.get("restore_form")
                or f.RestoreTestForm(initial={"tested_on": today.isoformat(), "result": "success"}),
                "classify_form": forms.get("classify_form")
                or (f.ClassifyForm(levels=choices) if choices else None),
                "in_operation": result is not None,
            },
            status=status,
        )


class RestoreTestDeleteView(ObjectDeleteView):
    model = RestoreTest

    def delete(self, obj):
        self.success_url = reverse("continuity:system_backup", args=[obj.system_id])
        services.restore_test_delete(test=obj)


# --- the standard and schemes -------------------------------------------------------------------


class StandardListView(LoginRequiredMixin, View):
    def get(self, request):
        organisation = require_organisation(request.organisation)
        in_force = selectors.standard_in_force(organisation, timezone.localdate())
        return render(
            request,
            "continuity/standard_list.html",
            {
                "standards": BackupStandard.objects.filter(organisation=organisation)
                .select_related("scheme")
                .prefetch_related("rules"),
                "in_force": in_force,
                "schemes": ClassificationScheme.objects.filter(
                    organisation=organisation
                ).prefetch_related("levels"),
                "builtin": services.BUILTIN_SCHEMES,
                "is_policy": is_policy(request),
            },
        )


class SchemeInstallView(LoginRequiredMixin, View):
    def post(self, request):
        organisation = require_organisation(request.organisation)
        if not is_policy(request):
            raise PermissionDenied
        try:
            scheme = services.scheme_install(
                organisation=organisation, code=request.POST.get("code", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Scheme added: %(scheme)s") % {"scheme": scheme})
        return redirect("continuity:standard_list")


class SchemeDetailView(LoginRequiredMixin, View):
    """A scheme's levels; the IT policy division adds levels for a local variant."""

    def get(self, request, pk):
        scheme = get_visible_or_404(ClassificationScheme.objects, request.user, pk=pk)
        return self.render(scheme, f.LevelForm())

    def post(self, request, pk):
        scheme = get_visible_or_404(ClassificationScheme.objects, request.user, pk=pk)
        require_editable(scheme, request.user)
        form = f.LevelForm(request.POST)
        if save_form(form, lambda d: services.level_create(scheme=scheme, **d)):
            messages.success(request, _("Level added."))
            return redirect(scheme.get_absolute_url())
        return self.render(scheme, form, status=400)

    def render(self, scheme, form, status=200):
        return render(
            self.request,
            "continuity/scheme_detail.html",
            {
                "scheme": scheme,
                "levels": scheme.levels.all(),
                "form": form,
                "can_edit": ClassificationScheme.objects.editable_by(self.request.user)
                .filter(pk=scheme.pk)
                .exists(),
            },
            status=status,
        )


class StandardDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        standard = get_visible_or_404(BackupStandard.objects, request.user, pk=pk)
        return self.render(standard, f.RuleForm(standard=standard, user=request.user))

    def post(self, request, pk):
        standard = get_visible_or_404(BackupStandard.objects, request.user, pk=pk)
        require_editable(standard, request.user)
        form = f.RuleForm(request.POST, standard=standard, user=request.user)

        def create(data):
            data = dict(data)
            levels = list(data.pop("levels"))
            services.rule_create(standard=standard, levels=levels, **data)

        if save_form(form, create):
            messages.success(request, _("Rule added."))
            return redirect(standard.get_absolute_url())
        return self.render(standard, form, status=400)

    def render(self, standard, form, status=200):
        return render(
            self.request,
            "continuity/standard_detail.html",
            {
                "standard": standard,
                "rules": standard.rules.prefetch_related("levels"),
                "form": form,
                "can_edit": BackupStandard.objects.editable_by(self.request.user)
                .filter(pk=standard.pk)
                .exists(),
            },
            status=status,
        )


class StandardEditView(ObjectEditView):
    model = BackupStandard
    form_class = f.StandardForm

    def get(self, request, pk=None):
        if pk is None and not is_policy(request):
            raise PermissionDenied
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None and not is_policy(request):
            raise PermissionDenied
        return super().post(request, pk)

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            return services.standard_create(organisation=self.request.organisation, **data)
        return services.standard_update(standard=obj, data=data)

    def cancel_url(self):
        return reverse("continuity:standard_list")


class StandardDeleteView(ObjectDeleteView):
    model = BackupStandard
    success_url = reverse_lazy("continuity:standard_list")

    def delete(self, obj):
        services.standard_delete(standard=obj)


class RuleEditView(ObjectEditView):
    model = BackupRule
    form_class = f.RuleForm

    def get_object(self, pk):
        rule = get_object_or_404(BackupRule.objects.select_related("standard"), pk=pk)
        if (
            not BackupStandard.objects.editable_by(self.request.user)
            .filter(pk=rule.standard_id)
            .exists()
        ):
            get_visible_or_404(BackupStandard.objects, self.request.user, pk=rule.standard_id)
            raise PermissionDenied
        return rule

    def get(self, request, pk=None):
        if pk is None:
            raise Http404
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None:
            raise Http404
        return super().post(request, pk)

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        levels = list(data.pop("levels"))
        return services.rule_update(rule=obj, data=data, levels=levels)


class RuleDeleteView(RuleEditView, ObjectDeleteView):
    template_name = "core/object_delete.html"

    def get(self, request, pk):
        return ObjectDeleteView.get(self, request, pk)

    def post(self, request, pk):
        return ObjectDeleteView.post(self, request, pk)

    def delete(self, obj):
        self.success_url = obj.standard.get_absolute_url()
        services.rule_delete(rule=obj)


# --- ICT-BCP ------------------------------------------------------------------------------------


class BcpListView(LoginRequiredMixin, View):
    """Every ICT-BCP with its readiness check: contradictions first."""

    def get(self, request):
        organisation = require_organisation(request.organisation)
        only = request.GET.get("state", "")
        rows = []
        for plan in selectors.bcp_list(user=request.user, organisation=organisation):
            issues = selectors.readiness(plan)
            contradictions = sum(1 for i in issues if i.contradiction)
            if only == "contradictions" and not contradictions:
                continue
            rows.append({"plan": plan, "issues": issues, "contradictions": contradictions})
        today = timezone.localdate()
        systems = selectors.systems_in_operation(organisation, today)
        total = systems.count()
        covered = BcpPlan.objects.filter(system__in=systems).count()
        return render(
            request,
            "continuity/bcp_list.html",
            {
                "rows": rows,
                "state": only,
                "total": total,
                "covered": covered,
                "share": round(covered * 100 / total, 1) if total else None,
                "without": systems.filter(bcp__isnull=True, availability="2")
                .select_related("owner_unit")
                .order_by("code"),
            },
        )


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
                "can_edit": _can_edit_system(self.request.user, system),
            },
            status=status,
        )


# --- drills -------------------------------------------------------------------------------------


class DrillListView(LoginRequiredMixin, View):
    def get(self, request):
        organisation = require_organisation(request.organisation)
        drills = Drill.objects.filter(organisation=organisation).prefetch_related(
            "systems", "units", "findings"
        )
        fiscal_year = request.GET.get("fiscal_year", "")
        if fiscal_year.isdigit():
            fy = int(fiscal_year)
            drills = drills.filter(
                held_on__gte=datetime.date(fy, 4, 1), held_on__lte=datetime.date(fy + 1, 3, 31)
            )
        return render(
            request,
            "continuity/drill_list.html",
            {
                "drills": drills,
                "overdue": selectors.overdue_actions(user=request.user),
                "is_policy": is_policy(request),
                "fiscal_year": fiscal_year,
            },
        )


class DrillDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        drill = get_visible_or_404(Drill.objects, request.user, pk=pk)
        return self.render(drill, f.FindingForm(organisation=drill.organisation))

    def post(self, request, pk):
        drill = get_visible_or_404(Drill.objects, request.user, pk=pk)
        require_editable(drill, request.user)
        form = f.FindingForm(request.POST, organisation=drill.organisation)
        if save_form(form, lambda d: services.finding_create(drill=drill, **d)):
            messages.success(request, _("Finding and action recorded."))
            return redirect(drill.get_absolute_url())
        return self.render(drill, form, status=400)

    def render(self, drill, form, status=200):
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
        return render(
            self.request,
            "continuity/drill_detail.html",
            {
                "drill": drill,
                "findings": findings,
                "form": form,
                "can_edit": Drill.objects.editable_by(self.request.user)
                .filter(pk=drill.pk)
                .exists(),
            },
            status=status,
        )


class DrillEditView(ObjectEditView):
    model = Drill
    form_class = f.DrillForm

    def get(self, request, pk=None):
        if pk is None and not is_policy(request):
            raise PermissionDenied
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None and not is_policy(request):
            raise PermissionDenied
        return super().post(request, pk)

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


# --- availability -------------------------------------------------------------------------------


class AvailabilityListView(LoginRequiredMixin, View):
    """Availability per system for a fiscal year (systems with a service profile or outages)."""

    def get(self, request):
        organisation = require_organisation(request.organisation)
        fiscal_year = _fiscal_year(request)
        tz = timezone.get_current_timezone()
        start = datetime.datetime(fiscal_year, 4, 1, tzinfo=tz)
        end = datetime.datetime(fiscal_year + 1, 4, 1, tzinfo=tz)
        ids = list(
            InformationSystem.objects.filter(organisation=organisation)
            .filter(
                Q(service_profile__isnull=False)
                | Q(pk__in=Outage.objects.filter(started_at__lt=end).values("system_id"))
            )
            .values_list("pk", flat=True)
        )
        profiles = {p.system_id: p for p in ServiceProfile.objects.filter(system_id__in=ids)}
        outages: dict[int, list] = {}
        for outage in Outage.objects.filter(system_id__in=ids, started_at__lt=end).exclude(
            ended_at__lte=start
        ):
            outages.setdefault(outage.system_id, []).append(outage)
        rows = []
        for system in (
            InformationSystem.objects.filter(pk__in=ids)
            .select_related("owner_unit")
            .order_by("code")
        ):
            rows.append(
                {
                    "system": system,
                    "profile": profiles.get(system.pk),
                    "result": selectors.availability(
                        profile=profiles.get(system.pk),
                        outages=outages.get(system.pk, []),
                        fiscal_year=fiscal_year,
                    ),
                }
            )
        using, sections, server = selectors.file_server_usage(
            organisation, min(timezone.localdate(), selectors.fiscal_year_end(fiscal_year))
        )
        return render(
            request,
            "continuity/availability.html",
            {
                "rows": rows,
                "fiscal_year": fiscal_year,
                "server": server,
                "using": using,
                "sections": sections,
                "years": range(wareki.fiscal_year_of(timezone.localdate()), 2007, -1),
            },
        )


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
                "can_edit": _can_edit_system(request.user, system),
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
