"""Indicators the security area computes (plan 3.1.3, 3.5.1)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Min
from django.urls import reverse

from daicho.core import metrics
from daicho.core.metrics import Measurement
from daicho.security import selectors
from daicho.security.models import Attendance


def security_incidents(organisation, fiscal_year: int, **_params) -> Measurement:
    """情報セキュリティ事故件数: incidents that occurred in the fiscal year."""
    incidents = selectors.incidents_in_year(organisation, fiscal_year)
    count = incidents.count()
    serious = incidents.filter(severity__in=("high", "critical")).count()
    url = reverse("security:incident_list") + f"?fiscal_year={fiscal_year}"
    return Measurement(
        Decimal(count),
        f"{count}件（うち重大 {serious}件）",
        url,
        {"serious": serious},
        records=incidents,
    )


def training_attendees(organisation, fiscal_year: int, *, topic=None, **_params) -> Measurement:
    """Staff who attended training in the fiscal year, each person counted once."""
    staff = selectors.trained_staff(organisation, fiscal_year, topic)
    count = staff.count()
    url = reverse("security:training_list") + f"?fiscal_year={fiscal_year}"
    # Each person once: their first attendance of the year stands for them.
    first = staff.annotate(first=Min("pk")).values("first")
    return Measurement(
        Decimal(count), f"{count}人", url, records=Attendance.objects.filter(pk__in=first)
    )


def register() -> None:
    metrics.register(
        "security_incidents", name="情報セキュリティ事故件数", unit="件", compute=security_incidents
    )
    metrics.register(
        "training_attendees", name="職員研修の受講人数", unit="人", compute=training_attendees
    )
