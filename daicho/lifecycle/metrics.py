"""The end-of-support indicator: records past end of support at a fiscal year's end."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from daicho.core import metrics
from daicho.core.metrics import Measurement
from daicho.lifecycle.eol import past_count


def eol_items_past(organisation, fiscal_year: int, **_params) -> Measurement:
    """Devices, servers, VMs and components past end of support on 31 March of the year's end."""
    day = datetime.date(fiscal_year + 1, 3, 31)
    count = past_count(organisation=organisation, as_of=day)
    url = reverse("lifecycle:eol") + "?" + urlencode({"as_of": day.isoformat(), "status": "past"})
    return Measurement(Decimal(count), "", url)


def register() -> None:
    metrics.register(
        "eol_items_past",
        name="サポート終了ソフトウェアを使用する機器・サーバ等の数（年度末）",
        unit="件",
        compute=eol_items_past,
    )
