"""Security incidents in a system's カルテ."""

from __future__ import annotations

from daicho.core import timeline
from daicho.security.models import Incident


def incidents_of(system, *, user, start=None, end=None, limit=500) -> list[timeline.Entry]:
    incidents = Incident.objects.visible_to(user).filter(systems=system)
    if start:
        incidents = incidents.filter(occurred_on__gte=start)
    if end:
        incidents = incidents.filter(occurred_on__lte=end)
    return [
        timeline.Entry(
            time=timeline.as_datetime(incident.occurred_on),
            kind="incident",
            title=f"{incident.code} {incident.title}",
            body=f"{incident.get_kind_display()} · {incident.get_severity_display()} · "
            f"{incident.get_status_display()}",
            url=incident.get_absolute_url(),
            tone="danger",
        )
        for incident in incidents.order_by("-occurred_on", "-pk")[:limit]
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy

    timeline.register("incident", label=gettext_lazy("Incidents"), fetch=incidents_of, order=65)
