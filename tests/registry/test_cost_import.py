"""Cost imports: the fast path (rows whose texts were seen on a good row, audit events built by
the database) writes exactly what the cell-by-cell path and the ORM write."""

from __future__ import annotations

from unittest import mock

import pytest

from daicho.core import audit, bulk
from daicho.core.audit import Action, Channel, audit_context
from daicho.core.importing import engine
from daicho.core.models import AuditEvent
from daicho.registry import importers
from daicho.registry.models import CostItem, CostLine

# What two writers of the same event agree on: every column but the time and the request id.
EVENT_FIELDS = tuple(c for c in audit.EVENT_COLUMNS if c not in ("time", "request_id"))

# The same systems, years, bases, categories and items written in the ways offices write them,
# each repeated so that later rows take the fast path.
MIXED = """system,fiscal_year,basis,category,item,amount,note
S0001,2016,budget,operation,itaku,100,
S0001,2016,budget,operation,shiyoryo,200,保守
Ｓ０００１,平成26年度,予算,運用等経費,委託料,300,保守
S0002,R1,決算,整備経費,委託料,"1,000",
S0002,令和元年度,actual,initial,shiyoryo,２０００,
税務システム,H30,予算,運用等経費,itaku,400,
税務システム,2018,budget,operation,shiyoryo,500,
S0002,2020,actual,initial,itaku,600,補正
S0002,2020,actual,initial,shiyoryo,700,補正
"""


@pytest.fixture
def items(world):
    CostItem.objects.create(organisation=world.org, code="shiyoryo", name="使用料及び賃借料")


def run(path, world, **kwargs):
    return engine.run(kind="costs", source=str(path), organisation=world.org, **kwargs)


def lines(world):
    return sorted(
        CostLine.objects.filter(system__organisation=world.org).values_list(
            "system__code", "fiscal_year", "basis", "category", "item__code", "amount", "note"
        )
    )


def events(batch_id):
    return sorted(
        tuple(getattr(e, f) for f in EVENT_FIELDS)
        for e in AuditEvent.objects.filter(request_id=batch_id)
    )


def without_ids(events):
    """The events but for the ids of the lines they record (new in each import)."""
    return sorted(
        (*e[:6], *e[7:11], sorted((k, v) for k, v in (e[11] or {}).items() if k != "id"))
        for e in events
    )


def without_fast_path():
    """Every row through the cell-by-cell parsing and CostImport.resolve."""

    def resolve(self, records):
        for number, cells in records:
            yield number, cells, None

    return mock.patch.object(importers._PlainCostRow, "resolve", resolve)


def test_created_lines_have_the_audit_event_the_orm_writes(world, items, tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text(MIXED, encoding="utf-8")
    result = run(path, world, user=world.policy)
    assert result.ok, result.problems
    assert (result.batch.created, result.batch.updated) == (8, 1)
    created = CostLine.objects.filter(system__organisation=world.org)
    imported = {
        e.object_id: e
        for e in AuditEvent.objects.filter(request_id=result.batch.batch_id, action="create")
    }
    assert len(imported) == 8
    with audit_context(actor=world.policy, channel=Channel.IMPORT, request_id="orm"):
        for line in created:
            if str(line.pk) not in imported:
                continue  # the updated line
            expected = audit.record(
                action=Action.CREATE,
                obj=line,
                after=audit.snapshot(line),
                organisation=world.org,
            )
            got = imported[str(line.pk)]
            assert [getattr(got, f) for f in EVENT_FIELDS] == [
                getattr(expected, f) for f in EVENT_FIELDS
            ]
    update = AuditEvent.objects.get(request_id=result.batch.batch_id, action="update")
    line = CostLine.objects.get(pk=update.object_id)
    assert update.object_repr == str(line) and update.root_id == str(line.system_id)
    assert (update.before, update.after) == (
        {"amount": 10_500_000, "note": ""},
        {"amount": 300, "note": "保守"},
    )


def test_the_fast_path_writes_what_the_cell_by_cell_path_writes(world, items, tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text(MIXED, encoding="utf-8")
    parsed = []
    parse = engine.RowParser.parse

    def spy(self, number, cells):
        parsed.append(number)
        return parse(self, number, cells)

    with mock.patch.object(engine.RowParser, "parse", spy):
        fast = run(path, world)
    assert 10 not in parsed  # its texts were all seen on row 9
    fast_lines, fast_events = lines(world), events(fast.batch.batch_id)
    CostLine.objects.filter(fiscal_year__gte=2015).delete()
    CostLine.objects.filter(fiscal_year=2014).update(amount=10_500_000, note="")
    with without_fast_path():
        slow = run(path, world)
    assert lines(world) == fast_lines
    assert without_ids(events(slow.batch.batch_id)) == without_ids(fast_events)
    assert ("S0001", 2014, "budget", "operation", "itaku", 300, "保守") in fast_lines
    assert ("S0002", 2019, "actual", "initial", "itaku", 1_000, "") in fast_lines  # R1, 1,000
    assert ("S0002", 2019, "actual", "initial", "shiyoryo", 2_000, "") in fast_lines  # ２０００
    assert ("S0001", 2018, "budget", "operation", "itaku", 400, "") in fast_lines  # by name


BAD_AFTER_GOOD = """system,fiscal_year,basis,category,item,amount,note
S0001,2016,budget,operation,itaku,100,
S0001,2017,budget,operation,itaku,-5,
S0001,2018,budget,operation,itaku,100,{long}
S0001,2019,予算,運用等経費,itaku,100,
S0001,2020,budget,operation,itaku,,
S0009,2020,budget,operation,itaku,1,
S0001,2016,budget,operation,itaku,100,
"""


@pytest.mark.parametrize("chunk_size", [2, 5000])
def test_bad_rows_among_remembered_texts_are_reported_and_nothing_is_written(
    world, items, tmp_path, monkeypatch, chunk_size
):
    monkeypatch.setattr(importers.CostImport, "chunk_size", chunk_size)
    path = tmp_path / "costs.csv"
    path.write_text(BAD_AFTER_GOOD.format(long="長" * 501), encoding="utf-8")
    before = lines(world)
    result = run(path, world)
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "amount"),
        (4, "note"),
        (6, "amount"),
        (7, "system"),
        (8, ""),  # the same line as row 2 (in another chunk when chunk_size is 2)
    ]
    assert "-5" in result.problems[0].message and "2" in result.problems[4].message
    assert lines(world) == before
    assert not AuditEvent.objects.filter(request_id=result.batch.batch_id).exists()


def test_amounts_in_thousand_yen_take_the_cell_by_cell_path(world, items, tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text(
        "システムID,年度,予算決算,経費区分,費目,金額（千円）\n"
        "S0001,2016,予算,運用等経費,委託料,1.5\n"
        "S0001,2017,予算,運用等経費,委託料,2\n",
        encoding="utf-8",
    )
    result = run(path, world)
    assert result.ok and result.batch.created == 2
    amounts = CostLine.objects.filter(system=world.system_a, fiscal_year__in=[2016, 2017])
    assert sorted(amounts.values_list("amount", flat=True)) == [1_500, 2_000]


def test_rows_by_id_records_consecutive_new_ids_at_once():
    rows = importers.RowsById()
    rows.add(10, 2)
    rows.add_many(range(20, 23), [5, 6, 7])
    rows.add_many([30, 25], [9, 8])
    assert [rows.get(pk) for pk in (9, 10, 11, 20, 21, 22, 23, 25, 30)] == [
        None,
        2,
        None,
        5,
        6,
        7,
        None,
        8,
        9,
    ]


def test_ids_filter_selects_the_rows_of_ids_given_as_a_list_or_a_range(world):
    from django.db import connection

    pks = sorted(CostLine.objects.values_list("pk", flat=True))
    for ids in (pks, range(pks[0], pks[-1] + 1), pks[:1]):
        where, params = bulk.ids_filter("id", ids)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM registry_costline WHERE {where}", params)  # noqa: S608
            assert cursor.fetchone()[0] == sum(pk in ids for pk in pks)


def test_a_second_import_updates_what_changed_and_counts_the_rest(
    world, items, tmp_path, monkeypatch
):
    monkeypatch.setattr(importers.CostImport, "chunk_size", 3)
    path = tmp_path / "costs.csv"
    path.write_text(MIXED, encoding="utf-8")
    assert run(path, world).ok
    path.write_text(MIXED.replace(",400,", ",450,").replace(",700,補正", ",700,"), "utf-8")
    result = run(path, world)
    b = result.batch
    assert (b.created, b.updated, b.unchanged, b.rejected) == (0, 2, 7, 0)
    changes = sorted(
        (e.object_repr, e.before, e.after) for e in AuditEvent.objects.filter(request_id=b.batch_id)
    )
    assert changes == [
        ("S0001 FY2018 予算 委託料", {"amount": 400}, {"amount": 450}),
        ("S0002 FY2020 決算 使用料及び賃借料", {"note": "補正"}, {"note": ""}),
    ]
