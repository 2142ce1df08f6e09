"""Systems and contracts naming a vendor the ledger lacks create it once (listed as a new vendor)
instead of refusing every row; `--no-create vendors` refuses each such row with the name."""

from __future__ import annotations

import pytest

from daicho.core.importing import engine
from daicho.core.models import AuditEvent
from daicho.registry.models import Contract, InformationSystem, Vendor


def write(tmp_path, name: str, text: str, encoding: str = "cp932") -> str:
    """A CSV as Excel saves it on a Japanese PC (CP932, CRLF)."""
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return str(path)


# 300 systems whose 保守業者 is written as people write it: with a space, with ㈱ or (株).
SPELLINGS = ["株式会社吉備システム", "株式会社 吉備システム", "㈱吉備システム", "(株)吉備システム"]


def systems_file(tmp_path) -> str:
    rows = [
        f"S{n:04d},業務システム{n},総務部,情報政策課,"
        f"{'倉敷ソフト' if n % 3 == 0 else SPELLINGS[n % 4]}\n"
        for n in range(100, 400)
    ]
    return write(
        tmp_path,
        "システム台帳.csv",
        "システムID,システム名,所管部局,所管課,保守業者\n" + "".join(rows),
    )


def test_systems_naming_unknown_vendors_create_each_once(world, tmp_path):
    path = systems_file(tmp_path)
    dry = engine.run(kind="systems", source=path, organisation=world.org, dry_run=True)
    assert dry.ok, dry.problems[:3]
    assert dry.batch.created_refs == {"vendors": ["株式会社吉備システム", "倉敷ソフト"]}
    assert not Vendor.objects.exists()

    result = engine.run(kind="systems", source=path, organisation=world.org)
    assert result.ok and result.batch.created == 300
    assert result.batch.created_refs == {"vendors": ["株式会社吉備システム", "倉敷ソフト"]}
    vendors = dict(Vendor.objects.values_list("name", "code"))
    assert vendors == {"株式会社吉備システム": "V001", "倉敷ソフト": "V002"}
    assert AuditEvent.objects.filter(content_type__model="vendor", action="create").count() == 2
    kibi = InformationSystem.objects.filter(organisation=world.org, vendor__code="V001")
    assert kibi.count() == 200  # every spelling is the one vendor
    assert InformationSystem.objects.get(code="S0102").vendor.name == "倉敷ソフト"

    again = engine.run(kind="systems", source=path, organisation=world.org)
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 300)
    assert again.batch.created_refs == {}


def test_with_no_create_vendors_each_row_naming_one_is_rejected_with_the_name(world, tmp_path):
    Vendor.objects.create(organisation=world.org, code="V001", name="倉敷ソフト")
    path = write(
        tmp_path,
        "システム台帳.csv",
        "システムID,システム名,所管部局,所管課,保守業者\n"
        "S0101,文書管理システム,総務部,情報政策課,倉敷ソフト\n"
        "S0102,電子申請システム,総務部,情報政策課,株式会社吉備システム\n"
        "S0103,財務会計システム,総務部,情報政策課,株式会社吉備システム\n",
    )
    result = engine.run(kind="systems", source=path, organisation=world.org, refuse="vendors")
    assert not result.ok
    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (3, "vendor", "株式会社吉備システム"),
        (4, "vendor", "株式会社吉備システム"),
    ]
    assert "株式会社吉備システム" in result.problems[0].message
    assert list(Vendor.objects.values_list("name", flat=True)) == ["倉敷ソフト"]
    assert not InformationSystem.objects.filter(code="S0101").exists()  # all or nothing


CONTRACTS = """契約ID,件名,契約相手方,担当課,契約種別,契約開始日,契約終了日,年額（円）
C0001,税務システム運用保守,株式会社 吉備システム,D01-S01,保守,平成26年4月1日,H27.3.31,"1,200,000"
C0002,公共施設予約システム利用,クラウド岡山株式会社,D02-S01,cloud,2014/4/1,2015/3/31,"600,000"
C0003,税務システム機器賃貸借,㈱吉備システム,D01-S01,リース,H26.4.1,H31.3.31,"2,400,000"
"""


def test_contracts_naming_unknown_vendors_create_them_once_and_import_twice_unchanged(
    world, tmp_path
):
    path = write(tmp_path, "契約一覧.csv", CONTRACTS)
    result = engine.run(kind="contracts", source=path, organisation=world.org)
    assert result.ok, result.problems
    assert result.batch.created_refs == {
        "vendors": ["株式会社 吉備システム", "クラウド岡山株式会社"]
    }
    assert sorted(Contract.objects.values_list("code", "vendor__name")) == [
        ("C0001", "株式会社 吉備システム"),
        ("C0002", "クラウド岡山株式会社"),
        ("C0003", "株式会社 吉備システム"),
    ]
    again = engine.run(kind="contracts", source=path, organisation=world.org)
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 3)
    assert again.batch.created_refs == {} and Vendor.objects.count() == 2


def test_a_contract_row_rejected_for_its_unit_creates_no_vendor(world, tmp_path):
    path = write(
        tmp_path,
        "契約一覧.csv",
        CONTRACTS.replace(
            "C0002,公共施設予約システム利用,クラウド岡山株式会社,D02-S01",
            "C0002,公共施設予約システム利用,クラウド岡山株式会社,D09-S09",
        ),
    )
    result = engine.run(
        kind="contracts", source=path, organisation=world.org, skip_invalid=True, refuse="units"
    )
    assert [(p.row, p.column) for p in result.problems] == [(3, "owner_unit")]
    assert list(Vendor.objects.values_list("name", flat=True)) == ["株式会社 吉備システム"]
    assert result.batch.created_refs == {"vendors": ["株式会社 吉備システム"]}


@pytest.mark.parametrize("refuse", ["vendors", "units,vendors"])
def test_contracts_refusing_vendors_name_each_missing_one(world, tmp_path, refuse):
    path = write(tmp_path, "契約一覧.csv", CONTRACTS)
    result = engine.run(kind="contracts", source=path, organisation=world.org, refuse=refuse)
    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (2, "vendor", "株式会社 吉備システム"),
        (3, "vendor", "クラウド岡山株式会社"),
        (4, "vendor", "㈱吉備システム"),
    ]
    assert not Vendor.objects.exists() and not Contract.objects.exists()
