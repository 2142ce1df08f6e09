"""Columns of the incident list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column
from daicho.core.templatetags.daicho import jdate
from daicho.security.models import IncidentKind, IncidentStatus, Severity

INCIDENT_COLUMNS = [
    Column("code", _("Incident number"), link="security:incident_detail", optional=False),
    Column("occurred_on", _("Occurred on"), format=jdate),
    Column("title", _("Title"), sort=(), link="security:incident_detail", optional=False),
    Column("kind", _("Kind"), choices=IncidentKind),
    Column("severity", _("Severity"), choices=Severity),
    Column("unit", _("Unit concerned"), field="unit__name", sort=("unit__tree_key",)),
    Column("personal_data", _("Personal data"), format=lambda v: "✓" if v else "", sort=()),
    Column("status", _("Status"), choices=IncidentStatus),
]
