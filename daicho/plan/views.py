"""The plan's dashboard: every indicator of a fiscal year, its trend and the records behind it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from daicho.core import metrics, summaries, wareki
from daicho.core.permissions import scope_of
from daicho.plan import jobs as plan_jobs
from daicho.plan import report, selectors, services
from daicho.plan.models import Indicator


def _year(request, plan) -> int:
    try:
        fy = int(request.GET.get("fy") or request.POST.get("fy") or 0)
    except ValueError:
        fy = 0
    if fy not in plan.years():  # only the plan's own years (and never a crash on nonsense)
        fy = min(
            max(wareki.fiscal_year_of(timezone.localdate()) - 1, plan.start_year), plan.end_year
        )
    return fy


def spark(values: list[tuple[int, Decimal | None]]) -> str:
    """An inline SVG bar sparkline of the values (no script, no external file)."""
    numbers = [float(v) for _fy, v in values if v is not None]
    if not numbers:
        return ""
    top = max(max(numbers), 0.0) or 1.0
    bottom = min(min(numbers), 0.0)
    span = (top - bottom) or 1.0
    bars = []
    for index, (fy, value) in enumerate(values):
        if value is None:
            continue
        height = max(2, round((float(value) - bottom) / span * 20))
        bars.append(
            f'<rect x="{index * 10}" y="{22 - height}" width="8" height="{height}">'
            f"<title>FY{fy}: {value}</title></rect>"
        )
    return (
        f'<svg class="spark" width="{len(values) * 10}" height="22" role="img" '
        f'aria-label="trend">{"".join(bars)}</svg>'
    )


class DashboardView(LoginRequiredMixin, View):
    def get(self, request):
        plan = selectors.plan_for(request.user, request.GET.get("plan"))
        if plan is None:
            return render(request, "plan/empty.html")
        fy = _year(request, plan)
        # Each figure once per request, shared with the areas' summaries below (the backup
        # compliance of the year is both an indicator and a summary).
        with metrics.sharing():
            rows = selectors.dashboard_rows(plan, fy)
            risks = summaries.tables(plan.organisation, fy)
        measures: dict = {}
        japanese = (get_language() or "ja").startswith("ja")
        for row in rows:
            row.spark = spark(row.trend)
            row.target_text = report.target_text(row.indicator, japanese=japanese)
            measures.setdefault(row.indicator.measure, []).append(row)
        return render(
            request,
            "plan/dashboard.html",
            {
                "chart": _chart(plan),
                "plan": plan,
                "fy": fy,
                "years": plan.years(),
                "measures": measures.items(),
                "rows": rows,
                "met": sum(1 for r in rows if r.met),
                "not_met": sum(1 for r in rows if r.met is False),
                "unavailable": sum(1 for r in rows if not r.available),
                "published": any(r.source == "published" for r in rows),
                "can_publish": plan.organisation_id in scope_of(request.user).policy_org_ids,
                "risks": risks,
            },
        )


def _chart(plan) -> dict:
    """The seed's 図2 for Chart.js: operation costs per year and the reduction against the base."""
    trend = report.cost_trend(plan)
    return {
        "labels": [t["label"] for t in trend],
        "budget": [round(t["thousand"] / 1000, 1) for t in trend],
        "actual": [],
        "reduction": [
            None if t["reduction"] is None else round(t["reduction"] * 100, 1) for t in trend
        ],
        "budget_label": _("Operation costs, budget (million yen)"),
        "actual_label": "",
        "reduction_label": _("Reduction vs FY%(year)s, budget (%%)") % {"year": plan.base_year},
    }


class IndicatorRecordsView(LoginRequiredMixin, View):
    """The records an indicator's figure counted in a fiscal year: the frozen set of a published
    year, otherwise those the ledger counts as of the year's end."""

    def get(self, request, pk):
        indicator = get_object_or_404(
            Indicator.objects.filter(
                measure__plan__organisation_id__in=scope_of(request.user).read_org_ids
            ).select_related("measure", "measure__plan", "measure__plan__organisation"),
            pk=pk,
        )
        plan = indicator.measure.plan
        fy = _year(request, plan)
        counted = selectors.counted_records(indicator, fy)
        return render(
            request,
            "plan/records.html",
            {
                "plan": plan,
                "fy": fy,
                "indicator": indicator,
                "counted": counted,
                "row": counted.row,
                "records": [
                    (str(obj), obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "")
                    for obj in counted.records
                ],
            },
        )


class PublishView(LoginRequiredMixin, View):
    def post(self, request):
        plan = selectors.plan_for(request.user, request.POST.get("plan"))
        if plan is None:
            raise Http404
        fy = _year(request, plan)
        count = services.year_publish(plan=plan, fiscal_year=fy)
        messages.success(
            request,
            _("FY%(year)s published: %(count)d figures frozen.") % {"year": fy, "count": count},
        )
        return redirect(f"{reverse('plan:dashboard')}?plan={plan.code}&fy={fy}")


class ResultEnterView(LoginRequiredMixin, View):
    """Enter the value of a manual indicator with its evidence."""

    def post(self, request, pk):
        indicator = get_object_or_404(
            Indicator.objects.filter(
                measure__plan__organisation_id__in=scope_of(request.user).read_org_ids
            ),
            pk=pk,
        )
        plan = indicator.measure.plan
        fy = _year(request, plan)
        try:
            raw = request.POST.get("value", "").replace(",", "").strip()
            value = Decimal(raw) if raw else None
            services.result_enter(
                indicator=indicator,
                fiscal_year=fy,
                value=value,
                evidence=request.POST.get("evidence", ""),
            )
            messages.success(request, _("Saved: %(obj)s") % {"obj": indicator})
        except InvalidOperation:
            messages.error(request, _("Not a number: %(value)s") % {"value": raw})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('plan:dashboard')}?plan={plan.code}&fy={fy}")


class ReportView(LoginRequiredMixin, View):
    """The annual report for the committee, as HTML (print) or XLSX."""

    def get(self, request, fmt):
        plan = selectors.plan_for(request.user, request.GET.get("plan"))
        if plan is None:
            raise Http404
        if not scope_of(request.user).read_org_ids:
            raise PermissionDenied
        fy = _year(request, plan)
        if fmt != "html":
            return report_start_page(request, plan, fy, fmt)
        return HttpResponse(report.html(plan, fy, links=_report_links(request, plan, fy)))

    def post(self, request, fmt):
        return report_start(request, fmt)


# --- the annual report as a background job (daicho.plan.jobs) ------------------------------------


def report_start_page(request, plan, fy, fmt) -> HttpResponse:
    """The page that has the XLSX or PDF report made by the job worker (a GET makes nothing)."""
    if fmt not in plan_jobs.FORMATS:
        raise Http404
    return render(
        request,
        "plan/report_start.html",
        {"plan": plan, "fy": fy, "fmt": fmt, "formats": plan_jobs.FORMATS},
    )


def report_start(request, fmt) -> HttpResponse:
    """Queue the report for the job worker and follow it on its progress page."""
    plan = selectors.plan_for(request.user, request.POST.get("plan") or request.GET.get("plan"))
    if plan is None or fmt not in plan_jobs.FORMATS:
        raise Http404
    job = plan_jobs.report_in_background(
        user=request.user, plan=plan, fiscal_year=_year(request, plan), fmt=fmt
    )
    return redirect("plan:report_job", token=job.token)


class ReportJobView(LoginRequiredMixin, View):
    """The report being made: its state read from core.Job (any server process answers), the
    file offered when it is done. Only the user who asked for it sees it."""

    def get(self, request, token):
        job = plan_jobs.report_job_for(token=token, user=request.user)
        if job is None:
            raise Http404
        template = (
            "plan/_report_job.html" if request.headers.get("HX-Request") else "plan/report_job.html"
        )
        return render(
            request,
            template,
            {
                "job": job,
                "file_name": plan_jobs.file_name(job),
                "format": plan_jobs.FORMATS[job.params["format"]],
                "steps": plan_jobs.STEPS,
            },
        )


class ReportFileView(LoginRequiredMixin, View):
    """The finished report's file, for the user who asked for it."""

    def get(self, request, token):
        job = plan_jobs.report_job_for(token=token, user=request.user)
        handle = plan_jobs.report_file(job) if job is not None else None
        if handle is None:
            raise Http404
        return FileResponse(
            handle,
            as_attachment=True,
            filename=plan_jobs.file_name(job),
            content_type=plan_jobs.FORMATS[job.params["format"]].content_type,
        )


def _report_links(request, plan, fy) -> dict[str, str]:
    """The web report's links to its other formats (and, for the IT policy division, its words)."""
    query = f"?plan={plan.code}&fy={fy}"
    links = {
        "dashboard": reverse("plan:dashboard") + query,
        "pdf": reverse("plan:report", args=["pdf"]) + query,
        "xlsx": reverse("plan:report", args=["xlsx"]) + query,
    }
    if plan.organisation_id in scope_of(request.user).policy_org_ids:
        links["narratives"] = reverse("plan:narratives") + query
    return links


class NarrativeEditView(LoginRequiredMixin, View):
    """The IT policy division writes the report's words per indicator for a year: 取組内容・評価・
    次年度の方針, on one page grouped by measure, with the history of those words below."""

    def _plan(self, request):
        plan = selectors.plan_for(request.user, request.GET.get("plan") or request.POST.get("plan"))
        if plan is None:
            raise Http404
        if plan.organisation_id not in scope_of(request.user).policy_org_ids:
            raise PermissionDenied
        return plan

    def get(self, request):
        plan = self._plan(request)
        fy = _year(request, plan)
        return render(request, "plan/narratives.html", _narrative_context(plan, fy))

    def post(self, request):
        plan = self._plan(request)
        fy = _year(request, plan)
        current = report.narratives(plan, fy)
        saved = 0
        errors = []
        for indicator in Indicator.objects.filter(measure__plan=plan).select_related(
            "measure__plan__organisation"
        ):
            prefix = f"n{indicator.pk}-"
            if not any(prefix + f in request.POST for f in services.NARRATIVE_FIELDS):
                continue  # not on the form that was sent
            before = current.get(indicator.pk)
            values = {
                f: request.POST.get(prefix + f, getattr(before, f, ""))
                for f in services.NARRATIVE_FIELDS
            }
            try:
                if services.narrative_save(indicator=indicator, fiscal_year=fy, **values):
                    saved += 1
            except ValidationError as exc:
                errors.append(f"{indicator.name}: {' '.join(exc.messages)}")
        for error in errors:
            messages.error(request, error)
        if saved:
            messages.success(
                request, _("Saved the words of %(count)d indicators.") % {"count": saved}
            )
        elif not errors:
            messages.info(request, _("Nothing changed."))
        return redirect(f"{reverse('plan:narratives')}?plan={plan.code}&fy={fy}")


def _narrative_context(plan, fy) -> dict:
    words = report.narratives(plan, fy)
    measures: dict = {}
    for indicator in Indicator.objects.filter(measure__plan=plan).select_related("measure"):
        n = words.get(indicator.pk)
        measures.setdefault(indicator.measure, []).append(
            {
                "indicator": indicator,
                "fields": [
                    (f"n{indicator.pk}-{f}", label, getattr(n, f, ""))
                    for f, label in (
                        ("activities", _("Activities")),
                        ("evaluation", _("Evaluation of the year")),
                        ("next_policy", _("Policy for next year")),
                    )
                ],
            }
        )
    return {
        "plan": plan,
        "fy": fy,
        "years": plan.years(),
        "measures": measures.items(),
        "history": report.narrative_history(plan, fy),
    }
