"""The knowledge base's indicator (measure 3.5.2 of the seed plan)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.core import metrics
from daicho.core.metrics import Measurement
from daicho.knowledge.selectors import articles_used, it_policy_staff, knowledge_users


def knowledge_usage(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of the IT policy division's staff who read or wrote an article in the fiscal year.

    The staff are today's members of the division (memberships carry no history yet).
    """
    staff = set(it_policy_staff(organisation))
    url = reverse("knowledge:article_list")
    if not staff:
        return Measurement(
            None, "", url, reason=_("The IT policy division has no active staff in Daicho.")
        )
    users = knowledge_users(organisation, fiscal_year) & staff
    value = (Decimal(len(users)) * 100 / len(staff)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return Measurement(
        value,
        f"{len(users)} / {len(staff)}",
        url,
        {"users": len(users), "staff": len(staff)},
        # The articles the counted staff read or wrote in the year.
        records=articles_used(organisation, fiscal_year, users=staff),
    )


def register() -> None:
    metrics.register(
        "knowledge_usage",
        name="ナレッジデータベースの活用率",
        unit="%",
        compute=knowledge_usage,
    )
