"""Indicators the infrastructure ledger computes: platform, cloud, VDI, physical servers."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from daicho.core import metrics, wareki
from daicho.core.metrics import Measurement
from daicho.infra.models import VdiPool, VdiUsage
from daicho.infra.selectors import (
    cloud_systems_on,
    physical_servers_on,
    platform_systems_on,
    vdi_seats_on,
)
from daicho.registry.models import Hosting
from daicho.registry.selectors import systems_in_ledger_on


def _year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def cloud_ratio(organisation, fiscal_year: int, **_params) -> Measurement:
    """Share of the organisation's systems at the year's end that run on cloud (hosted there, or
    using a cloud service then). The plan's 「庁内情報システムのクラウドサービス利用割合（現状
    1.5%）」 counts every system of its ledger, those still being planned or built among them
    (its 3 cloud systems of 202), so they count here too (not the retired ones)."""
    day = _year_end(fiscal_year)
    on_cloud = cloud_systems_on(organisation, day)
    total = systems_in_ledger_on(organisation, day).count()
    part = on_cloud.count()
    url = (
        reverse("registry:system_list")
        + "?"
        + urlencode(
            [("hosting", Hosting.CLOUD), ("hosting", Hosting.GOV_CLOUD), ("status", "operating")]
        )
    )
    if not total:
        return Measurement(None, "", url, reason=no_systems(day))
    value = (Decimal(part) * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Measurement(
        value, f"{part} / {total}", url, {"part": part, "total": total}, records=on_cloud
    )


def no_systems(day: datetime.date) -> str:
    return _("No system was in operation on %(date)s.") % {"date": wareki.format_date(day)}


def virtualized_systems_increase(organisation, fiscal_year: int, **_params) -> Measurement:
    """Systems on the virtualization platform at the year's end, minus the year before."""
    on_platform = platform_systems_on(organisation, _year_end(fiscal_year))
    before_qs = platform_systems_on(organisation, _year_end(fiscal_year - 1))
    now = on_platform.count()
    before = before_qs.count()
    url = reverse("infra:virtualization") + "?" + urlencode({"fy": fiscal_year})
    return Measurement(
        Decimal(now - before),
        f"{now} − {before}",
        url,
        {"now": now, "before": before},
        # The increase: the systems on the platform at the year's end that were not a year before.
        records=on_platform.exclude(pk__in=before_qs.values("pk")),
    )


def vdi_seats(organisation, fiscal_year: int, **_params) -> Measurement:
    """Virtual desktops in use at the year's end (each pool's latest count)."""
    day = _year_end(fiscal_year)
    seats, pools = vdi_seats_on(organisation, day)
    url = reverse("infra:vdi_list")
    if not pools:
        return Measurement(
            None,
            "",
            url,
            reason=_("No virtual desktop pool has a usage count on or before %(date)s.")
            % {"date": wareki.format_date(day)},
        )
    latest = (
        VdiUsage.objects.filter(pool=OuterRef("pk"), measured_on__lte=day)
        .order_by("-measured_on")
        .values("seats_in_use")[:1]
    )
    counted = VdiPool.objects.filter(organisation=organisation).filter(
        pk__in=VdiPool.objects.annotate(seats=Subquery(latest))
        .filter(seats__isnull=False)
        .values("pk")
    )
    return Measurement(Decimal(seats), f"{pools}プール", url, {"pools": pools}, records=counted)


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
