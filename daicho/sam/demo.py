"""The demo organisation's PCs across the years (idempotent): Windows XP PCs replaced in
FY2013–14 (a few still in use after XP's end of support), Windows 7 to FY2019, Windows 10 to
FY2024–25 with some still in use now, and Windows 11 today.

About 20,000 device rows are written in bulk, each with its audit event."""

from __future__ import annotations

import datetime
import random

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from daicho.core import audit, bulk
from daicho.core.models import Organisation, OrgUnit
from daicho.lifecycle.matching import Resolver
from daicho.sam.models import Device, DeviceStatus, DeviceType

D = datetime.date
SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "藤原",
]  # noqa: SIM905
GIVEN = "太郎 花子 一郎 美咲 健太 陽子 大輔 直美 翔太 恵 浩二 由美 誠 裕子 拓也 舞".split()  # noqa: SIM905

# (OS as the inventory writes it, count, bought between, disposed between or None)
GENERATIONS = [
    (
        "Windows XP Professional SP3",
        2400,
        (D(2007, 4, 1), D(2009, 3, 31)),
        (D(2013, 10, 1), D(2014, 9, 30)),
    ),
    (
        "Windows 7 Professional SP1",
        3600,
        (D(2010, 4, 1), D(2012, 3, 31)),
        (D(2019, 4, 1), D(2020, 3, 31)),
    ),
    (
        "Windows 7 Enterprise",
        2400,
        (D(2013, 10, 1), D(2014, 9, 30)),
        (D(2019, 10, 1), D(2020, 6, 30)),
    ),
    (
        "Microsoft Windows 10 Enterprise",
        5400,
        (D(2019, 4, 1), D(2020, 6, 30)),
        (D(2024, 4, 1), D(2025, 9, 30)),
    ),
    ("Microsoft Windows 10 Enterprise", 600, (D(2019, 4, 1), D(2020, 6, 30)), None),
    ("Microsoft Windows 11 Enterprise 24H2", 4000, (D(2024, 4, 1), D(2025, 9, 30)), None),
    ("Microsoft Windows 11 Enterprise 25H2", 1000, (D(2025, 10, 1), D(2026, 3, 31)), None),
    ("Windows 11 Pro", 400, (D(2024, 4, 1), D(2025, 3, 31)), None),
    ("Windows10 Pro 64bit", 60, (D(2020, 4, 1), D(2020, 9, 30)), None),
    ("iPadOS 17", 120, (D(2023, 4, 1), D(2024, 3, 31)), None),
]


# The device table's columns in the order the rows below give them.
COLUMNS = (
    "id", "organisation_id", "name", "type", "unit_id", "user_name", "os", "release_id", "serial",
    "cores", "purchased_on", "disposed_on", "status", "updated_at",
)  # fmt: skip


def _between(rng: random.Random, span: tuple[datetime.date, datetime.date]) -> datetime.date:
    return span[0] + datetime.timedelta(days=rng.randrange((span[1] - span[0]).days + 1))


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None or Device.objects.filter(organisation=organisation).exists():
        return
    rng = random.Random(6000)
    resolver = Resolver(organisation)
    units = list(
        OrgUnit.objects.filter(organisation=organisation, parent__isnull=False).order_by("tree_key")
    )
    if not units:
        return
    # Rows below the ORM as the device import writes them, each with its `create` event built by
    # the database (twenty thousand model instances and their snapshots took most of the load).
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    ids = bulk.allocate_ids(Device, sum(count for _, count, _, _ in GENERATIONS))
    rows = []
    number = 0
    for os_name, count, bought, disposed in GENERATIONS:
        release_id = resolver.release_id(os_name)
        for _ in range(count):
            number += 1
            unit = units[number % len(units)]
            purchased = _between(rng, bought)
            disposed_on = _between(rng, disposed) if disposed else None
            kind = (
                DeviceType.TABLET
                if os_name.startswith("iPad")
                else rng.choice([DeviceType.DESKTOP, DeviceType.LAPTOP])
            )
            rows.append(
                (
                    ids[number - 1],
                    organisation.pk,
                    f"PC{number:06d}",
                    str(kind),
                    unit.pk,
                    f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                    os_name,
                    release_id,
                    f"JP{rng.randrange(10**9):09d}",
                    None,
                    ops.adapt_datefield_value(purchased),
                    ops.adapt_datefield_value(disposed_on),
                    str(DeviceStatus.DISPOSED if disposed_on else DeviceStatus.IN_USE),
                    now,
                )
            )
    bulk.insert(Device, COLUMNS, rows)
    where, params = bulk.ids_filter("d.id", ids)
    audit.record_created_by_query(
        Device,
        alias="d",
        after=COLUMNS,
        text="d.name",
        where=where,
        params=params,
        organisation=organisation,
    )
    devices = rows
    if stdout is not None:
        stdout.write(gettext("Devices: %(count)d.") % {"count": len(devices)})
