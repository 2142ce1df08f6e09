"""Notification preferences and the e-mail digest (Django's e-mail backend: the console in
development, SMTP in production through DAICHO_EMAIL_URL)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from daicho.core import audit, notices
from daicho.core.audit import Action
from daicho.core.models import Membership, Organisation, User
from daicho.core.services import actor, require
from daicho.governance.models import NotificationPreference


def preference_of(user) -> NotificationPreference:
    """The user's choices (the defaults until they change them: everything, with the digest)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def chosen_kinds(preference: NotificationPreference) -> set[str]:
    return {s.kind for s in notices.sources()} - set(preference.muted or [])


@transaction.atomic
def preference_save(*, user, kinds: list[str], email_digest: bool) -> NotificationPreference:
    """A user chooses what they are told about (only for themselves)."""
    me = actor()
    require(me is None or me.pk == user.pk)
    known = {s.kind for s in notices.sources()}
    preference = NotificationPreference.objects.filter(user=user).first()
    before = audit.snapshot(preference) if preference else None
    if preference is None:
        preference = NotificationPreference(user=user)
    preference.muted = sorted(known - set(kinds))
    preference.email_digest = email_digest
    preference.full_clean()
    preference.save()
    audit.record(
        action=Action.UPDATE if before else Action.CREATE,
        obj=preference,
        before=before,
        after=audit.snapshot(preference),
        organisation=None,
    )
    return preference


def digest_for(user, organisation: Organisation) -> list:
    """The non-empty notice groups a user's digest would hold."""
    preference = preference_of(user)
    if not preference.email_digest:
        return []
    groups = notices.notices_for(user, organisation, kinds=chosen_kinds(preference))
    return [(source, items) for source, items in groups if items]


def send_digests(*, organisation: Organisation, base_url: str = "", dry_run: bool = False) -> dict:
    """One e-mail per member with something waiting and an address; returns what was sent."""
    user_ids = (
        Membership.objects.filter(organisation=organisation)
        .values_list("user_id", flat=True)
        .distinct()
    )
    users = (
        User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("username")
    )
    sent = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            groups = digest_for(user, organisation)
            if not groups:
                continue
            count = sum(len(items) for _source, items in groups)
            subject = _("[Daicho] %(count)s items waiting for you") % {"count": count}
            body = render_to_string(
                "governance/digest.txt",
                {"user": user, "groups": groups, "base_url": base_url, "org": organisation},
            )
            if not dry_run:
                send_mail(subject, body, None, [user.email])
                NotificationPreference.objects.update_or_create(
                    user=user, defaults={"last_digest_at": timezone.now()}
                )
            sent.append({"user": user.username, "email": user.email, "items": count})
    return {"organisation": organisation.code or organisation.name, "sent": sent}
