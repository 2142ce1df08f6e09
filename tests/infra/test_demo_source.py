"""The infrastructure demo's files (daicho/infra/data/demo/) against the registry's demo data and
the seed's story (3.3.2), before anything is loaded: 115 physical servers of 74 systems in
FY2008, 74 systems on the platform by March 2014 and 4 more a year, hosts renewed in FY2019 and
FY2024 with their VMs, files that import in their order (hosts before their VMs)."""

from __future__ import annotations

from collections import Counter

from daicho.core.demo import data_rows
from daicho.infra.demo import CLUSTER, DATA, SITES
from daicho.registry.demo_data import ONP, OPERATING, SYSTEM_BY_CODE, VIR

SERVERS = data_rows(DATA / "servers.csv")
MOVES = data_rows(DATA / "server_moves.csv")
PLATFORM = data_rows(DATA / "platform_moves.csv")
CLOUDS = data_rows(DATA / "cloud_services.csv")
VDI = data_rows(DATA / "vdi.csv")
COMPONENTS = data_rows(DATA / "components.csv")


def _running(row: dict, day: str) -> bool:
    return row["稼働開始日"] <= day and not (row["廃止日"] and row["廃止日"] <= day)


def _of_kind(kind: str) -> list[dict]:
    return [row for row in SERVERS if row["種別"] == kind]


def test_fy2008_has_115_physical_servers_of_74_systems():
    fy2008 = [row for row in _of_kind("物理サーバ") if _running(row, "2009-03-31")]
    assert len(fy2008) == 115
    assert len({row["システムID"] for row in fy2008}) == 74


def test_74_systems_on_the_platform_by_march_2014_then_4_a_year():
    by_year = Counter(row["移行日"][:4] for row in PLATFORM if row["移行日"] >= "2014-04-01")
    assert by_year == {"2014": 4, "2015": 4, "2016": 4}
    before = {row["システムID"] for row in PLATFORM if row["移行日"] < "2014-04-01"}
    built_on_it = {
        code
        for code, s in SYSTEM_BY_CODE.items()
        if s["hosting"] == VIR and s["status"] == OPERATING and code not in before
    }
    assert len(before) + len(built_on_it) == 74
    # The registry holds the earlier movers as virtualized (March 2014) and the later ones on
    # premises: the demo records the later moves through the systems import.
    for row in PLATFORM:
        system = SYSTEM_BY_CODE[row["システムID"]]
        assert system["name"] == row["システム名"] and row["稼働環境"] == "仮想化基盤"
        assert system["hosting"] == (VIR if row["システムID"] in before else ONP)


def test_the_platform_has_14_hosts_in_march_2014_renewed_in_fy2019_and_fy2024():
    hosts = _of_kind("仮想化ホスト")
    assert sum(_running(h, "2014-03-31") for h in hosts) == 14
    assert {h["クラスタ"] for h in hosts} == {CLUSTER[0]}
    assert {h["システムID"] for h in hosts} == {"S0008"}  # 仮想化基盤
    site_names = {name for _code, name, _kind, _address in SITES}
    assert {row["設置場所"] for row in SERVERS} <= site_names


def test_hosts_come_before_their_vms_and_vms_move_to_hosts_in_service_that_day():
    hosts = {row["名称"]: row for row in _of_kind("仮想化ホスト")}
    seen = set()
    for row in SERVERS:
        if row["種別"] == "仮想マシン":
            assert row["収容ホスト"] in seen, row["名称"]
        seen.add(row["名称"])
    vms = {row["名称"] for row in _of_kind("仮想マシン")}
    assert {row["移設日"] for row in MOVES} == {"2019-04-01", "2024-04-01"}
    for move in MOVES:
        assert move["名称"] in vms
        assert hosts[move["収容ホスト"]]["稼働開始日"] == move["移設日"]


def test_cloud_vdi_and_components_name_what_exists():
    servers = {row["名称"] for row in SERVERS}
    for row in CLOUDS:
        assert all(code in SYSTEM_BY_CODE for code in row["システムID"].split(","))
    assert [row["サービス名"] for row in CLOUDS if row["ガバメントクラウド"] == "あり"] == [
        "ガバメントクラウド（標準準拠システム）"
    ]
    seats = [int(row["利用数"]) for row in VDI]
    assert seats == sorted(seats) and max(seats) <= int(VDI[0]["提供数"])
    for row in COMPONENTS:
        assert row["システムID"] in SYSTEM_BY_CODE
        assert not row["サーバ"] or row["サーバ"] in servers
