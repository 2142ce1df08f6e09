"""Documents attached to a system: stored, size- and type-checked, downloaded only by readers."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from daicho.core.models import Attachment, AuditEvent
from daicho.registry.models import InformationSystem


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DAICHO_MAX_UPLOAD_BYTES = 1024
    return tmp_path


def _upload_url(world):
    ct = ContentType.objects.get_for_model(InformationSystem)
    return reverse("attachment_add", args=[ct.pk, world.system_a.pk])


def test_an_owner_attaches_a_diagram_and_a_viewer_downloads_it(client, world, media):
    client.force_login(world.owner_a)
    upload = SimpleUploadedFile("システム構成図.pdf", b"%PDF-1.4 test", "application/pdf")
    response = client.post(_upload_url(world), {"file": upload, "description": "構成図"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "システム構成図.pdf" and attachment.size == 13
    assert AuditEvent.objects.filter(content_type__model="attachment", action="create").exists()
    client.force_login(world.viewer)
    download = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    client.force_login(world.outsider)
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404


def test_a_file_over_the_limit_is_refused_with_its_size(client, world, media):
    client.force_login(world.owner_a)
    upload = SimpleUploadedFile("大きい.pdf", b"x" * 2048, "application/pdf")
    response = client.post(_upload_url(world), {"file": upload}, follow=True)
    assert not Attachment.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("MB" in m for m in messages)


def test_an_executable_is_refused(client, world, media):
    client.force_login(world.owner_a)
    upload = SimpleUploadedFile("setup.exe", b"MZ", "application/octet-stream")
    client.post(_upload_url(world), {"file": upload})
    assert not Attachment.objects.exists()


def test_a_viewer_cannot_attach(client, world, media):
    client.force_login(world.viewer)
    upload = SimpleUploadedFile("a.pdf", b"%PDF", "application/pdf")
    assert client.post(_upload_url(world), {"file": upload}).status_code == 403
    assert not Attachment.objects.exists()
