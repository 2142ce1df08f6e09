"""Records that belong to one system (its classification, backup, ICT-BCP, service profile)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from daicho.core.models import Organisation
from daicho.core.permissions import scope_of
from daicho.registry.models import InformationSystem


class SystemRecordQuerySet(models.QuerySet):
    """Records that belong to one system: read by its organisation, edited by the system's owner
    section (and the units above it) and the IT policy division."""

    system = "system__"

    def visible_to(self, user):
        return self.filter(**{f"{self.system}organisation_id__in": scope_of(user).read_org_ids})

    def editable_by(self, user):
        scope = scope_of(user)
        return self.filter(
            Q(**{f"{self.system}organisation_id__in": scope.policy_org_ids})
            | (
                scope.unit_q(f"{self.system}owner_unit__", scope.owner_paths)
                & Q(**{f"{self.system}organisation_id__in": scope.read_org_ids})
            )
        )


class SystemRecord(models.Model):
    """A record kept per system: its history belongs to the system's カルテ."""

    class Meta:
        abstract = True

    @property
    def organisation(self) -> Organisation:
        return self.system.organisation

    def audit_root(self) -> InformationSystem:
        return self.system
