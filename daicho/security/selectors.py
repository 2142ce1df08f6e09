"""Reads of the security area: incident counts, trained staff, the targeted-mail trend."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from daicho.security.models import Attendance, Incident, PhishingDrill, PhishingResult


def _fy(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)


def incidents_in_year(organisation, fiscal_year: int):
    start, end = _fy(fiscal_year)
    return Incident.objects.filter(
        organisation=organisation, occurred_on__gte=start, occurred_on__lte=end
    )


def trained_staff(organisation, fiscal_year: int, topic: str | None = None):
    """Staff numbers of the people who attended training in the fiscal year (each once)."""
    start, end = _fy(fiscal_year)
    rows = Attendance.objects.filter(
        session__organisation=organisation,
        session__held_on__gte=start,
        session__held_on__lte=end,
        attended=True,
    )
    if topic:
        rows = rows.filter(session__topic=topic)
    return rows.values("staff_id").distinct()


def attendance_by_unit(session):
    """Attendance of a session per unit: registered and attended."""
    return (
        Attendance.objects.filter(session=session)
        .values("unit__code", "unit__name", "unit__path")
        .annotate(registered=Count("pk"), attended=Count("pk", filter=Q(attended=True)))
        .order_by("unit__tree_key")
    )


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def phishing_trend(*, user=None, organisation=None, unit=None) -> list[dict]:
    """Per drill, oldest first: mails sent and the shares opened, clicked and reported."""
    drills = PhishingDrill.objects.all()
    if user is not None:
        drills = drills.visible_to(user)
    if organisation is not None:
        drills = drills.filter(organisation=organisation)
    flt = Q(results__unit=unit) if unit is not None else Q()
    drills = drills.annotate(
        sent_total=Sum("results__sent", filter=flt),
        opened_total=Sum("results__opened", filter=flt),
        clicked_total=Sum("results__clicked", filter=flt),
        reported_total=Sum("results__reported", filter=flt),
    ).order_by("sent_on", "pk")
    rows = []
    previous = None
    for drill in drills:
        sent = drill.sent_total or 0
        row = {
            "drill": drill,
            "sent": sent,
            "opened": drill.opened_total or 0,
            "clicked": drill.clicked_total or 0,
            "reported": drill.reported_total or 0,
            "opened_rate": _rate(drill.opened_total or 0, sent),
            "clicked_rate": _rate(drill.clicked_total or 0, sent),
            "reported_rate": _rate(drill.reported_total or 0, sent),
        }
        row["clicked_change"] = (
            row["clicked_rate"] - previous["clicked_rate"]
            if previous and row["clicked_rate"] is not None and previous["clicked_rate"] is not None
            else None
        )
        change = row["clicked_change"]
        row["clicked_change_text"] = (
            "" if change is None else (f"△{-change}" if change < 0 else f"+{change}")
        )
        rows.append(row)
        previous = row
    return rows


def phishing_by_unit(drill) -> list[dict]:
    rows = []
    for result in PhishingResult.objects.filter(drill=drill).select_related("unit"):
        rows.append(
            {
                "result": result,
                "opened_rate": _rate(result.opened, result.sent),
                "clicked_rate": _rate(result.clicked, result.sent),
                "reported_rate": _rate(result.reported, result.sent),
            }
        )
    return rows


def phishing_unit_matrix(*, user, organisation) -> tuple[list, list[dict]]:
    """The click rate of each unit in each drill (oldest drill first), in two queries."""
    drills = list(
        PhishingDrill.objects.visible_to(user)
        .filter(organisation=organisation)
        .order_by("sent_on", "pk")
    )
    cells: dict[int, dict[int, Decimal | None]] = {}
    units: dict[int, object] = {}
    for result in PhishingResult.objects.filter(drill__in=drills).select_related("unit"):
        units[result.unit_id] = result.unit
        cells.setdefault(result.unit_id, {})[result.drill_id] = _rate(result.clicked, result.sent)
    rows = []
    for unit in sorted(units.values(), key=lambda u: u.path):
        rates = [cells[unit.pk].get(d.pk) for d in drills]
        known = [r for r in rates if r is not None]
        change = known[-1] - known[0] if len(known) >= 2 else None
        rows.append(
            {
                "unit": unit,
                "rates": rates,
                "change": change,
                "change_text": ""
                if change is None
                else (f"△{-change}" if change < 0 else f"+{change}"),
            }
        )
    return drills, rows
