"""The licence compliance position at a fiscal year's end, for the committee."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.core.money import format_yen
from daicho.core.summaries import SummaryTable
from daicho.sam import selectors


def position(organisation, fiscal_year: int) -> SummaryTable | None:
    as_of = min(datetime.date(fiscal_year + 1, 3, 31), datetime.date.today())
    if as_of < datetime.date(fiscal_year, 4, 1):
        return None
    entries = selectors.compliance_position(organisation, as_of=as_of, free=False)
    if not entries:
        return None
    totals = selectors.position_totals(entries)
    short = sorted((e for e in entries if e.shortfall), key=lambda e: -e.shortfall)
    return SummaryTable(
        title=_("Software licences: the compliance position"),
        headers=[_("Software"), _("Version"), _("Entitled"), _("Consumed"), _("Shortfall")],
        rows=[[e.title, e.version, e.entitled, e.consumed, e.shortfall] for e in short[:15]],
        highlights=[
            (_("Titles short of licences"), totals["titles_short"]),
            (_("Cost to close (yen)"), format_yen(totals["cost_to_close"])),
        ],
        url=reverse("sam:position"),
    )
