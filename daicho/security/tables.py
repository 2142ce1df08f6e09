"""Columns of the incident list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column
from daicho.core.templatetags.daicho import jdate
from daicho.security.models import IncidentKind, IncidentStatus, Severity, TrainingTopic

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

TRAINING_COLUMNS = [
    Column("held_on", _("Held on"), format=jdate),
    Column("title", _("Title"), link="security:training_detail", optional=False),
    Column("topic", _("Topic"), choices=TrainingTopic),
    Column("hours", _("Hours"), numeric=True),
    Column("attended", _("Attended"), numeric=True),
]


def phishing_rows(trend: list[dict]) -> list[dict]:
    """The trend's rows (``selectors.phishing_trend``) as the table reads them."""
    return [
        {
            **row,
            "id": row["drill"].pk,
            "sent_on": row["drill"].sent_on,
            "title": row["drill"].title,
        }
        for row in trend
    ]


def _rate(rate) -> str:
    return "—%" if rate is None else f"{rate}%"


PHISHING_COLUMNS = [
    Column("sent_on", _("Sent on"), format=jdate),
    Column("title", _("Drill"), link="security:phishing_detail", optional=False),
    Column("sent", _("Sent"), numeric=True),
    Column("opened_rate", _("Opened"), format=_rate, numeric=True),
    Column("clicked_rate", _("Clicked"), format=_rate, numeric=True),
    Column("clicked_change_text", _("vs previous"), sort=("clicked_change",), numeric=True),
    Column("reported_rate", _("Reported"), format=_rate, numeric=True),
]
