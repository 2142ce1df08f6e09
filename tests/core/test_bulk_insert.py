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


def _device_rows(world, ids, prefix="PC"):
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [
        (
            pk,
            world.org.pk,
            f"{prefix}-{pk}",
            "desktop",
            world.section_a.pk,
            "",
            "",
            "",
            "in_use",
            now,
        )
        for pk in ids
    ]


def test_streamed_rows_are_there_for_the_next_query(world):
    """Inserts: a query between chunks sees every row put before it (on PostgreSQL the open
    COPY is ended first; a query inside it would wait for ever), and the stream goes on."""
    ids = list(bulk.allocate_ids(Device, 51))
    first, second, last = ids[:30], ids[30:50], ids[50:]
    with transaction.atomic(), bulk.Inserts(Device, (*FIELDS, "updated_at")) as inserts:
        inserts.put(_device_rows(world, first))
        assert Device.objects.filter(pk__in=list(first)).count() == 30
        inserts.put(_device_rows(world, second))
        bulk.insert(Device, (*FIELDS, "updated_at"), _device_rows(world, last, "X"))
        inserts.put([])
    assert Device.objects.filter(name__startswith="PC-").count() == 50
    assert Device.objects.filter(name__startswith="X-").count() == 1
    if connection.vendor == "postgresql":
        assert inserts.copies == 2  # the query ended the first COPY; insert() the second


def test_a_failure_while_streaming_keeps_nothing(world):
    ids = bulk.allocate_ids(Device, 10)
    with (
        pytest.raises(RuntimeError),
        transaction.atomic(),
        bulk.Inserts(Device, (*FIELDS, "updated_at")) as inserts,
    ):
        inserts.put(_device_rows(world, ids))
        raise RuntimeError("the file broke off")
    assert not Device.objects.filter(pk__in=list(ids)).exists()
    assert Device.objects.filter(organisation=world.org).count() >= 0  # the connection still works


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_large_load_brings_the_planner_statistics_up_to_date(world, monkeypatch):
    """Statements after a bulk load in the same transaction are planned for the table as it is:
    the statistics are refreshed there (autovacuum would see the rows only after the commit)."""
    monkeypatch.setattr(bulk, "ANALYSE_AFTER", 10)
    ids = bulk.allocate_ids(Device, 60)
    with transaction.atomic():
        bulk.insert(Device, (*FIELDS, "updated_at"), _device_rows(world, ids))
        bulk.analyse_after_load(Device, 60)
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'sam_device'")
            assert cursor.fetchone()[0] >= 60
