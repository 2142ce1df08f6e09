"""Indicators the continuity area computes (plan 3.1.1, 3.1.2, 3.3.3)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.continuity import selectors
from daicho.continuity.models import BcpPlan, Drill, Outage
from daicho.core import metrics, wareki
from daicho.core.metrics import Measurement
from daicho.registry.models import InformationSystem


def _percent(part: int, total: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def not_started(fiscal_year: int) -> str:
    return _("%(year)s has not started yet.") % {"year": wareki.format_fiscal_year(fiscal_year)}


def backup_compliance(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of systems in operation whose backup meets the standard in force, measured on the
    last day of the fiscal year (today while it runs)."""
    url = reverse("continuity:compliance") + "?state=failing"
    on = selectors.evaluation_date(fiscal_year)
    if on is None:
        return Measurement(None, "", url, reason=not_started(fiscal_year))
    standard, results = selectors.backup_compliance_shared(organisation=organisation, on=on)
    if standard is None:
        return Measurement(
            None,
            "",
            url,
            reason=_("No backup standard was in force on %(date)s.")
            % {"date": wareki.format_date(on)},
        )
    if not results:
        return Measurement(
            None,
            "",
            url,
            reason=_("No system was in operation on %(date)s.") % {"date": wareki.format_date(on)},
        )
    compliant = [r.system.pk for r in results if r.compliant]
    ok = len(compliant)
    return Measurement(
        _percent(ok, len(results)),
        f"{ok} / {len(results)}（{standard.title} {standard.version}）",
        url,
        {"compliant": ok, "total": len(results), "standard": standard.version},
        records=InformationSystem.objects.filter(pk__in=compliant),
    )


def bcp_plan_coverage(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of systems in operation at the year's end that have their own ICT-BCP by then."""
    url = reverse("continuity:bcp_list")
    on = selectors.evaluation_date(fiscal_year)
    if on is None:
        return Measurement(None, "", url, reason=not_started(fiscal_year))
    systems = selectors.systems_in_operation(organisation, on)
    covered = systems.filter(pk__in=BcpPlan.objects.filter(established_on__lte=on).values("system"))
    counts = systems.aggregate(
        total=Count("pk"), part=Count("pk", filter=Q(pk__in=covered.values("pk")))
    )
    total, part = counts["total"], counts["part"]
    if not total:
        return Measurement(
            None,
            "",
            url,
            reason=_("No system was in operation on %(date)s.") % {"date": wareki.format_date(on)},
        )
    return Measurement(
        _percent(part, total), f"{part} / {total}", url, {"part": part}, records=covered
    )


def bcp_drills(organisation, fiscal_year: int, **_params) -> Measurement:
    """ICT-BCP drills held in the fiscal year."""
    held = Drill.objects.filter(
        organisation=organisation,
        held_on__gte=datetime.date(fiscal_year, 4, 1),
        held_on__lte=selectors.fiscal_year_end(fiscal_year),
    )
    count = held.count()
    url = reverse("continuity:drill_list") + f"?fiscal_year={fiscal_year}"
    return Measurement(Decimal(count), f"{count}", url, records=held)


def fileserver_availability(organisation, fiscal_year: int, **_params) -> Measurement:
    """Availability of the system flagged as the shared file server in the fiscal year."""
    server = selectors.shared_file_server(organisation)
    if server is None:
        return Measurement(None, "", reverse("continuity:availability"), reason=no_file_server())
    if selectors.evaluation_date(fiscal_year) is None:
        return Measurement(
            None, "", reverse("continuity:availability"), reason=not_started(fiscal_year)
        )
    url = reverse("continuity:system_availability", args=[server.pk]) + f"?fy={fiscal_year}"
    result = selectors.system_availability(system=server, fiscal_year=fiscal_year)
    if result.percent is None:
        return Measurement(
            None,
            "",
            url,
            reason=_("%(system)s had no service hours in the year.") % {"system": server.name},
        )
    hours = Decimal(result.downtime_minutes) / 60
    year_start, year_end = selectors.fiscal_year_span(fiscal_year)
    outages = Outage.objects.filter(system=server, started_at__lt=year_end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=year_start)
    )
    return Measurement(
        result.percent,
        f"{server.name}: 停止 {hours.quantize(Decimal('0.1'))}時間 / "
        f"{result.service_minutes // 60:,}時間",
        url,
        {"downtime_minutes": result.downtime_minutes, "service_minutes": result.service_minutes},
        records=outages,
    )


def no_file_server() -> str:
    return _("No system is marked as the shared file server.")


def fileserver_usage(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of sections (課室) using the shared file server at the year's end."""
    on = selectors.evaluation_date(fiscal_year)
    if on is None:
        return Measurement(
            None, "", reverse("continuity:availability"), reason=not_started(fiscal_year)
        )
    users, total, server = selectors.file_server_users(organisation, on)
    if server is None:
        return Measurement(None, "", reverse("continuity:availability"), reason=no_file_server())
    url = reverse("continuity:system_availability", args=[server.pk])
    if not total:
        return Measurement(None, "", url, reason=_("The organisation has no active sections."))
    using = users.count()
    return Measurement(
        _percent(using, total), f"{using} / {total}", url, {"using": using}, records=users
    )


def register() -> None:
    metrics.register(
        "backup_compliance",
        name="データの重要度に応じたバックアップを適切に実施しているシステム割合",
        unit="%",
        compute=backup_compliance,
    )
    metrics.register(
        "bcp_plan_coverage",
        name="ICT-BCPを策定したシステムの割合",
        unit="%",
        compute=bcp_plan_coverage,
    )
    metrics.register("bcp_drills", name="ICT-BCP訓練の実施回数", unit="件", compute=bcp_drills)
    metrics.register(
        "fileserver_availability",
        name="共有ファイルサーバの可用性",
        unit="%",
        compute=fileserver_availability,
    )
    metrics.register(
        "fileserver_usage", name="共有ファイルサーバの利用率", unit="%", compute=fileserver_usage
    )
