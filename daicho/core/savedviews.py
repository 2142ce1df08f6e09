"""The saved views a list offers a user: their own and those shared in the organisations they
read (one small indexed query per list page)."""

from __future__ import annotations

from django.db.models import Q

from daicho.core.models import SavedView
from daicho.core.permissions import scope_of


def saved_views(user, list_name: str) -> tuple[dict, ...]:
    """The views of ``list_name`` the user returns to (name, query, shared), by name: their own
    and those shared in the organisations they read."""
    scope = scope_of(user)
    return tuple(
        SavedView.objects.filter(
            Q(owner=user) | Q(shared=True, organisation_id__in=scope.read_org_ids),
            list_name=list_name,
        ).values("name", "query", "shared")
    )
