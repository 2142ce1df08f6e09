"""Importing from the browser: upload, preview with problems at their rows, confirm, roll back."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from daicho.core.audit import Channel, audit_context
from daicho.core.importing import services
from daicho.core.models import AuditEvent, ImportBatch, Job, JobState
from daicho.registry import services as registry_services
from daicho.registry.models import CostLine, InformationSystem


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


GOOD = (
    "システムID,システム名,所管部局,所管課,稼働環境\n"
    "S0100,河川情報システム,県民生活部,くらし安全安心課,クラウド\n"
)
BAD = GOOD + "S0101,道路台帳システム,県民生活部,くらし安全安心課,宇宙\n"


def upload(client, text, **extra):
    f = SimpleUploadedFile("systems.csv", text.encode("cp932"), "text/csv")
    return client.post(
        reverse("import_upload"), {"kind": "systems", "file": f, "create_refs": "on", **extra}
    )


def test_preview_shows_the_bad_row_and_writes_nothing(client, world):
    client.force_login(world.policy)
    response = upload(client, BAD)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("import_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "宇宙" in page and "3行目" in page  # the value and its row number
    assert batch.status == "dry_run" and batch.created == 1 and batch.rejected == 1
    assert not InformationSystem.objects.filter(code__in=["S0100", "S0101"]).exists()
    assert client.post(reverse("import_confirm", args=[batch.pk])).status_code == 302
    assert not InformationSystem.objects.filter(code="S0100").exists()  # not confirmable


def test_a_clean_preview_is_confirmed_and_can_be_rolled_back(client, world):
    client.force_login(world.owner_b)
    preview = ImportBatch.objects.get(pk=upload(client, GOOD).url.rstrip("/").split("/")[-1])
    response = client.post(reverse("import_confirm", args=[preview.pk]))
    applied = ImportBatch.objects.exclude(pk=preview.pk).get()
    assert response.url == applied.get_absolute_url()
    assert applied.status == "applied" and applied.user == world.owner_b
    system = InformationSystem.objects.get(code="S0100")
    assert system.hosting == "cloud"
    event = AuditEvent.objects.get(request_id=applied.batch_id)
    assert event.channel == "import" and event.actor == world.owner_b
    page = client.get(applied.get_absolute_url()).content.decode()
    assert f"?batch={applied.batch_id}" in page
    client.post(reverse("import_rollback", args=[applied.pk]))
    applied.refresh_from_db()
    assert applied.status == "rolled_back"
    assert not InformationSystem.objects.filter(code="S0100").exists()


def test_an_owner_cannot_import_into_another_section(client, world):
    client.force_login(world.owner_a)  # owner of 総務部, the file names 県民生活部
    preview = ImportBatch.objects.get(pk=upload(client, GOOD).url.rstrip("/").split("/")[-1])
    assert preview.rejected == 1
    assert not InformationSystem.objects.filter(code="S0100").exists()


def test_a_viewer_cannot_upload(client, world):
    client.force_login(world.viewer)
    assert upload(client, GOOD).status_code == 403
    assert not ImportBatch.objects.exists()


def test_rollback_restores_before_images_of_updates(world, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "system,fiscal_year,basis,category,item,amount\n"
        "S0001,2014,budget,operation,itaku,999\nS0002,2014,budget,operation,itaku,5\n",
        encoding="utf-8",
    )
    from daicho.core.importing import engine

    result = engine.run(kind="costs", source=str(path), organisation=world.org)
    assert result.batch.status == "applied"
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.batch_rollback(batch=result.batch)
    assert CostLine.objects.get(system=world.system_a, fiscal_year=2014).amount == 10_500_000
    assert not CostLine.objects.filter(system=world.system_b).exists()


def test_rollback_is_refused_when_a_record_changed_since(world, tmp_path):
    from django.core.exceptions import ValidationError

    from daicho.core.importing import engine

    path = tmp_path / "c.csv"
    path.write_text(
        "system,fiscal_year,basis,category,item,amount\nS0002,2014,budget,operation,itaku,5\n",
        encoding="utf-8",
    )
    result = engine.run(kind="costs", source=str(path), organisation=world.org)
    line = CostLine.objects.get(system=world.system_b)
    with audit_context(actor=world.policy, channel=Channel.WEB):
        registry_services.cost_line_update(line=line, data={"amount": 6})
        with pytest.raises(ValidationError) as excinfo:
            services.batch_rollback(batch=result.batch)
    assert "S0002" in str(excinfo.value)
    assert CostLine.objects.get(system=world.system_b).amount == 6


def test_import_pages_follow_the_permission_matrix(client, world):
    batch = ImportBatch.objects.create(
        batch_id="x" * 32,
        organisation=world.org,
        kind="systems",
        file_name="a.csv",
        file_digest="",
        channel="web",
        status="applied",
        user=world.owner_a,
    )
    expected = {
        "anonymous": (302, 302),
        "viewer": (200, 404),
        "owner_a": (200, 200),
        "owner_b": (200, 404),
        "policy": (200, 200),
        "auditor": (200, 200),
        "outsider": (200, 404),
    }
    for role, (list_status, detail_status) in expected.items():
        client.logout()
        if world.user(role):
            client.force_login(world.user(role))
        assert client.get(reverse("import_list")).status_code == list_status, role
        assert client.get(reverse("import_detail", args=[batch.pk])).status_code == detail_status, (
            role
        )
    client.force_login(world.viewer)
    assert client.get(reverse("import_upload")).status_code == 403
    client.force_login(world.owner_b)
    assert client.get(reverse("import_upload")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_in_the_background_with_progress(client, world, settings):
    settings.DAICHO_IMPORT_BACKGROUND_BYTES = 0  # every file counts as large here
    client.force_login(world.policy)
    response = upload(client, GOOD)
    assert "/imports/progress/" in response.url
    page = client.get(response.url, HTTP_HX_REQUEST="true")
    assert page.status_code == 204  # done: htmx is sent to the preview
    batch = ImportBatch.objects.get()
    assert page["HX-Redirect"] == batch.get_absolute_url()
    assert batch.status == "dry_run" and batch.created == 1
    client.force_login(world.viewer)
    assert client.get(response.url).status_code == 404  # someone else's progress


@pytest.mark.django_db
def test_the_progress_page_counts_the_rows_read_while_the_worker_runs(client, world):
    job = Job.objects.create(
        kind="import_preview", user=world.policy, state=JobState.RUNNING, rows=1234
    )
    client.force_login(world.policy)
    page = client.get(f"/imports/progress/{job.token}/", HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and "1,234" in page.content.decode()
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error="壊れたファイル")
    assert "壊れたファイル" in client.get(f"/imports/progress/{job.token}/").content.decode()
