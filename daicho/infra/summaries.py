"""The infrastructure's summary of a fiscal year: consolidation, virtualization and cloud."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.core import wareki
from daicho.core.summaries import SummaryTable
from daicho.infra.selectors import year_end_counts


def infrastructure(organisation, fiscal_year: int) -> SummaryTable | None:
    base = organisation.cost_base_year
    years = sorted({base, fiscal_year - 1, fiscal_year})
    rows = year_end_counts(organisation, years)
    if not any(r["physical"] or r["hosts"] or r["vms"] for r in rows):
        return None

    def share(part: int, total: int) -> str:
        return f"{part * 100 / total:.1f}%" if total else "—"

    now = rows[-1]
    return SummaryTable(
        title=_("Servers, virtualization and cloud (at each year's end)"),
        headers=[
            _("Fiscal year"),
            _("Physical servers"),
            _("Virtualization hosts"),
            _("Virtual machines"),
            _("Systems on the platform"),
            _("Systems on cloud"),
            _("Cloud share"),
        ],
        rows=[
            [
                wareki.format_fiscal_year(r["fiscal_year"]),
                r["physical"],
                r["hosts"],
                r["vms"],
                r["platform_systems"],
                r["cloud_systems"],
                share(r["cloud_systems"], r["systems"]),
            ]
            for r in rows
        ],
        highlights=[
            (_("Systems on the platform"), now["platform_systems"]),
            (_("Cloud share"), share(now["cloud_systems"], now["systems"])),
        ],
        url=reverse("infra:virtualization") + f"?fy={fiscal_year}",
    )
