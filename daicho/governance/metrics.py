"""Indicators the governance area computes (measures 3.4.1 and 3.4.2 of the seed plan)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.core import metrics, wareki
from daicho.core.metrics import Measurement
from daicho.core.money import format_yen
from daicho.governance.models import GreenStatus, ProcurementCase, Stage
from daicho.governance.selectors import consultation_summary, consultations_in_year


def _consultations_url(fiscal_year: int, **extra) -> str:
    return reverse("governance:consultation_list") + "?" + urlencode({"fy": fiscal_year, **extra})


def support_cases(organisation, fiscal_year: int, **_params) -> Measurement:
    """Consultations the IT policy division handled for owner sections in the fiscal year."""
    summary = consultation_summary(organisation, fiscal_year)
    return Measurement(
        Decimal(summary["total"]),
        f"{summary['total']}件",
        _consultations_url(fiscal_year),
        {"total": summary["total"]},
        records=consultations_in_year(organisation, fiscal_year),
    )


def cost_saving_cases(organisation, fiscal_year: int, **_params) -> Measurement:
    """Consultations of the fiscal year that cut a system's costs."""
    summary = consultation_summary(organisation, fiscal_year)
    saving = summary["saving"] or 0
    return Measurement(
        Decimal(summary["saving_cases"]),
        f"{summary['saving_cases']}件（{format_yen(saving, unit='thousand')}千円）",
        _consultations_url(fiscal_year, saving="true"),
        {"cases": summary["saving_cases"], "saving": saving},
        records=consultations_in_year(organisation, fiscal_year).filter(cost_saving__gt=0),
    )


PAST_CONTRACT_GATE = [Stage.OPERATION, Stage.EVALUATION]


def green_purchases(organisation, fiscal_year: int):
    """Purchases of the fiscal year: cases through the contract gate whose contract starts in it."""
    start, end = wareki.fiscal_year_range(fiscal_year)
    return ProcurementCase.objects.filter(
        organisation=organisation,
        stage__in=PAST_CONTRACT_GATE,
        contract_start_on__gte=start,
        contract_start_on__lte=end,
    )


def green_procurement(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of the year's IT purchases (equipment included) that meet the green criteria."""
    purchases = green_purchases(organisation, fiscal_year)
    counts = purchases.aggregate(
        green_count=Count("pk", filter=Q(green=GreenStatus.YES)),
        applicable=Count("pk", filter=Q(green__in=[GreenStatus.YES, GreenStatus.NO])),
    )
    url = (
        reverse("governance:case_list")
        + "?"
        + urlencode([("contract_fy", fiscal_year), ("green", "yes"), ("green", "no")])
    )
    if not counts["applicable"]:
        return Measurement(
            None,
            "",
            url,
            reason=_(
                "No purchase of the year (a case through its contract gate with its contract "
                "starting in the year) says whether it is green."
            ),
        )
    value = (Decimal(counts["green_count"]) * 100 / counts["applicable"]).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return Measurement(
        value,
        f"{counts['green_count']} / {counts['applicable']}",
        url,
        counts,
        records=purchases.filter(green=GreenStatus.YES),
    )


def register() -> None:
    metrics.register(
        "support_cases",
        name="各システム所管課に対する支援件数",
        unit="件",
        compute=support_cases,
    )
    metrics.register(
        "cost_saving_cases",
        name="支援による情報システム経費削減件数",
        unit="件",
        compute=cost_saving_cases,
    )
    metrics.register(
        "green_procurement",
        name="IT機器のグリーン調達の達成率",
        unit="%",
        compute=green_procurement,
    )
