"""End-of-support risk at a fiscal year's end, per kind of record."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.core.summaries import SummaryTable
from daicho.lifecycle import eol


def end_of_support(organisation, fiscal_year: int) -> SummaryTable | None:
    day = datetime.date(fiscal_year + 1, 3, 31)
    by_kind = eol.eol_counts_by_kind(organisation=organisation, as_of=day, within_months=12)
    if not by_kind:
        return None
    rows = [
        [str(source.label), by_kind[(key, "past")], by_kind[(key, "within")]]
        for key, source in eol.sources().items()
        if by_kind[(key, "past")] or by_kind[(key, "within")]
    ]
    past = sum(r[1] for r in rows)
    return SummaryTable(
        title=_("End-of-support risk (at the year's end)"),
        headers=[_("Kind"), _("Past end of support"), _("Ends within 12 months")],
        rows=rows,
        highlights=[(_("Past end of support"), past)],
        note=_(
            "Software whose vendor no longer ships security fixes is a security risk to plan "
            "for (2.2.2, 3.6)."
        ),
        url=reverse("lifecycle:eol") + f"?as_of={day.isoformat()}",
    )
