"""Why a text is not a date, in the user's language: the message a form field (`core.forms`)
and an import cell (`core.importing.values`) give alike for a `wareki.WarekiError`."""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from daicho.core import wareki


def date_problem(exc: wareki.WarekiError, value: str) -> str:
    """Why ``value`` is not a date, in the user's language: 平成31年5月7日 says that 平成 ended
    on 2019年4月30日, 2014年2月30日 that February 2014 has 28 days."""
    p = exc.params
    if exc.reason == "era_ended":
        return _("No such date: %(value)s (%(era)s ended on %(last)s).") % {
            "value": value,
            "era": p["era"],
            "last": formats.date_format(p["last"]),
        }
    if exc.reason == "era_not_begun":
        return _("No such date: %(value)s (%(era)s began on %(first)s).") % {
            "value": value,
            "era": p["era"],
            "first": formats.date_format(p["first"]),
        }
    if exc.reason == "no_such_day":
        month = datetime.date(p["year"], p["month"], 1)
        return _("No such date: %(value)s (%(month)s has %(days)s days).") % {
            "value": value,
            "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
            "days": p["days"],
        }
    if exc.reason == "no_such_month":
        return _("No such date: %(value)s (months run from 1 to 12).") % {"value": value}
    if exc.reason == "year_zero":
        return _("No such date: %(value)s (the first year of an era is 元年, year 1).") % {
            "value": value
        }
    return _("Not a date: %(value)s (write 2014-04-01, 平成26年4月1日 or H26.4.1).") % {
        "value": value
    }
