"""Columns of the incident list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column, label
from daicho.core.templatetags.daicho import jdate
from daicho.security.models import IncidentKind, IncidentStatus, Severity

INCIDENT_COLUMNS = [
    Column(
        "code",
        _("Incident number"),
        lambda i: i.code,
        sort=("code",),
        link="security:incident_detail",
        optional=False,
    ),
    Column("occurred_on", _("Occurred on"), lambda i: jdate(i.occurred_on), sort=("occurred_on",)),
    Column("title", _("Title"), lambda i: i.title, link="security:incident_detail", optional=False),
    Column("kind", _("Kind"), lambda i: label(IncidentKind, i.kind), sort=("kind",)),
    Column("severity", _("Severity"), lambda i: label(Severity, i.severity), sort=("severity",)),
    Column("unit", _("Unit concerned"), lambda i: i.unit.name, sort=("unit__tree_key",)),
    Column("personal_data", _("Personal data"), lambda i: "✓" if i.personal_data else ""),
    Column("status", _("Status"), lambda i: label(IncidentStatus, i.status), sort=("status",)),
]
