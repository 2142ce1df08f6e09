"""The demo's 棚卸 of the plan years (idempotent): one finalised campaign a year, FY2014–FY2016,
with its real dates, as the plan's 3.3.4 tells it — SAM has run since FY2013 and every unit is
to take the year's 棚卸 (「各所属の棚卸実施率 100%」). The branch offices joined last: in FY2014
the six 出先機関 and two sections did not finish (43 of 51 units), in FY2015 three branch offices
(48 of 51), in FY2016 every unit (51 of 51).

Each unit that finished decided every device in use while the campaign ran: most from the asset
management tool's records (marked in bulk with that reason), the rest checked by hand, a few
missing with the unit's explanation; each check keeps how, by whom and when. The checks (about
6,000 a year) are written in bulk below the ORM with their audit events."""

from __future__ import annotations

import datetime
import random

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from daicho.core import audit, bulk
from daicho.core.audit import Action
from daicho.core.models import Organisation, OrgUnit, User
from daicho.sam import services
from daicho.sam.models import (
    CheckMethod,
    CheckResult,
    ConfirmationStatus,
    Device,
    InventoryCampaign,
    InventoryCheck,
    InventoryConfirmation,
)

D = datetime.date
# (fiscal year, opened, deadline, closed, units that did not finish, devices found missing)
CAMPAIGNS = [
    (
        2014, D(2014, 10, 1), D(2014, 11, 28), D(2015, 1, 30),
        ("消費生活センター", "中央児童相談所", "備前県民局", "備中県民局", "美作県民局",
         "県立図書館", "畜産課", "河川課"),
        4,
    ),
    (
        2015, D(2015, 10, 1), D(2015, 11, 30), D(2016, 1, 29),
        ("備中県民局", "美作県民局", "県立図書館"),
        2,
    ),
    (2016, D(2016, 10, 3), D(2016, 11, 30), D(2017, 1, 31), (), 1),
]  # fmt: skip
TOOL = "資産管理ツールの稼働記録（直近30日）と照合"
BY_HAND = 0.05  # share of the devices a unit checked by hand (the tool had no recent record)
MISSING_NOTE = "所在不明 %d 台：人事異動時の持出しの可能性があり、所在を調査中。"

CHECK_COLUMNS = (
    "id", "confirmation_id", "device_id", "result", "note", "method", "checked_by_id",
    "checked_at",
)  # fmt: skip


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None or not Device.objects.filter(organisation=organisation).exists():
        return
    if InventoryCampaign.objects.filter(organisation=organisation, fiscal_year=2014).exists():
        return
    units = list(
        OrgUnit.objects.filter(organisation=organisation, parent__isnull=False, is_active=True)
        .filter(devices__isnull=False)
        .distinct()
        .order_by("tree_key")
    )
    users = {u.username: u for u in User.objects.filter(username__in=["policy", "sam"])}
    total = 0
    for fy, opened, deadline, closed, unfinished, missing in CAMPAIGNS:
        total += _campaign(
            organisation, units, users, fy, opened, deadline, closed, set(unfinished), missing
        )
    if stdout is not None:
        stdout.write(f"棚卸 FY2014–FY2016: {total} devices decided")


def _campaign(organisation, units, users, fy, opened, deadline, closed, unfinished, missing):
    """One year's campaign, its units' decisions and confirmations, closed on its day."""
    rng = random.Random(fy)
    campaign = services.campaign_open(
        organisation=organisation,
        fiscal_year=fy,
        deadline=deadline,
        units=units,
        opened_on=opened,
        name=f"{fy}年度 ソフトウェア棚卸",
    )
    parts = {p.unit_id: p for p in campaign.confirmations.select_related("unit")}
    # The devices in use while the campaign ran, per unit (each unit is a leaf of the tree).
    devices: dict[int, list[int]] = {}
    for pk, unit_id in (
        Device.objects.filter(organisation=organisation)
        .filter(Q(purchased_on__isnull=True) | Q(purchased_on__lte=closed))
        .filter(Q(disposed_on__isnull=True) | Q(disposed_on__gte=opened))
        .order_by("pk")
        .values_list("pk", "unit_id")
    ):
        devices.setdefault(unit_id, []).append(pk)
    finished = [p for p in parts.values() if p.unit.name not in unfinished]
    lost = {p.unit_id for p in rng.sample(finished, missing)}
    days = (deadline - opened).days
    rows, updates = [], []
    for part in parts.values():
        who = users["sam"] if part.unit.code == "D04-S04" else users["policy"]
        done = part.unit.name not in unfinished
        completed = opened + datetime.timedelta(days=rng.randrange(14, days + 10))
        on_hand = devices.get(part.unit_id, [])
        if not done:  # a branch office that began (or not) and did not finish
            on_hand = on_hand[: len(on_hand) // 3] if rng.random() < 0.5 else []
        missing_one = rng.choice(on_hand) if part.unit_id in lost and on_hand else None
        for device_id in on_hand:
            day = opened + datetime.timedelta(days=rng.randrange((completed - opened).days))
            if device_id == missing_one:
                result, method, note = CheckResult.MISSING, CheckMethod.CHECKED, "所在不明"
            elif not done or rng.random() < BY_HAND:
                result, method, note = CheckResult.PRESENT, CheckMethod.CHECKED, ""
            else:
                result, method, note, day = CheckResult.PRESENT, CheckMethod.BULK, TOOL, completed
            rows.append([part.pk, device_id, result, note, method, who.pk, _at(day, 10)])
        if done:
            data = {
                "status": ConfirmationStatus.CONFIRMED,
                "note": MISSING_NOTE % 1 if part.unit_id in lost else "",
                "confirmed_at": _at(completed, 17),
                "confirmed_by": who,
                "completed_on": completed,
            }
        elif on_hand:
            data = {"status": ConfirmationStatus.IN_PROGRESS}
        else:
            continue
        updates.append((part, data))
    _insert_checks(organisation, rows)
    _update_parts(organisation, updates)
    services.campaign_close(campaign=campaign, closed_on=closed)
    return len(rows)


def _insert_checks(organisation, rows) -> None:
    ops = connection.ops
    ids = bulk.allocate_ids(InventoryCheck, len(rows))
    bulk.insert(
        InventoryCheck,
        CHECK_COLUMNS,
        (
            (pk, *row[:6], ops.adapt_datetimefield_value(row[6]))
            for pk, row in zip(ids, rows, strict=True)
        ),
    )
    where, params = bulk.ids_filter("k.id", ids)
    confirmations = InventoryConfirmation._meta.db_table
    audit.record_created_by_query(
        InventoryCheck,
        alias="k",
        after=CHECK_COLUMNS,
        text="CAST(k.device_id AS TEXT) || ': ' || k.result",
        joins=f"JOIN {connection.ops.quote_name(confirmations)} c ON c.id = k.confirmation_id",
        where=where,
        params=params,
        root=InventoryCampaign,
        root_column="c.campaign_id",
        organisation=organisation,
    )


def _update_parts(organisation, updates) -> None:
    """The units' confirmations with their real dates (an update event each)."""
    changes = []
    for part, data in updates:
        before = audit.snapshot(part)
        for name, value in data.items():
            setattr(part, name, value)
        changes.append((Action.UPDATE, part, before, audit.snapshot(part)))
    InventoryConfirmation.objects.bulk_update(
        [part for part, _ in updates],
        ["status", "note", "confirmed_at", "confirmed_by", "completed_on"],
        batch_size=500,
    )
    audit.record_many(changes, organisation=organisation)
