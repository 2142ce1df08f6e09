"""Indicators the registry computes (docs/architecture.md, "The seed plan's indicators")."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.core import metrics
from daicho.core.metrics import Measurement
from daicho.core.money import format_yen
from daicho.registry.models import Basis, Category, CostLine, InformationSystem


def _percent(numerator: int | Decimal, denominator: int | Decimal) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def in_service_at_year_end(organisation, fiscal_year: int):
    """Systems in operation on 31 March at the end of the fiscal year."""
    end = _year_end(fiscal_year)
    return InformationSystem.objects.filter(organisation=organisation).filter(
        Q(in_service_on__lte=end) & (Q(retired_on__isnull=True) | Q(retired_on__gt=end))
    )


def operation_cost(organisation, fiscal_year: int, basis: str) -> int | None:
    total = CostLine.objects.filter(
        system__organisation=organisation,
        fiscal_year=fiscal_year,
        basis=basis,
        category=Category.OPERATION,
    ).aggregate(total=Sum("amount"))["total"]
    return total


def cost_reduction_vs_base(
    organisation,
    fiscal_year: int,
    *,
    base_year: int | None = None,
    basis: str = Basis.BUDGET,
    **_params,
) -> Measurement:
    """運用等経費 reduction against the base year: (base − year) / base, in %."""
    base_year = base_year or organisation.cost_base_year
    base = operation_cost(organisation, base_year, basis)
    year = operation_cost(organisation, fiscal_year, basis)
    url = reverse("registry:cost_sheet") + "?" + urlencode({"fy": fiscal_year, "basis": basis})
    if not base:
        return Measurement(
            None,
            "",
            url,
            reason=_("No operation costs (%(basis)s) are recorded for the base year FY%(year)s.")
            % {"basis": Basis(basis).label, "year": base_year},
        )
    if year is None:
        return Measurement(
            None,
            "",
            url,
            reason=_("No operation costs (%(basis)s) are recorded for FY%(year)s.")
            % {"basis": Basis(basis).label, "year": fiscal_year},
        )
    return Measurement(
        _percent(base - year, base),
        f"{format_yen(year, unit='thousand')}千円 / {format_yen(base, unit='thousand')}千円 "
        f"(FY{base_year})",
        url,
        {"base": base, "year": year},
    )


def municipal_co_use(organisation, fiscal_year: int, **_params) -> Measurement:
    """Municipalities co-using the organisation's systems at some time in the fiscal year."""
    from daicho.core.models import Organisation, OrganisationKind
    from daicho.registry.models import SystemCoUse

    co_uses = SystemCoUse.objects.filter(
        system__organisation=organisation, co_user__kind=OrganisationKind.MUNICIPALITY
    ).active_in(fiscal_year)
    co_users = Organisation.objects.filter(pk__in=co_uses.values("co_user"))
    count = co_users.count()
    url = reverse("registry:co_use_list") + "?" + urlencode({"fy": fiscal_year})
    return Measurement(Decimal(count), f"{count}", url, records=co_users)


def register() -> None:
    metrics.register(
        "cost_reduction_vs_base",
        name="情報システム経常経費の削減率（基準年度比）",
        unit="%",
        compute=cost_reduction_vs_base,
    )
    metrics.register(
        "municipal_co_use",
        name="県のシステムを共同利用する市町村数",
        unit="団体",
        compute=municipal_co_use,
    )
