"""Indicators the infrastructure ledger computes: platform, cloud, VDI, physical servers."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse

from daicho.core import metrics
from daicho.core.metrics import Measurement
from daicho.infra.selectors import (
    cloud_systems_on,
    physical_servers_on,
    platform_systems_on,
    vdi_seats_on,
)
from daicho.registry.models import Hosting
from daicho.registry.selectors import systems_in_service_on


def _year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def cloud_ratio(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of systems in operation at the year's end that run on cloud (hosting or service)."""
    day = _year_end(fiscal_year)
    total = systems_in_service_on(organisation, day).count()
    part = cloud_systems_on(organisation, day).count()
    url = (
        reverse("registry:system_list")
        + "?"
        + urlencode(
            [("hosting", Hosting.CLOUD), ("hosting", Hosting.GOV_CLOUD), ("status", "operating")]
        )
    )
    if not total:
        return Measurement(None, "", url)
    value = (Decimal(part) * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Measurement(value, f"{part} / {total}", url, {"part": part, "total": total})


def virtualized_systems_increase(organisation, fiscal_year: int, **_params) -> Measurement:
    """Systems on the virtualization platform at the year's end, minus the year before."""
    now = platform_systems_on(organisation, _year_end(fiscal_year)).count()
    before = platform_systems_on(organisation, _year_end(fiscal_year - 1)).count()
    url = reverse("infra:virtualization") + "?" + urlencode({"fy": fiscal_year})
    return Measurement(
        Decimal(now - before), f"{now} − {before}", url, {"now": now, "before": before}
    )


def vdi_seats(organisation, fiscal_year: int, **_params) -> Measurement:
    """Virtual desktops in use at the year's end (each pool's latest count)."""
    seats, pools = vdi_seats_on(organisation, _year_end(fiscal_year))
    url = reverse("infra:vdi_list")
    if not pools:
        return Measurement(None, "", url)
    return Measurement(Decimal(seats), f"{pools}プール", url, {"pools": pools})


def physical_servers(organisation, fiscal_year: int, **_params) -> Measurement:
    """Physical machines (servers and virtualization hosts) running at the year's end."""
    count = physical_servers_on(organisation, _year_end(fiscal_year)).count()
    return Measurement(Decimal(count), "", reverse("infra:server_list") + "?kind=physical")


def register() -> None:
    metrics.register(
        "cloud_ratio",
        name="クラウドサービスを利用するシステムの割合",
        unit="%",
        compute=cloud_ratio,
    )
    metrics.register(
        "virtualized_systems_increase",
        name="仮想化基盤上のシステム数の対前年度増加数",
        unit="システム",
        compute=virtualized_systems_increase,
    )
    metrics.register("vdi_seats", name="仮想デスクトップの利用数", unit="台", compute=vdi_seats)
    metrics.register(
        "physical_servers", name="物理サーバ台数（年度末）", unit="台", compute=physical_servers
    )
