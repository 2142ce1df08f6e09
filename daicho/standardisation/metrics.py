"""Indicators of the builtin plan `standardisation-2025` (docs/standardisation.md): computed from
the migration ledger as of the end of the fiscal year, so a frozen year stays what it was."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse

from daicho.core import metrics
from daicho.core.metrics import Measurement
from daicho.core.money import format_yen
from daicho.standardisation import selectors
from daicho.standardisation.models import Phase


def _page(fiscal_year: int, name: str = "standardisation:migrations") -> str:
    return reverse(name) + "?" + urlencode({"fy": fiscal_year})


def migrated_share(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of the organisation's recorded areas migrated (移行済) by the end of the year."""
    total = selectors.recorded_areas(organisation)
    url = _page(fiscal_year)
    if not total:
        return Measurement(None, "", url)
    state = selectors.phases_at(organisation, selectors.year_end(fiscal_year))
    migrated = sum(1 for phase in state.values() if phase == Phase.MIGRATED)
    value = (Decimal(migrated) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Measurement(value, f"{migrated} / {total}", url, {"migrated": migrated, "total": total})


def special_count(organisation, fiscal_year: int, **_params) -> Measurement:
    """Areas under 特定移行支援 at the end of the year."""
    url = _page(fiscal_year)
    if not selectors.recorded_areas(organisation):
        return Measurement(None, "", url)
    state = selectors.phases_at(organisation, selectors.year_end(fiscal_year))
    count = sum(1 for phase in state.values() if phase == Phase.SPECIAL)
    return Measurement(Decimal(count), f"{count}", url)


def cost_reduction(organisation, fiscal_year: int, *, basis: str = "actual", **_params):
    """運用等経費 of the migrated areas: reduction against FY2018, in %."""
    comparison = selectors.migration_costs(organisation, fiscal_year, basis=basis or "actual")
    url = reverse("standardisation:costs") + "?" + urlencode({"fy": fiscal_year, "basis": basis})
    if comparison.reduction is None:
        return Measurement(None, "", url)
    return Measurement(
        comparison.reduction,
        f"{format_yen(comparison.after, unit='thousand')}千円 / "
        f"{format_yen(comparison.before, unit='thousand')}千円 (FY{comparison.base_year})",
        url,
        {"before": comparison.before, "after": comparison.after},
    )


def register() -> None:
    metrics.register(
        "standardisation_migrated_share",
        name="標準化対象業務のうち標準準拠システムへ移行済の割合",
        unit="%",
        compute=migrated_share,
    )
    metrics.register(
        "standardisation_special_count",
        name="特定移行支援システムの業務数",
        unit="業務",
        compute=special_count,
    )
    metrics.register(
        "standardisation_cost_reduction",
        name="標準化対象システムの運用等経費の削減率（平成30年度比）",
        unit="%",
        compute=cost_reduction,
    )
