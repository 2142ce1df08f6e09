"""Request bodies are bounded before they are read (#19): a 1 GB POST to /login/ with only a CSRF
cookie was written whole to the temporary folder; an authenticated 1 GB attachment was read whole
before the 20 MB refusal. Each route accepts a body of its own size and answers 413 above it."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from daicho.core.models import Attachment
from daicho.registry.models import InformationSystem

GB = 1024**3


class Untouchable(io.RawIOBase):
    """A request body that must not be read past its first few bytes."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def read(self, size=-1):
        if size is None or size < 0 or self.read_bytes + size > 16:
            raise AssertionError(f"the body was read ({size} bytes asked)")
        self.read_bytes += size
        return b"x" * size

    def readline(self, size=-1):
        return self.read(size)


class Chunked(io.RawIOBase):
    """A chunked body as gunicorn hands it over: no Content-Length, read until it ends. Counts
    what was read, and can go on for ever."""

    def __init__(self, data: bytes = b"", endless: bool = False):
        self.data, self.endless, self.read_bytes = data, endless, 0

    def readable(self):
        return True

    def read(self, size=-1):
        if self.endless:
            chunk = b"x" * (size if size and size > 0 else 65536)
        else:
            end = len(self.data) if size is None or size < 0 else self.read_bytes + size
            chunk = self.data[self.read_bytes : end]
        self.read_bytes += len(chunk)
        return chunk


def post(client, path, body, *, content_type=MULTIPART_CONTENT, length=None, **extra):
    """POST with ``body`` as the raw WSGI input and the given Content-Length ("" = none)."""
    environ = {
        "wsgi.input": body,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": "" if length is None else str(length),
    }
    if length is None:
        environ |= {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    return client.generic("POST", path, b"", **environ, **extra)


def _attachment_url(world):
    ct = ContentType.objects.get_for_model(InformationSystem)
    return reverse("attachment_add", args=[ct.pk, world.system_a.pk])


@pytest.mark.django_db
def test_a_gigabyte_posted_to_sign_in_is_refused_unread(client):
    client.cookies["csrftoken"] = "x" * 32
    body = Untouchable()
    response = post(client, "/login/", body, length=GB)
    assert response.status_code == 413
    assert body.read_bytes == 0
    page = response.content.decode()
    assert "大きすぎます" in page and "64 KB" in page
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_sign_in_form_is_still_accepted(client, world):
    response = client.post("/login/", {"username": "policy", "password": "wrong"})
    assert response.status_code == 200  # the form again, with its error: not refused for size


@pytest.mark.django_db
def test_every_form_has_a_limit_and_the_page_follows_the_users_language(client, world, settings):
    client.force_login(world.owner_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = Untouchable()
    response = post(client, reverse("unit_create"), body, length=settings.DAICHO_MAX_FORM_BYTES + 1)
    assert response.status_code == 413 and body.read_bytes == 0
    assert "at most 10 MB can be sent here" in response.content.decode()


def test_an_attachment_over_the_limit_is_refused_unread_but_an_import_may_be_larger(
    client, world, settings
):
    client.force_login(world.owner_a)
    over = settings.DAICHO_MAX_UPLOAD_BYTES + 2 * 1024 * 1024
    body = Untouchable()
    assert post(client, _attachment_url(world), body, length=over).status_code == 413
    assert body.read_bytes == 0
    # The same size is within an import's limit (DAICHO_MAX_IMPORT_MB): not refused for size.
    payload = encode_multipart(BOUNDARY, {"kind": "systems"})
    response = post(client, reverse("import_upload"), Chunked(payload), length=len(payload))
    assert response.status_code != 413
    big = settings.DAICHO_MAX_IMPORT_BYTES + 2 * 1024 * 1024
    assert post(client, reverse("import_upload"), Untouchable(), length=big).status_code == 413


def test_a_chunked_body_past_the_limit_is_refused_as_soon_as_it_passes(client, world, settings):
    settings.DAICHO_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(world.owner_a)
    body = Chunked(endless=True)
    response = post(client, _attachment_url(world), body)
    assert response.status_code == 413
    assert "2 MB" in response.content.decode()  # 1 MB file + 1 MB for the form around it
    assert body.read_bytes <= 2 * 1024 * 1024 + 1
    assert not Attachment.objects.exists()


def test_a_chunked_body_within_the_limit_is_read_as_usual(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.owner_a)
    upload = SimpleUploadedFile("構成図.pdf", b"%PDF-1.4 chunked", "application/pdf")
    payload = encode_multipart(BOUNDARY, {"file": upload, "description": "構成図"})
    response = post(client, _attachment_url(world), Chunked(payload))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.size) == ("構成図.pdf", 16)


def test_the_api_answers_json(client, world, settings):
    from daicho.core.models import TokenScope
    from daicho.core.services import token_create

    _token, secret = token_create(user=world.owner_a, name="t", scope=TokenScope.WRITE)
    body = Untouchable()
    response = post(
        client,
        "/api/v1/systems",
        body,
        content_type="application/json",
        length=settings.DAICHO_MAX_FORM_BYTES + 1,
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 413 and body.read_bytes == 0
    assert response["Content-Type"] == "application/json"
    assert "10 MB" in json.loads(response.content)["detail"]
    response = post(
        client, "/api/v1/systems", Chunked(endless=True), content_type="application/json"
    )
    assert response.status_code == 413 and "detail" in json.loads(response.content)
