"""What several continuity pages ask: the fiscal year asked."""

from __future__ import annotations

from django.utils import timezone

from daicho.core import wareki


def fiscal_year_asked(request) -> int:
    """The fiscal year ``?fy=`` names (as 2014 or in 和暦), the current one otherwise."""
    today = timezone.localdate()
    try:
        return (
            wareki.parse_fiscal_year(request.GET.get("fy", ""))
            if request.GET.get("fy")
            else (wareki.fiscal_year_of(today))
        )
    except wareki.WarekiError:
        return wareki.fiscal_year_of(today)
