"""The annual report made by the job worker (`daicho.core.jobs`): the web page queues it, follows
its progress in core.Job and offers the file when it is done, so a slow report (the PDF is
printed by a headless Chromium) never holds a web worker. `daicho report annual` stays
synchronous: it calls `daicho.plan.report` directly."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from daicho.core import jobs
from daicho.core.models import Job, JobState, User
from daicho.core.services import require
from daicho.plan import report
from daicho.plan.models import Plan

KIND = "annual_report"


@dataclass(frozen=True)
class ReportFormat:
    """A format the worker makes the report in."""

    suffix: str
    content_type: str
    label: str


FORMATS = {
    "xlsx": ReportFormat(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
    ),
    "pdf": ReportFormat("pdf", "application/pdf", "PDF"),
}

#: the steps the progress page counts (Job.rows): begun, file written
STEPS = 2


def report_in_background(*, user: User, plan: Plan, fiscal_year: int, fmt: str) -> Job:
    """Queue the annual report of ``plan`` for ``fiscal_year`` as ``fmt`` (xlsx or pdf) for the
    job worker; anyone who reads the plan may have it made."""
    require(Plan.objects.visible_to(user).filter(pk=plan.pk).exists())
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("The report is made as XLSX or PDF.")})
    return jobs.job_enqueue(
        kind=KIND,
        user=user,
        organisation=plan.organisation,
        params={"plan": plan.pk, "fiscal_year": fiscal_year, "format": fmt},
    )


def file_name(job: Job) -> str:
    """The name the report is downloaded under."""
    return f"annual-report-{job.params['fiscal_year']}.{job.params['format']}"


def report_job_for(*, token: str, user: User) -> Job | None:
    """The report job with this token, if ``user`` started it."""
    job = jobs.job_for(token=token, user=user)
    return job if job is not None and job.kind == KIND else None


def report_file(job: Job):
    """The finished report's file, opened for reading (None when there is none)."""
    name = job.params.get("file")
    if job.state != JobState.DONE or not name or not default_storage.exists(name):
        return None
    return default_storage.open(name, "rb")


@jobs.handler(KIND)
def _report_job(job: Job, progress) -> None:
    """Make the report as the user who asked for it may read it, and keep the file beside the
    attachments (``reports/<token>.<format>``) for the progress page to offer."""
    params = job.params
    plan = Plan.objects.visible_to(job.user).filter(pk=params["plan"]).first()
    if plan is None:
        raise PermissionDenied(_("You may not read this plan."))
    progress(1)
    fmt = params["format"]
    if fmt == "pdf":
        try:
            content = report.pdf(plan, params["fiscal_year"])
        except report.PdfUnavailable as exc:
            raise ValidationError(str(exc)) from None
    else:
        content = report.xlsx(plan, params["fiscal_year"])
    name = default_storage.save(f"reports/{job.token}.{FORMATS[fmt].suffix}", ContentFile(content))
    Job.objects.filter(pk=job.pk).update(params={**params, "file": name})
    progress(STEPS)
