"""The horizon of an end-of-support listing ("within N months"): pure date arithmetic
(`core.wareki.add_months`) in a leaf module of the app, so a release's status
(`lifecycle.models`) and the listing (`lifecycle.eol`) count the same months without importing
each other."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from daicho.core.wareki import add_months

# The last date a listing can be judged on: its horizon (up to 120 months) must be a date.
LAST_AS_OF = datetime.date(datetime.MAXYEAR - 11, 1, 1)


def horizon_end(as_of: datetime.date, within_months: int) -> datetime.date:
    """The last day counted as "within N months" of ``as_of``; ValueError (with the reason) past
    the year 9999."""
    try:
        return add_months(as_of, within_months)
    except ValueError:
        raise ValueError(
            _("%(date)s is out of range: choose a date up to %(last)s.")
            % {"date": as_of.isoformat(), "last": LAST_AS_OF.isoformat()}
        ) from None
