"""Reads of the import engine: the imports a user may see (the import list, a batch's page, the
first-run steps)."""

from __future__ import annotations

from django.db.models import Q

from daicho.core.models import ImportBatch
from daicho.core.permissions import scope_of


def batches_visible_to(user):
    """Policy and auditors see every import of their organisations; others their own."""
    scope = scope_of(user)
    return ImportBatch.objects.filter(
        Q(organisation_id__in=scope.audit_org_ids)
        | Q(organisation_id__in=scope.read_org_ids, user=user)
    ).select_related("user")
