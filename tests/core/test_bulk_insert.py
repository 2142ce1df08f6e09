"""core.bulk.insert writes every row it is given, one statement holding many (SQLite) or COPY
(PostgreSQL): none lost or doubled at a statement's edge."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from daicho.core import bulk
from daicho.sam.models import Device

FIELDS = ("id", "organisation", "name", "type", "unit", "user_name", "os", "serial", "status")


@pytest.mark.parametrize("count", [0, 1, 98, 99, 100, 1000])  # 99 rows of 10 columns a statement
def test_every_row_lands_once(world, count):
    ids = bulk.allocate_ids(Device, count)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = (
        (pk, world.org.pk, f"PC-{pk}", "desktop", world.section_a.pk, "", "", "", "in_use", now)
        for pk in ids
    )
    with transaction.atomic():
        bulk.insert(Device, (*FIELDS, "updated_at"), rows)
    names = Device.objects.filter(pk__in=list(ids)).order_by("pk").values_list("name", flat=True)
    assert list(names) == [f"PC-{pk}" for pk in ids]
