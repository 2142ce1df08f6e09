"""Confirming a web preview is one-shot: a resent form or a double click imports nothing more."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from daicho.core.importing import engine
from daicho.core.models import AuditEvent, ImportBatch
from daicho.registry.models import InformationSystem, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# A ledger as a section keeps it: no system IDs, so nothing but the confirmation's one-shot
# guard (and the name as natural key) keeps a second confirmation from adding copies.
LEDGER = (
    "システム名,所管部局,所管課,稼働環境\n"
    "河川情報システム,県民生活部,くらし安全安心課,クラウド\n"
    "道路台帳システム,県民生活部,くらし安全安心課,オンプレミス\n"
)


def preview_of(client, text: str = LEDGER) -> ImportBatch:
    f = SimpleUploadedFile("台帳.csv", text.encode("cp932"), "text/csv")
    response = client.post(
        reverse("import_upload"), {"kind": "systems", "file": f, "create_refs": "on"}
    )
    preview = ImportBatch.objects.get(status="dry_run")
    assert response.url == preview.get_absolute_url()
    return preview


def test_three_posts_of_the_confirm_form_give_one_import(client, world):
    client.force_login(world.owner_b)
    preview = preview_of(client)
    url = reverse("import_confirm", args=[preview.pk])
    first = client.post(url, follow=True)
    applied = ImportBatch.objects.get(status="applied")
    assert first.redirect_chain[-1][0] == applied.get_absolute_url()
    assert applied.created == 2
    events = AuditEvent.objects.count()
    for _ in range(2):
        again = client.post(url, follow=True)
        assert again.redirect_chain[-1][0] == applied.get_absolute_url()
        assert [str(m) for m in get_messages(again.wsgi_request)] == [
            "このプレビューは取り込み済みです。もう一度取り込むことはしていません。"
        ]
    assert ImportBatch.objects.filter(status="applied").count() == 1
    names = InformationSystem.objects.filter(organisation=world.org).values_list("name", flat=True)
    assert sorted(n for n in names if n.endswith("台帳システム") or n.startswith("河川")) == [
        "河川情報システム",
        "道路台帳システム",
    ]
    assert AuditEvent.objects.count() == events
    preview.refresh_from_db()
    assert preview.confirmed_by == applied
    # The preview now links to its import and offers no second confirmation.
    page = client.get(preview.get_absolute_url()).content.decode()
    assert 'id="confirm-form"' not in page
    assert applied.get_absolute_url() in page


def test_a_rejected_confirmation_leaves_the_preview_confirmable(client, world, monkeypatch):
    """Only an applied import marks the preview: a confirmation that the ledger refused (the
    vendor named by the file was deleted in between) can be retried once that is fixed."""
    text = "システム名,所管部局,保守事業者\n河川情報システム,県民生活部,V001\n"
    Vendor.objects.create(organisation=world.org, code="V001", name="岡山システム")
    client.force_login(world.policy)
    preview = preview_of(client, text)
    Vendor.objects.filter(code="V001").delete()
    monkeypatch.setattr(
        engine.Context, "may_create", lambda self, reference: reference != "vendors"
    )
    client.post(reverse("import_confirm", args=[preview.pk]))
    preview.refresh_from_db()
    assert preview.confirmed_by is None
    assert not InformationSystem.objects.filter(name="河川情報システム").exists()
    Vendor.objects.create(organisation=world.org, code="V001", name="岡山システム")
    client.post(reverse("import_confirm", args=[preview.pk]))
    preview.refresh_from_db()
    assert preview.confirmed_by.status == "applied"
    assert InformationSystem.objects.filter(name="河川情報システム").count() == 1


def test_only_the_uploader_confirms(client, world):
    client.force_login(world.owner_b)
    preview = preview_of(client)
    client.force_login(world.policy)
    response = client.post(reverse("import_confirm", args=[preview.pk]))
    assert response.status_code == 403
    preview.refresh_from_db()
    assert preview.confirmed_by is None
    assert not ImportBatch.objects.filter(status="applied").exists()
    client.force_login(world.owner_b)
    client.post(reverse("import_confirm", args=[preview.pk]))
    client.force_login(world.policy)  # confirmed now: still not theirs to confirm
    assert client.post(reverse("import_confirm", args=[preview.pk])).status_code == 403
    assert ImportBatch.objects.filter(status="applied").count() == 1


def _shared_database() -> bool:
    """Threads can race only on a database they share with locks that wait: PostgreSQL, or a
    SQLite file (the in-memory test database fails a second writer at once instead)."""
    return connection.vendor == "postgresql" or not connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_sent_at_the_same_moment_give_one_import(world, monkeypatch):
    if not _shared_database():
        pytest.skip("the in-memory SQLite test database cannot run two writers side by side")
    client = Client()
    client.force_login(world.owner_b)
    preview = preview_of(client)
    run = engine.run

    def slow_run(**kwargs):  # the first import is still running when the second request comes
        time.sleep(0.5)
        return run(**kwargs)

    monkeypatch.setattr(engine, "run", slow_run)
    url = reverse("import_confirm", args=[preview.pk])
    start = threading.Barrier(2)
    responses = []

    def confirm():
        me = Client()
        me.force_login(world.owner_b)
        start.wait()
        try:
            responses.append(me.post(url))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    applied = ImportBatch.objects.get(status="applied")
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert {r.url for r in responses} == {applied.get_absolute_url()}
    assert InformationSystem.objects.filter(name="河川情報システム").count() == 1
