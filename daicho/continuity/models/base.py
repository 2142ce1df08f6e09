"""Records that belong to one system (its classification, backup, ICT-BCP, service profile)."""

from __future__ import annotations

from django.db import models

from daicho.core.models import Organisation
from daicho.core.scope import Scoped
from daicho.registry.models import InformationSystem


class SystemRecord(models.Model):
    """A record kept per system: its history belongs to the system's カルテ; the system's
    organisation reads it, its owner section (and the units above) and IT policy edit it."""

    scoped = Scoped(org="system__organisation", unit="system__owner_unit")

    class Meta:
        abstract = True

    @property
    def organisation(self) -> Organisation:
        return self.system.organisation

    def audit_root(self) -> InformationSystem:
        return self.system
