"""Every service that writes checks its permission itself, not trusting the page that calls it.

Regressions: any member (viewer, auditor, owner) could POST action=remind on an inventory
campaign (24 audit events and mails to SAM officers); a member who is IT policy in one
organisation and viewer in another could write knowledge articles in the second.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from daicho.core import services as core_services
from daicho.core.audit import Channel, audit_context
from daicho.core.models import Attachment, AuditEvent, JournalEntry, OrgUnit, Role, SavedView
from daicho.knowledge import services as knowledge_services
from daicho.knowledge.models import Article
from daicho.sam import services as sam_services
from daicho.sam.models import InventoryConfirmation
from tests.factories import UserFactory, member
from tests.sam.factories import DeviceFactory

D = datetime.date


@pytest.fixture
def campaign(world):
    for i in range(2):
        DeviceFactory(unit=world.section_a, name=f"A-{i}")
        DeviceFactory(unit=world.section_b, name=f"B-{i}")
    world.sam.email = "sam@pref.okayama.example"
    world.sam.save()
    with audit_context(actor=world.policy, channel=Channel.WEB):
        return sam_services.campaign_open(
            organisation=world.org,
            fiscal_year=2025,
            deadline=D(2025, 12, 26),
            units=[world.section_a, world.section_b],
            opened_on=D(2025, 10, 1),
        )


def _reminded(campaign) -> int:
    return InventoryConfirmation.objects.filter(
        campaign=campaign, reminded_at__isnull=False
    ).count()


@pytest.mark.parametrize("role", ["viewer", "auditor", "owner_a", "owner_b"])
def test_inventory_remind_is_refused_to_a_member_who_is_not_policy_or_sam(
    client, world, campaign, role
):
    client.force_login(world.user(role))
    events = AuditEvent.objects.count()
    url = reverse("sam:campaign_detail", args=[campaign.pk])
    response = client.post(url, {"action": "remind"})
    assert response.status_code == 403
    assert _reminded(campaign) == 0
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []


def test_inventory_remind_works_for_it_policy(
    client, world, campaign, django_capture_on_commit_callbacks
):
    client.force_login(world.policy)
    url = reverse("sam:campaign_detail", args=[campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "remind"})
    assert response.status_code == 302
    assert _reminded(campaign) == 2
    assert [m.to for m in mail.outbox] == [["sam@pref.okayama.example"]]


def test_inventory_remind_by_a_sam_officer_reaches_only_their_own_units(
    client, world, campaign, django_capture_on_commit_callbacks
):
    client.force_login(world.sam)  # SAM officer of section B
    url = reverse("sam:campaign_detail", args=[campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "remind"})
    assert response.status_code == 302
    reminded = InventoryConfirmation.objects.filter(campaign=campaign, reminded_at__isnull=False)
    assert [c.unit.code for c in reminded] == ["D02-S01"]


def test_the_reminder_mail_is_not_sent_when_the_transaction_rolls_back(world, campaign):
    from django.db import transaction

    with (
        audit_context(actor=world.policy, channel=Channel.WEB),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sam_services.inventory_remind(campaign=campaign, today=D(2025, 12, 20), days=14)
        raise RuntimeError("something later in the same transaction failed")
    assert mail.outbox == []
    assert _reminded(campaign) == 0


@pytest.fixture
def two_organisations(world):
    """IT policy in the other organisation, viewer in the first (whose pk is lower: it is the
    organisation a request works in without the switcher)."""
    user = member(UserFactory(username="both"), Role.IT_POLICY, world.other_org.units.first())
    member(user, Role.VIEWER, None, world.org)
    assert world.org.pk < world.other_org.pk
    return user


def test_a_two_organisation_member_cannot_write_articles_where_they_are_a_viewer(
    client, world, two_organisations
):
    client.force_login(two_organisations)
    response = client.post(
        reverse("knowledge:article_create"),
        {"kind": "article", "title": "侵入", "body": "書けてはいけない"},
    )
    assert response.status_code == 403
    assert not Article.objects.filter(organisation=world.org).exists()
    with (
        audit_context(actor=two_organisations, channel=Channel.WEB),
        pytest.raises(PermissionDenied),
    ):
        knowledge_services.article_create(organisation=world.org, title="侵入", body="x")
    assert not Article.objects.filter(organisation=world.org).exists()
    with audit_context(actor=two_organisations, channel=Channel.WEB):  # their own: allowed
        article = knowledge_services.article_create(
            organisation=world.other_org, title="自分の組織", body="x"
        )
    assert article.organisation == world.other_org


def test_notes_and_attachments_check_that_the_actor_may_edit_the_record(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with audit_context(actor=world.viewer, channel=Channel.WEB):
        with pytest.raises(PermissionDenied):
            core_services.note_add(target=world.system_a, text="見ただけ")
        with pytest.raises(PermissionDenied):
            core_services.attachment_add(
                target=world.system_a, upload=SimpleUploadedFile("a.txt", b"x")
            )
    assert not JournalEntry.objects.exists() and not Attachment.objects.exists()
    assert not list(tmp_path.rglob("*.txt"))


def test_attachments_on_a_record_type_without_a_page_are_refused_cleanly(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.policy)
    unit = OrgUnit.objects.get(pk=world.section_a.pk)
    ct = ContentType.objects.get_for_model(OrgUnit)
    response = client.post(
        reverse("attachment_add", args=[ct.pk, unit.pk]),
        {"file": SimpleUploadedFile("a.txt", b"hello"), "description": ""},
    )
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no orphaned file
    response = client.post(reverse("note_add", args=[ct.pk, unit.pk]), {"text": "メモ"})
    assert response.status_code == 302
    assert not JournalEntry.objects.exists()
    page = client.get(response.url)
    assert "no page" in page.content.decode() or "ページ" in page.content.decode()


def test_only_it_policy_shares_a_view_and_deletes_shared_ones(client, world):
    with (
        audit_context(actor=world.viewer, channel=Channel.WEB),
        pytest.raises(ValidationError) as exc,
    ):
        core_services.saved_view_save(
            owner=world.viewer,
            organisation=world.org,
            list_name="systems",
            name="全員へ",
            query="",
            shared=True,
        )
    assert "情報政策課" in exc.value.message_dict["shared"][0]
    assert not SavedView.objects.exists()
    with audit_context(actor=world.owner_a, channel=Channel.WEB):
        view = core_services.saved_view_save(
            owner=world.owner_a,
            organisation=world.org,
            list_name="systems",
            name="自分用",
            query="",
            shared=False,
        )
    with audit_context(actor=world.policy, channel=Channel.WEB):
        shared = core_services.saved_view_save(
            owner=world.policy,
            organisation=world.org,
            list_name="systems",
            name="共有",
            query="",
            shared=True,
        )
    SavedView.objects.filter(pk=shared.pk).update(owner=world.owner_b)  # an older shared view
    client.force_login(world.viewer)
    assert client.post(reverse("saved_view_delete", args=[shared.pk])).status_code == 404
    client.force_login(world.policy)
    assert client.post(reverse("saved_view_delete", args=[view.pk])).status_code == 404  # private
    assert client.post(reverse("saved_view_delete", args=[shared.pk])).status_code == 302
    assert list(SavedView.objects.values_list("name", flat=True)) == ["自分用"]


def test_a_viewer_saving_a_shared_view_on_the_page_gets_a_message_not_a_shared_view(client, world):
    client.force_login(world.viewer)
    response = client.post(
        reverse("saved_view_save", args=["systems"]),
        {"name": "全員へ", "query": "", "shared": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert not SavedView.objects.filter(shared=True).exists()
