"""`daicho import`: files as Japanese offices save them, all or nothing, every problem reported."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daicho.cli import main
from daicho.core.importing import engine
from daicho.core.models import AuditEvent, ImportBatch, OrgUnit
from daicho.registry.models import CostItem, CostLine, InformationSystem, Vendor


def run(capsys, *args) -> tuple[int, str, str]:
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            main(["daicho", *args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name: str, text: str, encoding: str = "cp932") -> str:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return str(path)


COSTS_CP932 = """システムID,年度,予算決算,経費区分,費目,金額（千円）,備考
S0001,平成26年度,予算,運用等経費,委託料,"１０,５００",当初予算
S0001,H27,予算,運用等経費,委託料,"9,800",
S0002,令和元年度,決算,整備経費,委託料,"1,234.5",補正
"""


def test_a_cp932_file_with_wareki_and_thousand_yen_as_excel_saves_it(world, capsys, tmp_path):
    path = write(tmp_path, "経費.csv", COSTS_CP932)
    code, out, err = run(capsys, "import", "costs", path, "--org", "330001")
    assert code == 0, err
    assert "1 created, 1 updated" not in out  # S0001 FY2014 was 10,500,000 already: unchanged
    line = CostLine.objects.get(system=world.system_a, fiscal_year=2014)
    assert line.amount == 10_500_000
    assert CostLine.objects.get(system=world.system_a, fiscal_year=2015).amount == 9_800_000
    fy2019 = CostLine.objects.get(system=world.system_b, fiscal_year=2019)
    assert (fy2019.basis, fy2019.category, fy2019.amount) == ("actual", "initial", 1_234_500)
    batch = ImportBatch.objects.get()
    assert (batch.created, batch.updated, batch.unchanged, batch.rejected) == (2, 1, 0, 0)
    assert batch.status == "applied"
    events = AuditEvent.objects.filter(request_id=batch.batch_id)
    assert events.count() == 3 and {e.channel for e in events} == {"import"}


def test_one_bad_row_anywhere_writes_nothing_and_names_row_column_value(world, capsys, tmp_path):
    text = COSTS_CP932 + "S0002,平成99年13月45日,予算,運用等経費,委託料,100,\n"
    path = write(tmp_path, "経費.csv", text)
    code, _out, err = run(capsys, "import", "costs", path, "--org", "330001")
    assert code == 1
    assert "5行目" in err and "fiscal_year" in err and "平成99年13月45日" in err
    assert not CostLine.objects.filter(fiscal_year__in=[2015, 2019]).exists()
    assert ImportBatch.objects.get().status == "rejected"
    assert not AuditEvent.objects.filter(channel="import").exists()


def test_skip_invalid_writes_the_good_rows_and_exits_non_zero(world, capsys, tmp_path):
    text = COSTS_CP932 + "S0002,2014,予算,運用等経費,委託料,-5,\n"
    path = write(tmp_path, "経費.csv", text)
    code, _out, err = run(capsys, "import", "costs", path, "--org", "330001", "--skip-invalid")
    assert code == 1
    assert "5行目" in err and "amount_thousand_yen" in err and "“-5”" in err
    assert CostLine.objects.filter(fiscal_year=2015).exists()
    assert ImportBatch.objects.get().rejected == 1


def test_dry_run_reports_and_writes_nothing(world, capsys, tmp_path):
    path = write(tmp_path, "経費.csv", COSTS_CP932)
    code, out, _err = run(capsys, "import", "costs", path, "--org", "330001", "--dry-run", "--json")
    assert code == 0
    summary = json.loads(out)
    assert (summary["created"], summary["updated"], summary["dry_run"]) == (2, 1, True)
    assert not CostLine.objects.filter(fiscal_year=2015).exists()
    assert not AuditEvent.objects.exists()


def test_systems_with_japanese_headers_create_new_units_and_list_them(world, capsys, tmp_path):
    text = (
        "システムID,システム名,所管部局,所管課,状態,稼働開始日,稼働環境,機密性,個人情報\n"
        "S0100,河川情報システム,土木部,河川課,運用中,H20.4.1,仮想化基盤,2,なし\n"
        "S0001,税務システム,総務部,情報政策課,運用中,平成22年4月1日,クラウド,3,あり\n"
    )
    path = write(tmp_path, "systems.csv", text)
    code, out, err = run(capsys, "import", "systems", path, "--org", "330001")
    assert code == 0, err
    system = InformationSystem.objects.get(organisation=world.org, code="S0100")
    assert system.owner_unit.name == "河川課" and system.owner_unit.parent.name == "土木部"
    assert str(system.in_service_on) == "2008-04-01" and system.hosting == "virtualized"
    assert "土木部" in out and "河川課" in out
    updated = InformationSystem.objects.get(pk=world.system_a.pk)
    assert (updated.hosting, updated.confidentiality, updated.personal_data) == ("cloud", "3", True)


def test_no_create_units_refuses_unknown_units(world, capsys, tmp_path):
    text = "システム名,所管部局\n新システム,存在しない部\n"
    path = write(tmp_path, "systems.csv", text)
    code, _out, err = run(capsys, "import", "systems", path, "--org", "330001", "--no-create-units")
    assert code == 1 and "存在しない部" in err
    assert not OrgUnit.objects.filter(name="存在しない部").exists()


def test_map_renames_their_headers_and_unknown_columns_are_reported(world, capsys, tmp_path):
    text = "業務システム名,担当部,メモ欄\n新システム,総務部,何か\n"
    path = write(tmp_path, "systems.csv", text, "utf-8-sig")
    code, _out, err = run(
        capsys,
        "import",
        "systems",
        path,
        "--org",
        "330001",
        "--map",
        "業務システム名=name,担当部=所管部局",
    )
    assert code == 0, err
    assert "メモ欄" in err
    assert InformationSystem.objects.filter(name="新システム", owner_unit=world.dept_a).exists()


def test_a_missing_required_column_is_refused_before_any_row(world, capsys, tmp_path):
    path = write(tmp_path, "costs.csv", "システムID,年度\nS0001,2014\n")
    code, _out, err = run(capsys, "import", "costs", path, "--org", "330001")
    assert code == 1 and "basis" in err


def test_the_same_key_twice_in_one_file_is_refused(world, capsys, tmp_path):
    text = (
        "system,fiscal_year,basis,category,item,amount\n"
        "S0002,2014,budget,operation,itaku,100\nS0002,2014,budget,operation,委託料,200\n"
    )
    path = write(tmp_path, "costs.csv", text, "utf-8")
    code, _out, err = run(capsys, "import", "costs", path, "--org", "330001")
    assert code == 1
    assert "3行目" in err  # the second occurrence is the one refused, naming the first
    assert not CostLine.objects.filter(system=world.system_b).exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 50, "binary"),
        (
            "システムID,年度,予算決算,経費区分,費目,金額（円）\nS0001,2014,予算,運用等経費,委託料,abc\n".encode(
                "cp932"
            ),
            "abc",
        ),
        (
            b"system,fiscal_year,basis,category,item,amount\nS0001,2014,budget,operation,itaku,1.5\n",
            "1.5",
        ),
        (
            "system,fiscal_year,basis,category,item,amount\nS0001,2014,予定,operation,itaku,1\n".encode(),
            "予定",
        ),
        (
            (
                "system,fiscal_year,basis,category,item,amount,note\nS0001,2014,budget,operation,itaku,1,"
                + "長" * 501
                + "\n"
            ).encode(),
            "500",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(world, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = CostLine.objects.count()
    result = engine.run(kind="costs", source=str(path), organisation=world.org)
    assert not result.ok
    messages = " ".join(f"{p.value} {p.message}" for p in result.problems)
    assert expected in messages.lower() or expected in messages
    assert CostLine.objects.count() == before


def test_a_wrong_encoding_is_named(world, tmp_path):
    path = tmp_path / "utf8.csv"
    path.write_bytes(
        "system,fiscal_year,basis,category,item,amount,note\n"
        "S0001,2014,budget,operation,itaku,1,日本語\n".encode()
    )
    result = engine.run(kind="costs", source=str(path), organisation=world.org, encoding="ascii")
    assert not result.ok and "ascii" in result.fatal


def test_export_then_import_changes_nothing_for_every_kind(world, capsys, tmp_path):
    from daicho.core.audit import Channel, audit_context
    from daicho.registry import services

    with audit_context(actor=None, channel=Channel.CLI):
        vendor = services.vendor_create(
            organisation=world.org, code="V001", name='=HYPERLINK("x")'
        )  # a formula-looking name
        services.contract_create(
            organisation=world.org,
            owner_unit=world.section_a,
            vendor=vendor,
            code="C0001",
            title="保守",
            kind="maintenance",
            start_on="2014-04-01",
            end_on="2015-03-31",
            systems=[world.system_a],
            yearly_amount=1_000_000,
        )
    for kind in ("units", "vendors", "systems", "costs", "contracts"):
        for fmt in ("csv", "xlsx"):
            target = tmp_path / f"{kind}.{fmt}"
            assert run(capsys, "export", kind, "--as", "policy", "-o", str(target))[0] == 0
            result = engine.run(kind=kind, source=str(target), organisation=world.org)
            b = result.batch
            assert (b.created, b.updated, b.rejected) == (0, 0, 0), (kind, fmt, result.problems)
            assert b.unchanged > 0
    assert Vendor.objects.get(code="V001").name == '=HYPERLINK("x")'


def test_exports_neutralise_formulas(world, capsys, tmp_path):
    from daicho.core.audit import Channel, audit_context
    from daicho.registry import services

    with audit_context(actor=None, channel=Channel.CLI):
        services.vendor_create(organisation=world.org, code="V009", name="=1+2")
    target = tmp_path / "v.csv"
    run(capsys, "export", "vendors", "-o", str(target))
    assert "'=1+2" in target.read_text(encoding="utf-8-sig")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash_the_engine_nor_write(world, tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    before = (CostLine.objects.count(), AuditEvent.objects.count())
    engine.run(kind="costs", source=str(path), organisation=world.org)
    assert (CostLine.objects.count(), AuditEvent.objects.count()) == before


cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "S0001",
            "S0002",
            "2014",
            "平成26年度",
            "予算",
            "決算",
            "運用等経費",
            "委託料",
            "1,000",
            "-1",
            "",
            "＝1",
            "=SUM(A1)",
            "令和元年度",
            "H31",
        ]
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=6, max_size=6), min_size=1, max_size=8))
def test_random_cells_give_all_or_nothing(world, tmp_path, rows):
    import csv

    path = tmp_path / "cells.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["system", "fiscal_year", "basis", "category", "item", "amount"])
        writer.writerows(rows)
    before = CostLine.objects.count()
    result = engine.run(kind="costs", source=str(path), organisation=world.org)
    after = CostLine.objects.count()
    if result.batch.rejected or result.fatal:
        assert after == before
    else:
        assert after == before + result.batch.created


@pytest.mark.slow
def test_a_single_bad_row_after_100000_good_ones_writes_nothing(world, tmp_path):
    items = [
        CostItem.objects.create(organisation=world.org, code=f"i{n}", name=f"費目{n}")
        for n in range(50)
    ]
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("system,fiscal_year,basis,category,item,amount\n")
        n = 0
        for system in ("S0001", "S0002"):
            for fy in range(1950, 2200):
                for basis in ("budget", "actual"):
                    for category in ("initial", "operation"):
                        for item in items:
                            if n < 100_000:
                                fh.write(f"{system},{fy},{basis},{category},{item.code},{n}\n")
                                n += 1
        fh.write("S0001,2014,budget,operation,itaku,not-a-number\n")
    before = CostLine.objects.count()
    result = engine.run(kind="costs", source=str(path), organisation=world.org)
    assert result.batch.rejected == 1 and result.problems[0].row == 100_002
    assert CostLine.objects.count() == before
    assert not AuditEvent.objects.filter(channel="import").exists()


def test_an_applied_import_leaves_the_planner_statistics_of_its_tables(world, capsys, tmp_path):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps the statistics")

    def analysed() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchall():
                return set()
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            return {row[0] for row in cursor.fetchall()}

    text = "システムID,システム名,所管部局,所管課\nS0100,河川情報システム,総務部,情報政策課\n"
    assert "registry_informationsystem" not in analysed()
    code, _out, err = run(
        capsys, "import", "systems", "--dry-run", "--org", "330001", write(tmp_path, "s.csv", text)
    )
    assert "registry_informationsystem" not in analysed()  # nothing written, nothing to learn
    code, _out, err = run(
        capsys, "import", "systems", "--org", "330001", write(tmp_path, "s.csv", text)
    )
    assert code == 0, err
    assert "registry_informationsystem" in analysed()
