"""Backups against the standard, ICT-BCP drills and their open actions for a fiscal year."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.continuity import selectors
from daicho.continuity.models import Drill
from daicho.core import wareki
from daicho.core.summaries import SummaryTable


def backups(organisation, fiscal_year: int) -> SummaryTable | None:
    on = selectors.evaluation_date(fiscal_year)
    if on is None:
        return None
    standard, results = selectors.backup_compliance_shared(organisation=organisation, on=on)
    if standard is None or not results:
        return None
    failing = [r for r in results if not r.compliant]
    return SummaryTable(
        title=_("Backups against the standard"),
        headers=[_("System"), _("Owner section"), _("Why it does not meet the standard")],
        rows=[
            [
                f"{r.system.code} {r.system.name}",
                r.system.owner_unit.name,
                " ".join(f.message for f in r.shortfalls),  # each a sentence of its own
            ]
            for r in failing[:20]
        ],
        highlights=[
            (_("Systems meeting the standard"), f"{len(results) - len(failing)} / {len(results)}"),
        ],
        note=_("%(standard)s, measured on %(date)s; %(n)d systems do not meet it.")
        % {
            "standard": f"{standard.title} {standard.version}",
            "date": wareki.format_date(on),
            "n": len(failing),
        },
        url=reverse("continuity:compliance") + "?state=failing",
    )


def drills(organisation, fiscal_year: int) -> SummaryTable | None:
    held = list(
        Drill.objects.filter(
            organisation=organisation,
            held_on__gte=datetime.date(fiscal_year, 4, 1),
            held_on__lte=selectors.fiscal_year_end(fiscal_year),
        ).order_by("held_on")
    )
    if not held:
        return None
    return SummaryTable(
        title=_("ICT-BCP drills"),
        headers=[_("Held on"), _("Drill"), _("Kind")],
        rows=[[d.held_on, d.title, d.get_kind_display()] for d in held],
        highlights=[(_("Drills held"), len(held))],
        url=reverse("continuity:drill_list") + f"?fiscal_year={fiscal_year}",
    )
