"""The saved views a list offers a user: their own and those shared in the organisations they
read (one small indexed query per list page)."""

from __future__ import annotations

from daicho.core.models import SavedView


def saved_views(user, list_name: str) -> tuple[dict, ...]:
    """The views of ``list_name`` the user returns to (name, query, shared), by name: their own
    and those shared in the organisations they read."""
    return tuple(
        SavedView.objects.visible_to(user)
        .filter(list_name=list_name)
        .values("name", "query", "shared")
    )
