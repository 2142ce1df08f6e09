"""The saved views a list offers a user, kept per process under version stamps.

Every list page shows the user's own saved views and those shared in the organisations they
read. Views change seldom, so each process keeps them under the user's ``views_version`` and the
organisations' ``views_version``, which the request reads anyway (the user's row, and the scope
query's `permissions.MEMBERSHIP_COLUMNS`); any write of a saved view gives its owner and its
organisation a new version in the same transaction, and the next request reads them again.
"""

from __future__ import annotations

import secrets

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from daicho.core.kept import Kept
from daicho.core.models import Organisation, SavedView, User
from daicho.core.permissions import scope_of

_kept = Kept(10_000)


def saved_views(user, list_name: str) -> tuple[dict, ...]:
    """The views of ``list_name`` the user returns to (name, query, shared), by name: their own
    and those shared in the organisations they read."""
    scope = scope_of(user)
    versions = scope.versions_read(scope.view_versions)
    key = None if versions is None else (user.pk, user.views_version, list_name, versions)
    kept = _kept.get(key)
    if kept is not None:
        return kept
    views = tuple(
        SavedView.objects.filter(
            Q(owner=user) | Q(shared=True, organisation_id__in=scope.read_org_ids),
            list_name=list_name,
        ).values("name", "query", "shared")
    )
    return views if key is None else _kept.keep(key, views)


@receiver(post_save, sender=SavedView)
@receiver(post_delete, sender=SavedView)
def _view_written(sender, instance: SavedView, **kwargs) -> None:
    Organisation.objects.filter(pk=instance.organisation_id).update(
        views_version=secrets.randbits(62)
    )
    User.objects.filter(pk=instance.owner_id).update(views_version=secrets.randbits(62))
