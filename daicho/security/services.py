"""Writes of the security area; each checks who may write and is audited in its transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from daicho.core.models import Organisation, OrgUnit
from daicho.core.permissions import may_edit, scope_of
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require,
    require_policy,
)
from daicho.security.models import (
    INCIDENT_TRANSITIONS,
    Attendance,
    Incident,
    IncidentStatus,
    PhishingDrill,
    PhishingResult,
    TrainingSession,
)


def _systems_of(organisation, systems) -> None:
    if any(s.organisation_id != organisation.pk for s in systems or ()):
        raise ValidationError({"systems": _("A system belongs to another organisation.")})


def next_incident_code(organisation: Organisation, occurred_on: datetime.date) -> str:
    """The next incident number of the fiscal year, e.g. 2014-003."""
    from daicho.core import wareki

    fy = wareki.fiscal_year_of(occurred_on)
    codes = Incident.objects.filter(organisation=organisation, code__startswith=f"{fy}-")
    numbers = [
        int(c.split("-", 1)[1])
        for c in codes.values_list("code", flat=True)
        if c.split("-", 1)[1].isdigit()
    ]
    return f"{fy}-{(max(numbers) + 1 if numbers else 1):03d}"


@transaction.atomic
def incident_create(
    *,
    organisation: Organisation,
    unit: OrgUnit,
    occurred_on: datetime.date,
    title: str,
    kind: str,
    severity: str,
    systems=(),
    code: str = "",
    **fields: Any,
) -> Incident:
    """Record a security incident; it gets the next number of its fiscal year unless given."""
    require(scope_of(actor()).may_own(unit), _("You may record incidents of your own units only."))
    _systems_of(organisation, systems)
    code = code or next_incident_code(organisation, occurred_on)
    if Incident.objects.filter(organisation=organisation, code=code).exists():
        raise ValidationError({"code": _("%(code)s is already used.") % {"code": code}})
    incident = Incident(
        organisation=organisation,
        unit=unit,
        code=code,
        occurred_on=occurred_on,
        title=title,
        kind=kind,
        severity=severity,
        **fields,
    )
    return object_create(obj=incident, m2m={"systems": list(systems)})


@transaction.atomic
def incident_update(*, incident: Incident, data: dict[str, Any], systems=None) -> Incident:
    """Correct an incident's record; the status moves only through `incident_move`."""
    require(may_edit(incident, actor()))
    data.pop("status", None)
    if "unit" in data and data["unit"] != incident.unit:
        require(scope_of(actor()).may_own(data["unit"]))
    if systems is not None:
        _systems_of(incident.organisation, systems)
    return object_update(
        obj=incident, data=data, m2m={"systems": list(systems)} if systems is not None else None
    )


@transaction.atomic
def incident_move(*, incident: Incident, status: str, on: datetime.date | None = None) -> Incident:
    """Move an incident: reported → investigating → contained → closed (reopened if needed)."""
    require(may_edit(incident, actor()))
    allowed = INCIDENT_TRANSITIONS[IncidentStatus(incident.status)]
    if status not in allowed:
        raise ValidationError(
            {
                "status": _("An incident that is %(current)s cannot become %(target)s.")
                % {
                    "current": IncidentStatus(incident.status).label,
                    "target": IncidentStatus(status).label
                    if status in IncidentStatus.values
                    else status,
                }
            }
        )
    if status == IncidentStatus.CLOSED and not incident.measures.strip():
        raise ValidationError({"measures": _("Write the measures taken before closing.")})
    data: dict[str, Any] = {"status": status}
    data["closed_on"] = (on or datetime.date.today()) if status == IncidentStatus.CLOSED else None
    return object_update(obj=incident, data=data)


@transaction.atomic
def incident_delete(*, incident: Incident) -> None:
    require_policy(incident.organisation)
    object_delete(obj=incident)


# --- training -----------------------------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    organisation: Organisation,
    code: str,
    held_on: datetime.date,
    title: str,
    topic: str,
    **fields: Any,
) -> TrainingSession:
    """Record a training session (the IT policy division organises them)."""
    require_policy(organisation)
    if TrainingSession.objects.filter(organisation=organisation, code=code).exists():
        raise ValidationError({"code": _("%(code)s is already used.") % {"code": code}})
    return object_create(
        obj=TrainingSession(
            organisation=organisation,
            code=code,
            held_on=held_on,
            title=title,
            topic=topic,
            **fields,
        )
    )


@transaction.atomic
def training_update(*, session: TrainingSession, data: dict[str, Any]) -> TrainingSession:
    require_policy(session.organisation)
    return object_update(obj=session, data=data)


@transaction.atomic
def training_delete(*, session: TrainingSession) -> None:
    require_policy(session.organisation)
    for row in session.attendances.all():
        object_delete(obj=row)
    object_delete(obj=session)


@transaction.atomic
def attendance_save(
    *,
    session: TrainingSession,
    staff_id: str,
    name: str,
    unit: OrgUnit,
    attended: bool = True,
) -> Attendance:
    """Record (or correct) one person's attendance at a session."""
    require_policy(session.organisation)
    existing = Attendance.objects.filter(session=session, staff_id=staff_id).first()
    data = {"name": name, "unit": unit, "attended": attended}
    if existing is not None:
        return object_update(obj=existing, data=data)
    return object_create(obj=Attendance(session=session, staff_id=staff_id, **data))


@transaction.atomic
def attendance_delete(*, attendance: Attendance) -> None:
    require_policy(attendance.session.organisation)
    object_delete(obj=attendance)


# --- targeted-mail drills -----------------------------------------------------------------------


@transaction.atomic
def phishing_drill_create(
    *, organisation: Organisation, sent_on: datetime.date, title: str, scenario: str = ""
) -> PhishingDrill:
    """Record a targeted-mail drill."""
    require_policy(organisation)
    return object_create(
        obj=PhishingDrill(
            organisation=organisation, sent_on=sent_on, title=title, scenario=scenario
        )
    )


@transaction.atomic
def phishing_drill_delete(*, drill: PhishingDrill) -> None:
    require_policy(drill.organisation)
    for row in drill.results.all():
        object_delete(obj=row)
    object_delete(obj=drill)


@transaction.atomic
def phishing_result_save(
    *,
    drill: PhishingDrill,
    unit: OrgUnit,
    sent: int,
    opened: int = 0,
    clicked: int = 0,
    reported: int = 0,
) -> PhishingResult:
    """Record (or correct) one unit's counts in a drill."""
    require_policy(drill.organisation)
    data = {"sent": sent, "opened": opened, "clicked": clicked, "reported": reported}
    existing = PhishingResult.objects.filter(drill=drill, unit=unit).first()
    if existing is not None:
        return object_update(obj=existing, data=data)
    return object_create(obj=PhishingResult(drill=drill, unit=unit, **data))
