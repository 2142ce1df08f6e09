"""Backup pages: compliance with the backup standard per unit, a system's backup and restore
tests, the standard, its rules and the classification schemes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.continuity import forms as f
from daicho.continuity import selectors, services
from daicho.continuity.filters import ComplianceFilterSet
from daicho.continuity.models import (
    Axis,
    BackupRule,
    BackupStandard,
    ClassificationScheme,
    RestoreTest,
)
from daicho.continuity.tables import (
    COMPLIANCE_COLUMNS,
    COMPLIANCE_EXPORT,
    STANDARD_COLUMNS,
    compliance_row_attrs,
    compliance_rows,
)
from daicho.core.permissions import may_edit, require_organisation
from daicho.core.views import (
    ObjectAddFormView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    PolicyCreateMixin,
    get_visible_or_404,
    is_policy,
    require_editable,
    save_form,
)
from daicho.registry.models import InformationSystem

# --- compliance ---------------------------------------------------------------------------------


class ComplianceView(ObjectListView):
    """Systems checked against the backup standard in force, per unit, with the reasons; the
    failing ones unless the user asks for all."""

    template_name = "continuity/compliance.html"
    filterset_class = ComplianceFilterSet
    columns = COMPLIANCE_COLUMNS
    default_sort = "unit"
    title = gettext_lazy("Backup compliance")
    export_kind = COMPLIANCE_EXPORT
    export_formats = ("csv", "xlsx")
    row_attrs = staticmethod(compliance_row_attrs)

    def get_queryset(self):
        organisation = require_organisation(self.request.organisation)
        return selectors.systems_in_operation(organisation, timezone.localdate()).exclude(
            status="planning"
        )

    def results(self, systems):
        """The results shown (the failing ones unless ``state=all``); the summary counts every
        system checked."""
        self.standard, results = selectors.backup_compliance(
            organisation=self.request.organisation, systems=systems
        )
        self.total = len(results)
        self.compliant = sum(1 for r in results if r.compliant)
        if (self.request.GET.get("state") or "failing") == "failing":
            return [r for r in results if not r.compliant]
        return results

    def export_rows(self, queryset):
        return self.results(queryset)

    def table_rows(self, queryset, columns):
        editable = set(
            InformationSystem.objects.editable_by(self.request.user)
            .filter(organisation=self.request.organisation)
            .values_list("pk", flat=True)
        )
        return compliance_rows(self.results(queryset), editable)

    @property
    def empty_text(self):
        if self.request.GET.get("state") == "all":
            return _("No systems in operation.")
        return _("Every system meets the standard.")

    def extra_context(self):
        total, ok = self.total, self.compliant
        return {
            "standard": self.standard,
            "total": total,
            "compliant": ok,
            "failing": total - ok,
            "share": round(ok * 100 / total, 1) if total else None,
        }


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
        can_edit = may_edit(system, request.user)
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


class StandardListView(PolicyCreateMixin, ObjectListView):
    """The versions of the backup standard (the one in force marked), and the schemes."""

    template_name = "continuity/standard_list.html"
    columns = STANDARD_COLUMNS
    default_sort = "-effective_from"
    title = gettext_lazy("Backup and restore standard")
    create_url_name = "continuity:standard_create"
    create_label = gettext_lazy("New version")
    empty_text = gettext_lazy("No backup standard yet.")

    def get_queryset(self):
        self.organisation = require_organisation(self.request.organisation)
        self.in_force = selectors.standard_in_force(self.organisation, timezone.localdate())
        return (
            BackupStandard.objects.filter(organisation=self.organisation)
            .select_related("scheme")
            .annotate(
                rule_count=Count("rules"),
                in_force=Q(pk=self.in_force.pk) if self.in_force else Value(False),
            )
        )

    def extra_context(self):
        return {
            "in_force": self.in_force,
            "schemes": ClassificationScheme.objects.filter(
                organisation=self.organisation
            ).prefetch_related("levels"),
            "builtin": services.BUILTIN_SCHEMES,
            "is_policy": is_policy(self.request),
        }


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


class SchemeDetailView(ObjectAddFormView):
    """A scheme's levels; the IT policy division adds levels for a local variant."""

    model = ClassificationScheme
    form_class = f.LevelForm
    template_name = "continuity/scheme_detail.html"
    object_name = "scheme"
    success_message = gettext_lazy("Level added.")

    def add(self, scheme, data):
        services.level_create(scheme=scheme, **data)

    def extra_context(self, scheme):
        return {"levels": scheme.levels.all()}


class StandardDetailView(ObjectAddFormView):
    """A version of the backup standard with its rules; the IT policy division adds rules."""

    model = BackupStandard
    form_class = f.RuleForm
    template_name = "continuity/standard_detail.html"
    object_name = "standard"
    success_message = gettext_lazy("Rule added.")

    def form_kwargs(self, standard):
        return {"standard": standard, "user": self.request.user}

    def add(self, standard, data):
        data = dict(data)
        levels = list(data.pop("levels"))
        services.rule_create(standard=standard, levels=levels, **data)

    def extra_context(self, standard):
        return {"rules": standard.rules.prefetch_related("levels")}


class StandardEditView(PolicyCreateMixin, ObjectEditView):
    model = BackupStandard
    form_class = f.StandardForm

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
        if not may_edit(rule.standard, self.request.user):
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
