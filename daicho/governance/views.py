"""Pages of governance: cases and their gates, consultations, evaluations, budget review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from daicho.core import exports, notices, wareki
from daicho.core.forms import AttachmentForm
from daicho.core.models import Attachment, Membership, OrgUnit, Role
from daicho.core.permissions import may_edit, scope_of
from daicho.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    apply_errors,
    get_visible_or_404,
)
from daicho.governance import notify, selectors, services, workflow
from daicho.governance.exports import review_kind
from daicho.governance.filters import CaseFilterSet, ConsultationFilterSet, EvaluationFilterSet
from daicho.governance.forms import (
    CaseForm,
    ConsultationForm,
    DecisionForm,
    EvaluationForm,
    ReviewSettingsForm,
)
from daicho.governance.models import (
    Consultation,
    DecisionAction,
    Evaluation,
    ProcurementCase,
    Stage,
)
from daicho.governance.tables import CASE_COLUMNS, CONSULTATION_COLUMNS, EVALUATION_COLUMNS
from daicho.registry.models import InformationSystem

# --- cases --------------------------------------------------------------------------------------


class CaseListView(ObjectListView):
    filterset_class = CaseFilterSet
    columns = CASE_COLUMNS
    default_sort = "-updated_at"
    list_name = "cases"
    title = gettext_lazy("Procurement cases")
    create_url_name = "governance:case_create"
    export_kind = "cases"

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)


class CaseEditView(ObjectEditView):
    model = ProcurementCase
    form_class = CaseForm

    def save(self, form, obj):
        data = dict(form.cleaned_data)
        if obj is None:
            return services.case_create(organisation=data["owner_unit"].organisation, **data)
        return services.case_update(case=obj, data=data)

    def cancel_url(self):
        return reverse("governance:case_list")


class CaseDeleteView(ObjectDeleteView):
    model = ProcurementCase
    success_url = reverse_lazy("governance:case_list")

    def delete(self, obj):
        services.case_delete(case=obj)


def _checklist(case: ProcurementCase) -> list[dict]:
    ticked = case.checklist.get(case.stage, {})
    return [
        {"key": item.key, "label": item.label, "checked": bool(ticked.get(item.key))}
        for item in workflow.checklist_items(case)
    ]


def _gates(case: ProcurementCase) -> list[dict]:
    """The five gates with where the case stands on each (for the progress bar)."""
    current = workflow.STAGE_ORDER.index(case.stage)
    result = []
    for index, (value, label) in enumerate(Stage.choices):
        if case.state == "completed" or index < current:
            status = "done"
        elif index == current:
            status = case.state
        else:
            status = "todo"
        result.append({"value": value, "label": label, "status": status})
    return result


class CaseDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        case = get_visible_or_404(selectors.case_list(user=request.user), request.user, pk=pk)
        content_type = ContentType.objects.get_for_model(case)
        can_edit = services.may_edit_case(case, request.user)
        may_decide = services.may_decide(case, request.user)
        return render(
            request,
            "governance/case_detail.html",
            {
                "case": case,
                "gates": _gates(case),
                "checklist": _checklist(case),
                "checklist_open": can_edit and case.state in ("draft", "returned"),
                "gate_problems": workflow.gate_problems(case)
                if case.state in ("draft", "returned")
                else [],
                "review": _review(case),
                "review_open": case.state == "submitted" and may_decide,
                "review_missing": case.state == "submitted" and bool(workflow.review_missing(case)),
                "actions": services.available_actions(case, request.user),
                "decisions": selectors.case_decisions(case=case),
                "budget_review": selectors.case_review(case),
                "consultations": case.consultations.select_related("unit").order_by(
                    "-consulted_on"
                ),
                "evaluations": case.evaluations.all(),
                "attachments": Attachment.objects.filter(
                    content_type=content_type, object_id=str(case.pk)
                ),
                "content_type": content_type,
                "can_edit": can_edit and case.state in ("draft", "returned"),
                "can_record_consultation": may_decide,
                "attachment_form": AttachmentForm(),
                "decision_form": DecisionForm(),
            },
        )


class CaseChecklistView(LoginRequiredMixin, View):
    """Tick the checklist items of the case's current gate."""

    def post(self, request, pk):
        case = get_visible_or_404(ProcurementCase.objects, request.user, pk=pk)
        if not services.may_edit_case(case, request.user):
            raise PermissionDenied
        checked = set(request.POST.getlist("item"))
        try:
            services.case_update(
                case=case,
                data={},
                checklist={i.key: i.key in checked for i in workflow.checklist_items(case)},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Checklist saved."))
        return redirect(case.get_absolute_url())


def _review(case: ProcurementCase) -> list[dict]:
    done = case.review_checks.get(case.stage, {})
    return [
        {"key": item.key, "label": item.label, "checked": bool(done.get(item.key))}
        for item in workflow.review_items(case)
    ]


class CaseReviewChecksView(LoginRequiredMixin, View):
    """The IT policy division records its own review checks of the gate it is asked to
    approve."""

    def post(self, request, pk):
        case = get_visible_or_404(ProcurementCase.objects, request.user, pk=pk)
        if not services.may_decide(case, request.user):
            raise PermissionDenied
        checked = set(request.POST.getlist("item"))
        try:
            services.case_review_checks(
                case=case, checks={i.key: i.key in checked for i in workflow.review_items(case)}
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Review saved."))
        return redirect(case.get_absolute_url())


ACTION_MESSAGES = {
    DecisionAction.SUBMIT: gettext_lazy("Submitted to the IT policy division."),
    DecisionAction.APPROVE: gettext_lazy("Gate approved."),
    DecisionAction.RETURN: gettext_lazy("Returned to the owner section."),
    DecisionAction.WITHDRAW: gettext_lazy("Case withdrawn."),
}


class CaseActionView(LoginRequiredMixin, View):
    """Submit, approve, return or withdraw: one transition of the table."""

    def post(self, request, pk, action):
        case = get_visible_or_404(ProcurementCase.objects, request.user, pk=pk)
        service = services.ACTIONS.get(action)
        if service is None:
            raise Http404
        form = DecisionForm(request.POST)
        form.is_valid()
        try:
            service(case=case, comment=form.cleaned_data.get("comment", ""))
        except ValidationError as exc:
            messages.error(
                request,
                _("Not done: %(problem)s") % {"problem": " ".join(exc.messages)},
            )
        except PermissionDenied as exc:
            # The IT policy division refused by a rule (the submitter may not approve) reads why
            # on the case; anyone else gets the 403 page.
            if not services.may_decide(case, request.user):
                raise
            messages.error(request, _("Not done: %(problem)s") % {"problem": exc})
        else:
            messages.success(request, str(ACTION_MESSAGES[action]))
        return redirect(case.get_absolute_url())


class MyWorkView(LoginRequiredMixin, View):
    """What waits for the user (every registered kind of notice) and what they choose to get."""

    def get(self, request):
        organisation = request.organisation
        if organisation is None:
            raise PermissionDenied
        preference = notify.preference_of(request.user)
        chosen = notify.chosen_kinds(preference)
        return render(
            request,
            "governance/my_work.html",
            {
                "groups": notices.notices_for(request.user, organisation),
                "sources": [(s, s.kind in chosen) for s in notices.sources()],
                "preference": preference,
            },
        )

    def post(self, request):
        notify.preference_save(
            user=request.user,
            kinds=request.POST.getlist("kind"),
            email_digest=request.POST.get("email_digest") == "on",
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("governance:my_work")


def work_panel(request) -> dict:
    """The home page's "waiting for you": the kinds the user chose, only when something waits."""
    if not request.organisation:
        return {"groups": []}
    chosen = notify.chosen_kinds(notify.preference_of(request.user))
    groups = notices.notices_for(request.user, request.organisation, kinds=chosen)
    return {"groups": [(source, items) for source, items in groups if items]}


# --- consultations ------------------------------------------------------------------------------


class ConsultationListView(ObjectListView):
    filterset_class = ConsultationFilterSet
    columns = CONSULTATION_COLUMNS
    default_sort = "-consulted_on"
    list_name = "consultations"
    title = gettext_lazy("Consultations (support for owner sections)")
    create_url_name = "governance:consultation_create"
    export_kind = "consultations"
    template_name = "governance/consultation_list.html"

    def get_queryset(self):
        return selectors.consultation_list(user=self.request.user)

    def get(self, request):
        # Only the IT policy division records consultations: no "Add" button for others.
        if not scope_of(request.user).policy_org_ids:
            self.create_url_name = None
        return super().get(request)

    def extra_context(self):
        organisation = self.request.organisation
        fy = self.request.GET.get("fy") or ""
        try:
            year = (
                wareki.parse_fiscal_year(fy) if fy else wareki.fiscal_year_of(timezone.localdate())
            )
        except wareki.WarekiError:
            year = wareki.fiscal_year_of(timezone.localdate())
        summary = selectors.consultation_summary(organisation, year) if organisation else {}
        return {"summary": summary, "summary_year": year}


class ConsultationEditView(ObjectEditView):
    model = Consultation
    form_class = ConsultationForm

    def _policy(self):
        if not scope_of(self.request.user).policy_org_ids:
            raise PermissionDenied

    def get(self, request, pk=None):
        if pk is None:
            self._policy()
        return super().get(request, pk)

    def post(self, request, pk=None):
        if pk is None:
            self._policy()
        return super().post(request, pk)

    def get_object(self, pk):
        obj = get_visible_or_404(Consultation.objects, self.request.user, pk=pk)
        if obj.organisation_id not in scope_of(self.request.user).policy_org_ids:
            # Others read it here, without a form they could submit.
            raise PermissionDenied(_("Only the IT policy division records consultations."))
        return obj

    def save(self, form, obj):
        if obj is None:
            return services.consultation_create(
                organisation=form.cleaned_data["unit"].organisation, **form.cleaned_data
            )
        return services.consultation_update(consultation=obj, data=form.cleaned_data)

    def success_url(self, obj):
        return reverse("governance:consultation_list")

    def cancel_url(self):
        return reverse("governance:consultation_list")


# --- evaluations ------------------------------------------------------------------------------


class EvaluationListView(ObjectListView):
    filterset_class = EvaluationFilterSet
    columns = EVALUATION_COLUMNS
    default_sort = "-evaluated_on"
    list_name = "evaluations"
    title = gettext_lazy("Post-implementation evaluations")
    export_kind = "evaluations"
    template_name = "governance/evaluation_list.html"

    def get_queryset(self):
        return selectors.evaluation_list(user=self.request.user)

    def extra_context(self):
        organisation = self.request.organisation
        due = (
            list(selectors.evaluations_due(user=self.request.user, organisation=organisation))
            if organisation
            else []
        )
        return {"due": due}


class EvaluationCreateView(LoginRequiredMixin, View):
    """Evaluate a system (from its case, when it has one): expected against actual."""

    def _target(self, request):
        case = None
        if request.GET.get("case"):
            case = get_visible_or_404(ProcurementCase.objects, request.user, pk=request.GET["case"])
            system = case.system
        elif request.GET.get("system"):
            system = get_visible_or_404(
                InformationSystem.objects, request.user, pk=request.GET["system"]
            )
        else:
            return None, None
        if not may_edit(system, request.user):
            raise PermissionDenied
        return system, case

    def _fiscal_year(self, case):
        """The year evaluated: ``?fiscal_year=`` when given, else the case's first year in
        operation (the evaluation is due a year after), else the last finished year."""
        try:
            return wareki.parse_fiscal_year(self.request.GET.get("fiscal_year") or "")
        except wareki.WarekiError:
            pass
        last_finished = wareki.fiscal_year_of(timezone.localdate()) - 1
        if case is not None and case.in_operation_on:
            return min(wareki.fiscal_year_of(case.in_operation_on), last_finished)
        return last_finished

    def _initial(self, system, case):
        today = timezone.localdate()
        fiscal_year = self._fiscal_year(case)
        initial = {"evaluated_on": today, "fiscal_year": fiscal_year}
        if case is not None:
            initial.update(
                expected_cost=case.recurring_cost or None,
                expected_usage=case.expected_usage,
                expected_staff_hours_saved=case.expected_staff_hours_saved,
            )
        figures = selectors.system_cost_figures(
            organisation=system.organisation,
            fiscal_year=fiscal_year + 1,
            systems=InformationSystem.objects.filter(pk=system.pk),
        ).first()
        if figures is not None and figures.actual_1:
            # The ledger's 決算: the actual 運用等経費 of the year, said next to the field.
            initial["actual_cost"] = figures.actual_1
            self.actual_cost_source = fiscal_year
        return initial

    def get(self, request):
        system, case = self._target(request)
        if system is None:
            return self.choose_case(request)
        self.actual_cost_source = None
        form = EvaluationForm(initial=self._initial(system, case))
        return self.render(system, case, form)

    def choose_case(self, request):
        """Without a case or a system: the cases at the evaluation gate the user may edit."""
        cases = (
            ProcurementCase.objects.editable_by(request.user)
            .filter(stage=Stage.EVALUATION)
            .select_related("system")
            .order_by("in_operation_on", "code")
        )
        return render(request, "governance/evaluation_choose.html", {"cases": cases})

    def post(self, request):
        system, case = self._target(request)
        if system is None:
            raise Http404
        self.actual_cost_source = None
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                evaluation = services.evaluation_create(
                    system=system, case=case, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Evaluation recorded."))
                return redirect(evaluation.get_absolute_url())
        return self.render(system, case, form, status=400)

    def render(self, system, case, form, status=200):
        return render(
            self.request,
            "governance/evaluation_form.html",
            {
                "system": system,
                "case": case,
                "form": form,
                "actual_cost_source": self.actual_cost_source,
            },
            status=status,
        )


class EvaluationDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        evaluation = get_visible_or_404(
            Evaluation.objects.select_related("system", "case", "evaluated_by"),
            request.user,
            pk=pk,
        )
        return render(request, "governance/evaluation_detail.html", {"evaluation": evaluation})


# --- budget review ------------------------------------------------------------------------------


class BudgetReviewView(LoginRequiredMixin, View):
    """Budget season: every request of a fiscal year with its flags (IT policy, finance)."""

    def _allowed(self, request):
        scope = scope_of(request.user)
        organisation = request.organisation
        if organisation is None or not (
            organisation.pk in scope.policy_org_ids
            or organisation.pk in scope.audit_org_ids
            or Membership.objects.filter(
                user=request.user, organisation=organisation, role=Role.VIEWER
            ).exists()
        ):
            raise PermissionDenied(
                _("The budget review is for the IT policy division and the finance division.")
            )
        return organisation

    def get(self, request):
        organisation = self._allowed(request)
        fy_text = request.GET.get("fy") or str(wareki.fiscal_year_of(timezone.localdate()) + 1)
        try:
            fiscal_year = wareki.parse_fiscal_year(fy_text)
        except wareki.WarekiError:
            messages.error(request, _("Not a fiscal year: %(value)s") % {"value": fy_text})
            fiscal_year = wareki.fiscal_year_of(timezone.localdate())
        settings = services.review_settings(organisation)
        rows = selectors.budget_review(
            organisation=organisation, fiscal_year=fiscal_year, settings=settings
        )
        departments = list(
            OrgUnit.objects.filter(organisation=organisation, parent=None).order_by(
                "sort_order", "code"
            )
        )
        department = next((d for d in departments if d.code == request.GET.get("department")), None)
        if department is not None:
            rows = [r for r in rows if r.system.owner_unit.department_id == department.pk]
        flagged_only = request.GET.get("flagged") == "1"
        if flagged_only:
            rows = [r for r in rows if any(code != "new" for code, _text in r.flags)]
        if request.GET.get("export") in exports.FORMATS:
            return exports.download(review_kind(), rows, request, f"budget-review-{fiscal_year}")
        return render(
            request,
            "governance/budget_review.html",
            {
                "rows": rows,
                "fiscal_year": fiscal_year,
                "flagged_only": flagged_only,
                "departments": departments,
                "department": department,
                "settings": settings,
                "settings_form": ReviewSettingsForm(instance=settings)
                if organisation.pk in scope_of(request.user).policy_org_ids
                else None,
                "total": sum(r.request for r in rows if r.case is None),
                "flag_count": sum(1 for r in rows if any(c != "new" for c, _t in r.flags)),
            },
        )

    def post(self, request):
        organisation = self._allowed(request)
        if organisation.pk not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied
        form = ReviewSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.review_settings_save(organisation=organisation, data=form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Thresholds saved."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(f"{reverse('governance:budget_review')}?{request.GET.urlencode()}")


def register_home_panels(home) -> None:
    home.register(
        "governance.work",
        template="governance/_panel_work.html",
        context=work_panel,
        order=5,
        width=12,
    )
