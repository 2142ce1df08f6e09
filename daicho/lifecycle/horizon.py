"""The horizon of an end-of-support listing ("within N months"): pure date arithmetic, a leaf
module, so a release's status (`lifecycle.models`) and the listing (`lifecycle.eol`) count the
same months without importing each other."""

from __future__ import annotations

import calendar
import datetime

from django.utils.translation import gettext as _

# The last date a listing can be judged on: its horizon (up to 120 months) must be a date.
LAST_AS_OF = datetime.date(datetime.MAXYEAR - 11, 1, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months``; ValueError (with the reason) past the year 9999."""
    month = day.month - 1 + months
    year = day.year + month // 12
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(
            _("%(date)s is out of range: choose a date up to %(last)s.")
            % {"date": day.isoformat(), "last": LAST_AS_OF.isoformat()}
        )
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def horizon_end(as_of: datetime.date, within_months: int) -> datetime.date:
    """The last day counted as "within N months" of ``as_of``."""
    return add_months(as_of, within_months)
