"""The annual report from the web is made by the job worker: the page queues it, shows its progress
from core.Job and offers the file when it is done; the CLI still writes it at once."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from daicho.core.models import Job, JobState
from tests.plan import test_plan

plan, ledger = test_plan.plan, test_plan.ledger  # the fixtures of the plan's tests


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def start(client, fmt: str):
    """Open the report page as the dashboard links it, then press its button."""
    url = reverse("plan:report", args=[fmt]) + "?fy=2014"
    page = client.get(url)
    assert page.status_code == 200
    assert Job.objects.count() == 0  # opening the page makes nothing
    return client.post(reverse("plan:report", args=[fmt]), {"fy": "2014"})


@pytest.mark.django_db(transaction=True)
def test_the_xlsx_report_is_made_in_the_background_and_offered_when_done(
    client, world, plan, ledger, media
):
    client.force_login(world.viewer)
    response = start(client, "xlsx")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plan:report_job", args=[job.token])
    assert (job.kind, job.state, job.rows, job.organisation) == (
        "annual_report",
        JobState.DONE,
        2,
        world.org,
    )
    page = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "annual-report-2014.xlsx" in page
    assert reverse("plan:report_file", args=[job.token]) in page
    assert "hx-trigger" not in page  # done: the page stops asking
    download = client.get(reverse("plan:report_file", args=[job.token]))
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="annual-report-2014.xlsx"' in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    costs = {r[0]: r[1:] for r in book["経費（部局別）"].iter_rows(min_row=2, values_only=True)}
    assert costs["合計"][0] == 20_000 and costs["合計"][1] == 13_000
    # someone else's report: neither its progress nor its file
    client.force_login(world.policy)
    assert client.get(response.url).status_code == 404
    assert client.get(reverse("plan:report_file", args=[job.token])).status_code == 404


@pytest.mark.django_db
def test_the_progress_page_shows_the_jobs_state_while_the_worker_runs(client, world, plan):
    params = {"plan": plan.pk, "fiscal_year": 2014, "format": "pdf"}
    job = Job.objects.create(kind="annual_report", user=world.viewer, params=params)
    client.force_login(world.viewer)
    url = reverse("plan:report_job", args=[job.token])
    page = client.get(url).content.decode()
    assert "annual-report-2014.pdf" in page and 'hx-trigger="every 1s"' in page
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, rows=1)
    assert "PDF の報告書を作成しています…（手順 1 / 2）" in client.get(url).content.decode()
    assert client.get(reverse("plan:report_file", args=[job.token])).status_code == 404
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error="印刷できません")
    assert "印刷できません" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_pdf_without_chromium_fails_with_the_reason_on_the_progress_page(
    client, world, plan, media
):
    client.force_login(world.policy)
    from daicho.plan import printing

    missing = printing.PdfUnavailable("PDF needs Debian's chromium (apt-get install chromium).")
    with mock.patch("daicho.plan.report.pdf", side_effect=missing):
        response = start(client, "pdf")
    job = Job.objects.get()
    assert job.state == JobState.FAILED and "chromium" in job.error
    assert "chromium" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_another_organisation_cannot_have_the_report_made(client, world, plan):
    client.force_login(world.outsider)  # no plan in its organisation
    assert client.post(reverse("plan:report", args=["xlsx"]), {"fy": "2014"}).status_code == 404
    client.force_login(world.viewer)
    assert client.post(reverse("plan:report", args=["docx"]), {"fy": "2014"}).status_code == 404
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_cli_writes_the_report_at_once_without_a_job(world, plan, ledger, tmp_path):
    target = tmp_path / "report.xlsx"
    call_command("report", "annual", "--fy", "2014", "--org", world.org.code, "-o", str(target))
    book = load_workbook(target)
    assert book.sheetnames == ["概要", "指標", "経費（部局別）"]
    assert not Job.objects.exists()
