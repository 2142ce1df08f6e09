"""Pages of the inventory-taking (棚卸) and of SAM audits."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core.forms import WarekiDateField
from daicho.core.models import OrgUnit
from daicho.core.permissions import require_organisation, scope_of
from daicho.core.views import ObjectListView, is_policy, save_form
from daicho.sam import services
from daicho.sam.filters import NormalisationRuleFilterSet
from daicho.sam.models import (
    AuditFinding,
    CheckMethod,
    CheckResult,
    ConfirmationStatus,
    Device,
    InventoryCampaign,
    InventoryConfirmation,
    NormalisationRule,
    SamAudit,
)
from daicho.sam.tables import (
    AUDIT_COLUMNS,
    CAMPAIGN_COLUMNS,
    RULE_COLUMNS,
    RULE_DELETE_COLUMN,
)


def _styled(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        css = (
            "form-select form-select-sm"
            if isinstance(field, forms.ModelChoiceField)
            else "form-control form-control-sm"
        )
        field.widget.attrs.setdefault("class", css)
    return form


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class CampaignOpenForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=gettext_lazy("fiscal year"), min_value=2000, max_value=2100
    )
    opened_on = WarekiDateField(
        label=gettext_lazy("opened on"),
        required=False,
        help_text=gettext_lazy("Today if left empty; a past year's campaign keeps its real date."),
    )
    deadline = WarekiDateField(label=gettext_lazy("deadline"))
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("units"), queryset=OrgUnit.objects.none(), required=True
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(organisation=organisation, is_active=True).order_by(
            "tree_key"
        )
        self.fields["units"].queryset = units
        self.fields["units"].initial = [u.pk for u in units if u.parent_id]
        self.fields["units"].widget.attrs["size"] = 12
        _styled(self)


def _campaigns(organisation):
    return InventoryCampaign.objects.filter(organisation=organisation).annotate(
        units=Count("confirmations"),
        done=Count("confirmations", filter=Q(confirmations__status=ConfirmationStatus.CONFIRMED)),
    )


class CampaignListView(ObjectListView):
    """The years' inventory campaigns with their completion; IT policy opens a new one."""

    template_name = "sam/campaign_list.html"
    table_id = "campaigns"
    columns = CAMPAIGN_COLUMNS
    default_sort = "-fiscal_year"
    title = gettext_lazy("Software inventory (棚卸)")
    empty_text = gettext_lazy("No inventory campaign yet.")
    form = None

    def get_queryset(self):
        if self.request.organisation is None:
            raise PermissionDenied
        return _campaigns(self.request.organisation)

    def extra_context(self):
        organisation = self.request.organisation
        if self.form is None and organisation.pk in scope_of(self.request.user).policy_org_ids:
            today = timezone.localdate()
            fy = today.year if today.month >= 4 else today.year - 1
            self.form = CampaignOpenForm(organisation=organisation, initial={"fiscal_year": fy})
        return {"form": self.form}

    def post(self, request):
        organisation = request.organisation
        if organisation is None or organisation.pk not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied
        form = CampaignOpenForm(request.POST, organisation=organisation)
        if not form.is_valid():
            self.form = form
            return self.get(request)
        try:
            campaign = services.campaign_open(
                organisation=organisation,
                fiscal_year=form.cleaned_data["fiscal_year"],
                deadline=form.cleaned_data["deadline"],
                units=list(form.cleaned_data["units"]),
                opened_on=form.cleaned_data["opened_on"],
            )
        except ValidationError as exc:
            _errors(request, exc)
            self.form = form
            return self.get(request)
        messages.success(request, _("The inventory campaign is open."))
        return redirect(campaign)


class CampaignDetailView(LoginRequiredMixin, View):
    """Completion per unit; IT policy closes the campaign or sends a unit's part back."""

    def get(self, request, pk):
        campaign = get_object_or_404(
            _campaigns(request.organisation).visible_to(request.user), pk=pk
        )
        parts = (
            campaign.confirmations.select_related("unit", "confirmed_by")
            .annotate(
                checked=Count("checks"),
                differences=Count("checks", filter=~Q(checks__result=CheckResult.PRESENT)),
            )
            .order_by("unit__tree_key")
        )
        scope = scope_of(request.user)
        return render(
            request,
            "sam/campaign_detail.html",
            {
                "campaign": campaign,
                "parts": parts,
                "rate": round(campaign.done * 100 / campaign.units, 1) if campaign.units else None,
                "is_policy": campaign.organisation_id in scope.policy_org_ids,
                "my_paths": scope.sam_paths,
            },
        )

    def post(self, request, pk):
        campaign = get_object_or_404(InventoryCampaign.objects.visible_to(request.user), pk=pk)
        action = request.POST.get("action")
        try:
            if action == "close":
                closed_on = WarekiDateField(required=False).clean(request.POST.get("closed_on"))
                services.campaign_close(campaign=campaign, closed_on=closed_on)
                messages.success(request, _("The inventory campaign is closed."))
            elif action == "reopen":
                part = get_object_or_404(campaign.confirmations, pk=request.POST.get("part"))
                services.inventory_reopen(confirmation=part)
            elif action == "remind":
                late = services.inventory_remind(
                    campaign=campaign, today=timezone.localdate(), days=10_000
                )
                messages.success(request, _("%(count)d units reminded.") % {"count": len(late)})
        except ValidationError as exc:
            _errors(request, exc)
        return redirect(campaign)


class ConfirmForm(forms.Form):
    """Confirming a unit's inventory: the explanation of differences, the decision on devices
    nobody checked (with its reason) and the real day of completion."""

    note = forms.CharField(
        label=gettext_lazy("explanation of differences"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unchecked = forms.ChoiceField(
        label=gettext_lazy("Devices not checked"),
        required=False,
        choices=[
            ("", gettext_lazy("Refuse to confirm while some are unchecked")),
            (CheckResult.PRESENT, gettext_lazy("Record them as present")),
            (CheckResult.MISSING, gettext_lazy("Record them as missing")),
        ],
    )
    reason = forms.CharField(label=gettext_lazy("reason"), required=False, max_length=300)
    completed_on = WarekiDateField(
        label=gettext_lazy("completed on"),
        required=False,
        help_text=gettext_lazy("Today if left empty."),
    )


class ConfirmationView(LoginRequiredMixin, View):
    """One unit's review: each device scanned, checked or marked in bulk with a reason (nothing
    counts as found unless someone said so); devices added; confirm with every device decided."""

    def get_part(self, request, pk):
        return get_object_or_404(
            InventoryConfirmation.objects.select_related("campaign", "unit").filter(
                campaign__organisation_id__in=scope_of(request.user).read_org_ids
            ),
            pk=pk,
        )

    def get(self, request, pk, confirm_form=None):
        part = self.get_part(request, pk)
        checks = {c.device_id: c for c in part.checks.select_related("checked_by")}
        devices = (
            services.confirmation_devices(part)
            .select_related("unit")
            .annotate(software=Count("installations", distinct=True))
            .order_by("unit__tree_key", "name")
        )
        rows = [(d, checks.get(d.pk)) for d in devices]
        counts = {value: 0 for value in CheckResult.values}
        for check in checks.values():
            counts[check.result] += 1
        unchecked = sum(1 for _d, c in rows if c is None)
        may_act = (
            part.campaign.status == "open"
            and part.status != ConfirmationStatus.CONFIRMED
            and services.is_sam_of(part.unit, request.user)
        )
        return render(
            request,
            "sam/confirmation.html",
            {
                "part": part,
                "rows": rows,
                "may_act": may_act,
                "results": [
                    (CheckResult.PRESENT, CheckResult.PRESENT.label),
                    (CheckResult.MISSING, CheckResult.MISSING.label),
                    (CheckResult.DISPOSED, CheckResult.DISPOSED.label),
                ],
                "counts": [(CheckResult(v).label, v, n) for v, n in counts.items()],
                "unchecked": unchecked,
                "differences": sum(1 for _d, c in rows if c and c.result != CheckResult.PRESENT),
                "confirm_form": confirm_form or _styled(ConfirmForm()),
            },
        )

    def post(self, request, pk):
        part = self.get_part(request, pk)
        if not services.is_sam_of(part.unit, request.user):  # 403 whatever the form says
            raise PermissionDenied(_("You do not have permission to do this."))
        action = request.POST.get("action")
        try:
            if action == "check":
                device = get_object_or_404(
                    Device.objects.visible_to(request.user), pk=request.POST.get("device")
                )
                services.inventory_check(
                    confirmation=part,
                    device=device,
                    result=request.POST.get("result", ""),
                    note=request.POST.get("note", "")[:300],
                )
            elif action == "scan":
                device = services.inventory_scan(
                    confirmation=part, code=request.POST.get("code", "")[:100]
                )
                messages.success(request, _("%(device)s: present.") % {"device": device.name})
            elif action == "bulk":
                count = services.inventory_mark_unchecked(
                    confirmation=part,
                    result=request.POST.get("result", ""),
                    reason=request.POST.get("reason", "")[:300],
                    method=CheckMethod.BULK,
                )
                messages.success(request, _("%(count)d devices marked.") % {"count": count})
            elif action == "add":
                name = request.POST.get("name", "").strip()
                if not name:
                    raise ValidationError(_("Give the device name."))
                services.inventory_add_device(
                    confirmation=part,
                    name=name,
                    user_name=request.POST.get("user_name", "").strip()[:100],
                    note=request.POST.get("note", "")[:300],
                )
            elif action == "confirm":
                form = _styled(ConfirmForm(request.POST))
                if not form.is_valid():
                    return self.get(request, pk, confirm_form=form)
                try:
                    services.inventory_confirm(confirmation=part, **form.cleaned_data)
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):
                        for field, errors in exc.message_dict.items():
                            form.add_error(field if field in form.fields else None, errors)
                        return self.get(request, pk, confirm_form=form)
                    raise
                messages.success(
                    request, _("The inventory of %(unit)s is confirmed.") % {"unit": part.unit.name}
                )
        except ValidationError as exc:
            _errors(request, exc)
        return redirect(part)


class AuditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=200)
    fiscal_year = forms.IntegerField(
        label=gettext_lazy("fiscal year"), min_value=2000, max_value=2100
    )
    held_on = WarekiDateField(label=gettext_lazy("held on"))
    auditor = forms.CharField(label=gettext_lazy("auditor"), max_length=200, required=False)


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("unit"), queryset=OrgUnit.objects.none())
    description = forms.CharField(
        label=gettext_lazy("finding"), widget=forms.Textarea(attrs={"rows": 2})
    )
    action = forms.CharField(
        label=gettext_lazy("follow-up action"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    due_on = WarekiDateField(label=gettext_lazy("due on"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by(
            "path"
        )


class AuditListView(ObjectListView):
    """SAM audits with their open findings; IT policy records a new one."""

    template_name = "sam/audit_list.html"
    table_id = "audits"
    columns = AUDIT_COLUMNS
    default_sort = "-held_on"
    title = gettext_lazy("SAM audits")
    form = None

    def get_queryset(self):
        organisation = self.request.organisation
        if organisation is None:
            raise PermissionDenied
        return SamAudit.objects.filter(organisation=organisation).annotate(
            findings_count=Count("findings"),
            open_count=Count("findings", filter=Q(findings__status="open")),
        )

    def extra_context(self):
        organisation = self.request.organisation
        if self.form is None and organisation.pk in scope_of(self.request.user).policy_org_ids:
            self.form = _styled(AuditForm())
        return {"form": self.form}

    def post(self, request):
        organisation = request.organisation
        if organisation is None or organisation.pk not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied
        form = _styled(AuditForm(request.POST))
        if not form.is_valid():
            self.form = form
            return self.get(request)
        audit_record = services.sam_audit_create(organisation=organisation, **form.cleaned_data)
        return redirect(audit_record)


class AuditDetailView(LoginRequiredMixin, View):
    """An audit's findings per unit and their follow-up."""

    def get(self, request, pk, form=None):
        audit_record = get_object_or_404(SamAudit.objects.visible_to(request.user), pk=pk)
        is_policy = audit_record.organisation_id in scope_of(request.user).policy_org_ids
        return render(
            request,
            "sam/audit_detail.html",
            {
                "audit": audit_record,
                "findings": audit_record.findings.select_related("unit"),
                "form": form
                or (FindingForm(organisation=audit_record.organisation) if is_policy else None),
            },
        )

    def post(self, request, pk):
        audit_record = get_object_or_404(SamAudit.objects.visible_to(request.user), pk=pk)
        try:
            if request.POST.get("action") == "done":
                finding = get_object_or_404(
                    AuditFinding, audit=audit_record, pk=request.POST.get("finding")
                )
                services.finding_done(finding=finding, action=request.POST.get("note", ""))
            else:
                if audit_record.organisation_id not in scope_of(request.user).policy_org_ids:
                    raise PermissionDenied  # the IT policy division adds findings
                form = FindingForm(request.POST, organisation=audit_record.organisation)
                if not form.is_valid():
                    return self.get(request, pk, form=form)
                services.finding_add(audit_record=audit_record, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        return redirect(audit_record)


class RuleForm(forms.Form):
    pattern = forms.CharField(label=gettext_lazy("pattern"), max_length=300)
    publisher_pattern = forms.CharField(
        label=gettext_lazy("publisher"), max_length=200, required=False
    )
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    edition = forms.CharField(label=gettext_lazy("edition"), max_length=100, required=False)
    version = forms.CharField(label=gettext_lazy("version"), max_length=50, required=False)
    free = forms.BooleanField(label=gettext_lazy("free software"), required=False)


class MapForm(forms.Form):
    raw_name = forms.CharField(max_length=300)
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    edition = forms.CharField(label=gettext_lazy("edition"), max_length=100, required=False)
    version = forms.CharField(label=gettext_lazy("version"), max_length=50, required=False)
    free = forms.BooleanField(label=gettext_lazy("free software"), required=False)


class RuleListView(ObjectListView):
    """Normalisation rules: the organisation's (the list, which the IT policy division adds to
    and deletes from), the installed names no rule matches, each with a form to map it to a
    title, and the rules shipped with Daicho."""

    template_name = "sam/rules.html"
    filterset_class = NormalisationRuleFilterSet
    default_sort = "priority"  # the order the rules are tried in
    list_name = "normalisation_rules"
    title = gettext_lazy("Normalisation rules")
    export_kind = "normalisation-rules"
    empty_text = gettext_lazy("None yet.")
    table_id = "rules"

    def may_edit(self) -> bool:
        return is_policy(self.request)

    @property
    def columns(self):
        return [*RULE_COLUMNS, RULE_DELETE_COLUMN] if self.may_edit() else RULE_COLUMNS

    def get_queryset(self):
        organisation = require_organisation(self.request.organisation)
        return NormalisationRule.objects.visible_to(self.request.user).filter(
            organisation=organisation
        )

    def extra_context(self):
        from daicho.sam.data.rules import SHIPPED_RULES
        from daicho.sam.selectors import unmatched_names

        can_edit = self.may_edit()
        return {
            "shipped": SHIPPED_RULES,
            "unmatched": unmatched_names(self.request.organisation),
            "form": self.form or (_styled(RuleForm()) if can_edit else None),
            "can_edit": can_edit,
        }

    def post(self, request):
        if not self.may_edit():
            raise PermissionDenied
        organisation = request.organisation
        action = request.POST.get("action")
        if action == "delete":
            pk = request.POST.get("rule", "")
            if not pk.isdigit():
                raise Http404  # not a rule's number
            rule = get_object_or_404(NormalisationRule.objects.editable_by(request.user), pk=pk)
            services.rule_delete(rule=rule)
            services.installations_renormalise(organisation=organisation)
            messages.success(request, _("Deleted: %(obj)s") % {"obj": rule.pattern})
            return redirect("sam:rules")
        if action == "map":
            form = MapForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the title this name means."))
                return redirect("sam:rules")
            try:
                services.raw_name_map(organisation=organisation, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(
                    request,
                    _("%(raw)s now means %(title)s.")
                    % {"raw": form.cleaned_data["raw_name"], "title": form.cleaned_data["title"]},
                )
            return redirect("sam:rules")
        form = _styled(RuleForm(request.POST))
        if save_form(form, lambda data: self._add(organisation, data)):
            messages.success(request, _("Saved."))
            return redirect("sam:rules")
        return self.refused(form)

    def _add(self, organisation, data) -> None:
        services.rule_create(organisation=organisation, **data)
        services.installations_renormalise(organisation=organisation)


def sam_panel(request) -> dict:
    """The home page's SAM notice: this year's 棚卸 (the officer's own unit first) and licences
    about to expire."""
    from daicho.sam.selectors import licences_expiring

    organisation = request.organisation
    if organisation is None:
        return {}
    today = timezone.localdate()
    campaign = _campaigns(organisation).filter(status="open").order_by("-pk").first()
    mine = []
    if campaign is not None:
        paths = scope_of(request.user).sam_paths
        mine = [
            p
            for p in campaign.confirmations.exclude(status=ConfirmationStatus.CONFIRMED)
            .select_related("unit")
            .order_by("unit__tree_key")
            if any(p.unit.path.startswith(path) for path in paths)
        ]
    return {
        "campaign": campaign,
        "mine": mine,
        "expiring": licences_expiring(organisation, today=today).count(),
    }
