"""The choices that the audit log, the scope and the models share: a leaf module (Django only), so
`core.models`, `core.audit` and `core.scope` can all import it without importing each other."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a membership lets its user do (docs/architecture.md, "Who uses it")."""

    IT_POLICY = "it_policy", _("IT policy division")
    OWNER = "owner", _("System owner section")
    SAM_OFFICER = "sam_officer", _("SAM officer")
    VIEWER = "viewer", _("Viewer")
    AUDITOR = "auditor", _("Auditor")


class Channel(models.TextChoices):
    """The door a write came through."""

    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("CLI")
    IMPORT = "import", _("Import")
    SYSTEM = "system", _("System")


class Action(models.TextChoices):
    """What a write did."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
