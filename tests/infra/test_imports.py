# ruff: noqa: E501  (CSV fixtures are written as offices write them, one record per line)
"""Imports of servers, cloud services, VDI seats, components and devices; bad rows reported."""

from __future__ import annotations

import datetime
import json

from daicho.core.models import AuditEvent
from daicho.infra.models import CloudService, Server, ServerPlacement, SoftwareComponent, VdiUsage
from daicho.registry.models import HostingChange, InformationSystem
from daicho.sam.models import Device
from tests.core.test_import import run as _run
from tests.core.test_import import write


def run(capsys, *args):
    return _run(capsys, *args, "--org", "330001")


D = datetime.date

SERVERS = """名称,種別,収容ホスト,クラスタ,OS,システムID,設置場所,CPUコア数,メモリ（GB）,ストレージ（GB）,購入日,リース満了日
VH01,仮想化ホスト,,基盤クラスタ,VMware ESXi 6.7,,県データセンター,32,512,20000,H31.4.1,令和6年3月31日
S0001-AP,仮想マシン,VH01,,Microsoft Windows Server 2019 Standard,S0001,県データセンター,4,16,200,,
SV-OLD,物理,,,Windows Server 2003 R2,S0002,本庁舎,2,4,146,2006/4/1,2011/3/31
"""


def test_servers_import_with_japanese_headers_wareki_and_matched_os(world, capsys, tmp_path):
    code, out, err = run(capsys, "import", "servers", write(tmp_path, "s.csv", SERVERS), "--json")
    assert code == 0, out + err
    assert json.loads(out)["created"] == 3
    vm = Server.objects.select_related("host", "system", "release__product").get(name="S0001-AP")
    assert (vm.kind, vm.host.name, vm.system.code) == ("vm", "VH01", "S0001")
    assert (vm.release.product.slug, vm.release.cycle) == ("windows-server", "2019")
    host = Server.objects.get(name="VH01")
    assert (host.cluster.name, host.purchased_on, host.lease_end) == (
        "基盤クラスタ",
        D(2019, 4, 1),
        D(2024, 3, 31),
    )
    assert AuditEvent.objects.filter(object_repr="S0001-AP", action="create").count() == 1


def test_a_moved_vm_keeps_its_placement_history_from_the_effective_date(world, capsys, tmp_path):
    run(capsys, "import", "servers", write(tmp_path, "s.csv", SERVERS))
    moved = SERVERS.replace("\nS0001-AP,仮想マシン,VH01,", "\nS0001-AP,仮想マシン,VH02,") + (
        "VH02,仮想化ホスト,,基盤クラスタ,VMware ESXi 8.0,,県データセンター,48,1024,40000,R6.4.1,\n"
    )
    # VH02 is listed after the VM that moves to it: the file is refused, naming the row.
    code, out, _ = run(capsys, "import", "servers", write(tmp_path, "m.csv", moved), "--json")
    assert code == 1
    problem = json.loads(out)["problems"][0]
    assert (problem["row"], problem["column"]) == (3, "host")
    lines = moved.splitlines()
    ordered = "\n".join([lines[0], lines[-1], *lines[1:-1]]) + "\n"
    code, out, err = run(
        capsys,
        "import",
        "servers",
        write(tmp_path, "m2.csv", ordered),
        "--effective",
        "令和6年4月1日",
        "--json",
    )
    assert code == 0, out + err
    vm = Server.objects.get(name="S0001-AP")
    history = list(
        ServerPlacement.objects.filter(server=vm)
        .order_by("effective_on")
        .values_list("effective_on", "host__name")
    )
    assert sorted(history, key=lambda h: (h[0] is not None, h[0])) == [
        (None, "VH01"),
        (D(2024, 4, 1), "VH02"),
    ]


def test_systems_import_records_a_hosting_change_at_the_effective_date(world, capsys, tmp_path):
    text = "システムID,システム名,所管部局,所管課,稼働環境\nS0001,税務システム,総務部,情報政策課,仮想化基盤\n"
    code, out, err = run(
        capsys, "import", "systems", write(tmp_path, "h.csv", text), "--effective", "2014-10-01"
    )
    assert code == 0, out + err
    assert InformationSystem.objects.get(code="S0001", organisation=world.org).hosting == (
        "virtualized"
    )
    assert HostingChange.objects.filter(
        system__code="S0001", effective_on=D(2014, 10, 1), hosting="virtualized"
    ).exists()


def test_bad_server_rows_name_row_column_and_reason_and_write_nothing(world, capsys, tmp_path):
    text = """名称,種別,収容ホスト,システムID,CPUコア数
VM-1,仮想マシン,,S0001,4
VM-2,仮想マシン,NOPE,S0001,4
SV-1,ラック,,S0001,4
SV-2,物理,,S9999,4
SV-3,物理,,S0001,four
"""
    code, out, _ = run(capsys, "import", "servers", write(tmp_path, "bad.csv", text), "--json")
    assert code == 1
    problems = {(p["row"], p["column"]) for p in json.loads(out)["problems"]}
    assert problems == {(2, "host"), (3, "host"), (4, "kind"), (5, "system"), (6, "cores")}
    assert not Server.objects.exists()


CLOUD = """サービス名,提供事業者,サービス形態,ガバメントクラウド,システムID,利用開始日,年額（円）
グループウェア,サイボウズ（株）,SaaS,なし,"S0001,S0002",平成26年10月1日,"2,400,000"
ガバメントクラウド,デジタル庁,IaaS,あり,S0002,R7.1.1,
"""


def test_cloud_services_import_links_systems_and_round_trips(world, capsys, tmp_path):
    code, out, err = run(capsys, "import", "cloud-services", write(tmp_path, "c.csv", CLOUD))
    assert code == 0, out + err
    service = CloudService.objects.get(name="グループウェア")
    assert sorted(service.systems.values_list("code", flat=True)) == ["S0001", "S0002"]
    assert (service.started_on, service.annual_cost) == (D(2014, 10, 1), 2_400_000)
    assert CloudService.objects.get(name="ガバメントクラウド").government_cloud is True
    target = tmp_path / "out.csv"
    assert _run(capsys, "export", "cloud-services", "-o", str(target))[0] == 0
    code, out, _ = run(capsys, "import", "cloud-services", str(target), "--json")
    assert json.loads(out)["unchanged"] == 2


def test_cloud_services_with_an_unknown_system_are_refused(world, capsys, tmp_path):
    text = "サービス名,提供事業者,サービス形態,システムID\nX,Y,SaaS,S0404\n"
    code, out, _ = run(capsys, "import", "cloud-services", write(tmp_path, "c.csv", text), "--json")
    assert code == 1 and json.loads(out)["problems"][0]["column"] == "systems"
    assert not CloudService.objects.exists()


def test_vdi_counts_import_creates_the_pool_and_refuses_impossible_counts(world, capsys, tmp_path):
    text = "プール名,計測日,利用数,提供数\n本庁VDI,2015-03-31,180,300\n本庁VDI,2016-03-31,260,300\n"
    code, out, err = run(capsys, "import", "vdi", write(tmp_path, "v.csv", text))
    assert code == 0, out + err
    assert list(
        VdiUsage.objects.order_by("measured_on").values_list("seats_in_use", flat=True)
    ) == [
        180,
        260,
    ]
    bad = "プール名,計測日,利用数,提供数\n本庁VDI,2017-03-31,400,300\n本庁VDI,昨日,10,\n"
    code, out, _ = run(capsys, "import", "vdi", write(tmp_path, "b.csv", bad), "--json")
    assert code == 1
    assert {(p["row"], p["column"]) for p in json.loads(out)["problems"]} == {
        (2, "seats_in_use"),
        (3, "measured_on"),
    }
    assert VdiUsage.objects.count() == 2


def test_components_import_resolves_releases(world, capsys, tmp_path):
    text = "システムID,製品名,用途\nS0001,Oracle Database 11g Release 2,DB\nS0001,Solaris 10,OS\n"
    code, out, err = run(capsys, "import", "components", write(tmp_path, "c.csv", text))
    assert code == 0, out + err
    oracle = SoftwareComponent.objects.get(name__startswith="Oracle")
    assert oracle.release.cycle == "11.2"
    assert SoftwareComponent.objects.get(name="Solaris 10").release is None


DEVICES = """機器名,種別,所属,利用者,OS,シリアル番号,購入日,状態
PC0001,デスクトップ,D01-S01,佐藤 太郎,Windows XP Professional SP3,JP001,H20.4.1,使用中
PC0002,ノート,くらし安全安心課,鈴木 花子,Windows 7 Professional,JP002,2011/4/1,在庫
"""


def test_devices_import_by_unit_code_or_name_with_the_os_matched(world, capsys, tmp_path):
    code, out, err = run(capsys, "import", "devices", write(tmp_path, "d.csv", DEVICES))
    assert code == 0, out + err
    pc1 = Device.objects.select_related("unit", "release").get(name="PC0001")
    assert (pc1.unit.code, pc1.user_name, pc1.release.cycle, pc1.purchased_on) == (
        "D01-S01",
        "佐藤 太郎",
        "xp",
        D(2008, 4, 1),
    )
    assert Device.objects.get(name="PC0002").status == "in_stock"


def test_bad_device_rows_are_reported_and_nothing_is_written(world, capsys, tmp_path):
    text = DEVICES + "PC0003,デスクトップ,存在しない課,,Windows 10,,,\nPC0004,,D01-S01,,,,,廃棄\n"
    path = write(tmp_path, "d.csv", text)
    code, out, _ = run(capsys, "import", "devices", path, "--json", "--no-create", "units")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {(4, "unit"), (5, "status")}
    assert not Device.objects.exists()


def test_a_sam_officer_imports_devices_of_their_unit_only(world, capsys, tmp_path):
    text = "機器名,所属,OS\nPC1,D02-S01,Windows 10\nPC2,D01-S01,Windows 10\n"
    code, out, _ = run(
        capsys, "import", "devices", write(tmp_path, "d.csv", text), "--as", "sam", "--json"
    )
    assert code == 1
    assert [(p["row"], p["column"]) for p in json.loads(out)["problems"]] == [(3, "unit")]
    assert not Device.objects.exists()


def test_bad_component_rows_are_reported_and_nothing_is_written(world, capsys, tmp_path):
    text = "システムID,製品名,サーバ\nS0001,PostgreSQL 15,\nS0404,PostgreSQL 15,\nS0001,Java 8,SV-NONE\nS0001,,\n"
    code, out, _ = run(capsys, "import", "components", write(tmp_path, "c.csv", text), "--json")
    assert code == 1
    problems = {(p["row"], p["column"]) for p in json.loads(out)["problems"]}
    assert problems == {(3, "system"), (4, "server"), (5, "product")}
    assert not SoftwareComponent.objects.exists()


def test_export_then_import_changes_nothing_for_the_new_kinds(world, capsys, tmp_path):
    from daicho.core.importing import engine

    run(capsys, "import", "servers", write(tmp_path, "s.csv", SERVERS))
    run(capsys, "import", "cloud-services", write(tmp_path, "c.csv", CLOUD))
    run(capsys, "import", "devices", write(tmp_path, "d.csv", DEVICES))
    run(
        capsys,
        "import",
        "vdi",
        write(tmp_path, "v.csv", "プール名,計測日,利用数,提供数\n本庁VDI,2015-03-31,180,300\n"),
    )
    run(
        capsys,
        "import",
        "components",
        write(tmp_path, "k.csv", "システムID,製品名,サーバ,用途\nS0001,Java 8,S0001-AP,AP\n"),
    )
    for kind in ("servers", "cloud-services", "devices", "vdi", "components"):
        for fmt in ("csv", "xlsx"):
            target = tmp_path / f"{kind}.{fmt}"
            assert _run(capsys, "export", kind, "--as", "policy", "-o", str(target))[0] == 0
            result = engine.run(kind=kind, source=str(target), organisation=world.org)
            b = result.batch
            assert (b.created, b.updated, b.rejected) == (0, 0, 0), (kind, fmt, result.problems)
            assert b.unchanged > 0, kind
