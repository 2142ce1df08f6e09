# ruff: noqa: E501  (files are written as the inventory tools write them, one record per line)
"""Inventory exports as public bodies have them: each tool's headers and encoding, files with
several PCs, unit and user columns that update devices, the device never named after the file."""

from __future__ import annotations

import json

import pytest

from daicho.core.models import AuditEvent, ImportBatch, OrgUnit
from daicho.sam.models import Device, Installation
from tests.core.test_import import run as _run
from tests.core.test_import import write
from tests.sam.factories import DeviceFactory


def run(capsys, *args):
    return _run(capsys, *args, "--org", "330001")


def imported(capsys, path, *options):
    code, out, err = run(capsys, "import", "installations", path, "--json", *options)
    assert code == 0, out + err
    return json.loads(out)


def programs(device: str) -> list[str]:
    return sorted(
        Installation.objects.filter(device__name=device).values_list("raw_name", flat=True)
    )


# SKYSEA Client View: 資産管理 → ソフトウェア一覧 saved as CSV (Shift_JIS), one row per PC and
# program, with the PC's asset number, user and section.
SKYSEA = """資産管理番号,コンピューター名,使用者名,部署名,ソフトウェア名,バージョン,提供元,インストール日
A-0001,PC-KURASHI-01,岡山 太郎,くらし安全安心課,Microsoft Office Professional Plus 2016,16.0.4266.1001,Microsoft Corporation,2017/04/03
A-0001,PC-KURASHI-01,岡山 太郎,くらし安全安心課,一太郎2017,27.0.0.5,JustSystems,2017/06/01
A-0002,PC-KURASHI-02,倉敷 花子,くらし安全安心課,Microsoft Office Standard 2013,15.0.4569.1506,Microsoft Corporation,2014/05/20
A-0002,PC-KURASHI-02,倉敷 花子,くらし安全安心課,Lhaplus,1.74,Schezo,
"""

# LanScope Cat: 資産 → ソフトウェア資産 exported as CSV (Shift_JIS).
LANSCOPE = """コンピュータ名,ユーザー名,部署名,ソフトウェア名,バージョン,メーカー名
PC-SOUMU-01,総社 一郎,情報政策課,Microsoft Visio Professional 2016,16.0.4266.1001,Microsoft Corporation
PC-SOUMU-01,総社 一郎,情報政策課,Google Chrome,120.0.6099.130,Google LLC
PC-SOUMU-02,玉野 次郎,情報政策課,花子2016,26.0,JustSystems
"""

# AssetView: インベントリ → インストールソフトウェア exported as CSV (Shift_JIS).
ASSETVIEW = """コンピュータ名,ログオンユーザー名,部署,ソフトウェア名,バージョン,発行元,インストール日
AV-PC-001,笠岡 三郎,県民生活部/くらし安全安心課,DocuWorks 9,9.0.3,FUJIFILM Business Innovation,2020/10/01
AV-PC-001,笠岡 三郎,県民生活部/くらし安全安心課,Adobe Acrobat Reader DC - Japanese,23.006.20320,Adobe Systems Incorporated,2023/09/12
"""


# Intune: Reports → Device → "Discovered apps" per device (AppInvRawData), CSV in UTF-8 with BOM.
INTUNE = """ApplicationKey,ApplicationName,ApplicationPublisher,ApplicationShortVersion,ApplicationVersion,DeviceId,DeviceName,OSDescription,OSVersion,Platform,UserId,EmailAddress,UserName
0000f3a1,Microsoft 365 Apps for enterprise - ja-jp,Microsoft Corporation,16.0,16.0.17029.20108,5f1c2d3e-0a1b-4c5d-8e9f-0123456789ab,PC-MOBILE-01,Windows 11 Pro,10.0.22631.2861,Windows,8a7b6c5d-1e2f-4a3b-9c8d-7e6f5a4b3c2d,ichiro.tsuyama@pref.example.lg.jp,津山 一郎
0000b7c2,Google Chrome,Google LLC,120.0,120.0.6099.130,5f1c2d3e-0a1b-4c5d-8e9f-0123456789ab,PC-MOBILE-01,Windows 11 Pro,10.0.22631.2861,Windows,8a7b6c5d-1e2f-4a3b-9c8d-7e6f5a4b3c2d,ichiro.tsuyama@pref.example.lg.jp,津山 一郎
"""


@pytest.mark.parametrize(
    ("text", "encoding", "devices"),
    [
        (SKYSEA, "cp932", {"PC-KURASHI-01": 2, "PC-KURASHI-02": 2}),
        (LANSCOPE, "cp932", {"PC-SOUMU-01": 2, "PC-SOUMU-02": 1}),
        (ASSETVIEW, "cp932", {"AV-PC-001": 2}),
        (INTUNE, "utf-8-sig", {"PC-MOBILE-01": 2}),
    ],
    ids=["skysea", "lanscope", "assetview", "intune"],
)
def test_a_tools_export_loads_onto_the_pcs_it_names(
    world, capsys, tmp_path, text, encoding, devices
):
    result = imported(capsys, write(tmp_path, "ソフトウェア一覧.csv", text, encoding))
    assert result["created"] == sum(devices.values())
    assert sorted(result["created_refs"]["devices"]) == sorted(devices)
    assert {d: len(programs(d)) for d in devices} == devices
    assert not Device.objects.filter(name="ソフトウェア一覧").exists()
    assert "Google Chrome" in result["created_refs"]["titles"] or "Google Chrome" not in text


def test_a_skysea_export_gives_the_pcs_their_section_and_user(world, capsys, tmp_path):
    imported(capsys, write(tmp_path, "skysea.csv", SKYSEA))
    pc = Device.objects.get(name="PC-KURASHI-02")
    assert (pc.unit, pc.user_name) == (world.section_b, "倉敷 花子")
    office = Installation.objects.get(device=pc, raw_name__startswith="Microsoft Office")
    assert (office.title.name, office.title.edition, office.version) == (
        "Microsoft Office",
        "Standard",
        "2013",
    )
    # The asset number is not a column of the ledger: reported, not read.
    assert ImportBatch.objects.get().kind == "installations"


def test_an_assetview_unit_written_as_a_path_finds_the_section(world, capsys, tmp_path):
    imported(capsys, write(tmp_path, "av.csv", ASSETVIEW))
    assert Device.objects.get(name="AV-PC-001").unit == world.section_b
    assert OrgUnit.objects.filter(organisation=world.org).count() == 4  # none created


# PowerShell, run on each PC through Invoke-Command and saved with
#   Invoke-Command -ComputerName (Get-Content pcs.txt) { Get-ItemProperty HKLM:\SOFTWARE\Microsoft\
#   Windows\CurrentVersion\Uninstall\* } | Export-Csv all_pcs.csv -Encoding Unicode
# UTF-16 with a BOM, every field quoted, the registry's DWORD "Version" beside DisplayVersion.
POWERSHELL_HEADER = '"DisplayName","DisplayVersion","Publisher","InstallDate","Version","VersionMajor","EstimatedSize","UninstallString","PSPath","PSChildName","PSComputerName","RunspaceId","PSShowComputerName"'
POWERSHELL_ROWS = [
    '"Microsoft Office Professional Plus 2019","16.0.10396.20017","Microsoft Corporation","20210401","268445753","16","","MsiExec.exe /X{90160000-0011-0000-0000-0000000FF1CE}","Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{90160000-0011-0000-0000-0000000FF1CE}","{90160000-0011-0000-0000-0000000FF1CE}","PC0101","6b0c2e1a-2f43-4b8e-9a1c-2d4b1f3f6a10","True"',
    '"一太郎2022","32.0.1","JustSystems","20220210","","","412000","C:\\Program Files\\JustSystems\\uninst.exe","Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Ichitaro","Ichitaro","PC0101","6b0c2e1a-2f43-4b8e-9a1c-2d4b1f3f6a10","True"',
    '"Google Chrome","120.0.6099.130","Google LLC","20231220","","","","","Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Google Chrome","Google Chrome","PC0102","0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f","True"',
]


def powershell_file(tmp_path, *, type_line: bool) -> str:
    lines = (["#TYPE System.Management.Automation.PSCustomObject"] if type_line else []) + [
        POWERSHELL_HEADER,
        *POWERSHELL_ROWS,
    ]
    path = tmp_path / "all_pcs.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    return str(path)


def test_a_powershell_export_of_several_pcs_loads_per_pc(world, capsys, tmp_path):
    DeviceFactory(unit=world.section_b, name="PC0101")
    DeviceFactory(unit=world.section_b, name="PC0102")
    result = imported(capsys, powershell_file(tmp_path, type_line=False))
    assert result["created"] == 3
    assert result["columns"]["DisplayVersion"] == "version"
    assert programs("PC0101") == ["Microsoft Office Professional Plus 2019", "一太郎2022"]
    office = Installation.objects.get(raw_name__startswith="Microsoft Office")
    assert (office.raw_version, office.version, str(office.installed_on)) == (
        "16.0.10396.20017",
        "2019",
        "2021-04-01",
    )
    assert not Device.objects.filter(name="all_pcs").exists()


def test_a_powershell_export_with_its_type_line_loads_per_pc(world, capsys, tmp_path):
    DeviceFactory(unit=world.section_b, name="PC0101")
    DeviceFactory(unit=world.section_b, name="PC0102")
    result = imported(capsys, powershell_file(tmp_path, type_line=True))
    assert result["created"] == 3
    assert programs("PC0102") == ["Google Chrome"]


# A 機器台帳-style inventory kept in Excel and saved as CSV: PC名 is the device column.
MULTI_PC = """PC名,ソフトウェア名,バージョン
PC0201,Microsoft Office Standard 2016,16.0
PC0201,Lhaplus,1.74
PC0202,一太郎2016,26.0
"""


def test_a_multi_pc_file_headed_pc_name_loads_each_pc(world, capsys, tmp_path):
    path = write(tmp_path, "all_pcs.csv", MULTI_PC)
    result = imported(capsys, path)
    assert sorted(result["created_refs"]["devices"]) == ["PC0201", "PC0202"]
    assert (programs("PC0201"), programs("PC0202")) == (
        ["Lhaplus", "Microsoft Office Standard 2016"],
        ["一太郎2016"],
    )
    # Naming the column explicitly is the same, not "two columns mean device".
    again = imported(capsys, path, "--map", "PC名=device")
    assert (again["created"], again["unchanged"]) == (0, 3)


def test_a_file_without_a_recognised_device_column_is_refused_with_its_headers(
    world, capsys, tmp_path
):
    text = MULTI_PC.replace("PC名", "端末ＩＤ番号")
    path = write(tmp_path, "all_pcs.csv", text)
    code, out, _ = run(capsys, "import", "installations", path, "--json")
    assert code == 1
    error = json.loads(out)["error"]
    assert "端末ＩＤ番号、ソフトウェア名、バージョン" in error
    assert '--map "PC名=device"' in error and "--device" in error
    assert not Device.objects.exists() and not Installation.objects.exists()
    # --map is read before the format is sniffed: the mapped column is the device column.
    result = imported(capsys, path, "--map", "端末ＩＤ番号=device")
    assert sorted(result["created_refs"]["devices"]) == ["PC0201", "PC0202"]
    assert not Device.objects.filter(name="all_pcs").exists()


def test_a_one_pc_file_takes_the_device_given(world, capsys, tmp_path):
    text = "ソフトウェア名,バージョン,発行元\n花子2016,26.0,JustSystems\nLhaplus,1.74,Schezo\n"
    path = write(tmp_path, "inventory.csv", text)
    code, out, _ = run(capsys, "import", "installations", path, "--json")
    assert code == 1 and "--device" in json.loads(out)["error"]
    result = imported(capsys, path, "--device", "PC0300")
    assert result["created_refs"] == {"devices": ["PC0300"], "titles": ["花子", "Lhaplus"]}
    assert programs("PC0300") == ["Lhaplus", "花子2016"]
    # A file that names its devices does not take --device.
    code, out, _ = run(
        capsys,
        "import",
        "installations",
        write(tmp_path, "m.csv", MULTI_PC),
        "--device",
        "X",
        "--json",
    )
    assert code == 1 and "PC名" in json.loads(out)["error"]


def test_no_create_devices_refuses_the_pcs_the_ledger_lacks(world, capsys, tmp_path):
    DeviceFactory(unit=world.section_b, name="PC0201")
    code, out, _ = run(
        capsys,
        "import",
        "installations",
        write(tmp_path, "m.csv", MULTI_PC),
        "--json",
        "--no-create",
        "devices",
    )
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["row"], p["column"], p["value"]) for p in problems] == [(4, "device", "PC0202")]
    assert not Installation.objects.exists()


# -- unit and user columns --------------------------------------------------------------------

MOVES = """PC名,部署,使用者,ソフトウェア名
PC0401,情報政策課,新見 四郎,Lhaplus
PC0401,情報政策課,新見 四郎,Google Chrome
PC0402,くらし安全安心課,,Lhaplus
PC0403,危機管理課,井原 五郎,Lhaplus
"""


def test_unit_and_user_columns_update_the_devices(world, capsys, tmp_path):
    moved = DeviceFactory(unit=world.section_b, name="PC0401", user_name="前任者")
    stays = DeviceFactory(unit=world.section_b, name="PC0402", user_name="高梁 六郎")
    result = imported(capsys, write(tmp_path, "moves.csv", MOVES))
    moved.refresh_from_db()
    stays.refresh_from_db()
    assert (moved.unit, moved.user_name) == (world.section_a, "新見 四郎")
    assert (stays.unit, stays.user_name) == (world.section_b, "高梁 六郎")  # blank: kept
    new = Device.objects.get(name="PC0403")
    assert (new.unit.name, new.unit.parent, new.user_name) == ("危機管理課", None, "井原 五郎")
    assert result["updated"] == 1
    assert result["created_refs"]["devices"] == ["PC0403"]
    assert [n.split(" ")[0] for n in result["created_refs"]["units"]] == ["危機管理課"]
    event = AuditEvent.objects.get(object_repr="PC0401", action="update")
    assert (event.before, event.after) == (
        {"unit_id": world.section_b.pk, "user_name": "前任者"},
        {"unit_id": world.section_a.pk, "user_name": "新見 四郎"},
    )
    # The same file again: nothing to change.
    again = imported(capsys, write(tmp_path, "moves.csv", MOVES))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert AuditEvent.objects.filter(object_repr="PC0401", action="update").count() == 1


def test_a_device_given_two_units_in_one_file_is_refused_on_the_row(world, capsys, tmp_path):
    text = "PC名,部署,ソフトウェア名\nPC0501,情報政策課,Lhaplus\nPC0501,くらし安全安心課,Google Chrome\n"
    code, out, _ = run(capsys, "import", "installations", write(tmp_path, "c.csv", text), "--json")
    assert code == 1
    [problem] = json.loads(out)["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (3, "unit", "くらし安全安心課")
    assert "情報政策課" in problem["message"]


def test_a_sam_officer_may_not_move_a_device_out_of_its_unit(world, capsys, tmp_path):
    DeviceFactory(unit=world.section_b, name="PC0601")
    text = "PC名,部署,ソフトウェア名\nPC0601,情報政策課,Lhaplus\n"
    code, out, _ = run(
        capsys, "import", "installations", write(tmp_path, "s.csv", text), "--json", "--as", "sam"
    )
    assert code == 1
    assert [(p["row"], p["column"]) for p in json.loads(out)["problems"]] == [(2, "unit")]
    assert Device.objects.get(name="PC0601").unit == world.section_b


def test_no_create_units_refuses_every_row_of_the_unknown_unit(world, capsys, tmp_path):
    text = (
        "PC名,部署,ソフトウェア名\nPC0701,存在しない課,Lhaplus\nPC0701,存在しない課,Google Chrome\n"
    )
    code, out, _ = run(
        capsys,
        "import",
        "installations",
        write(tmp_path, "u.csv", text),
        "--json",
        "--no-create",
        "units",
    )
    assert code == 1
    assert [(p["row"], p["column"]) for p in json.loads(out)["problems"]] == [
        (2, "unit"),
        (3, "unit"),
    ]
    assert not OrgUnit.objects.filter(name="存在しない課").exists()


def test_the_upload_form_takes_the_device_of_a_one_pc_file(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.policy)
    page = client.get(reverse("import_upload")).content.decode()
    assert 'data-show-when="kind=installations"' in page and 'name="device"' in page
    text = "DisplayName\tDisplayVersion\tPublisher\n花子2016\t26.0\tJustSystems\n"
    client.post(
        reverse("import_upload"),
        {
            "kind": "installations",
            "file": SimpleUploadedFile("programs.txt", text.encode("utf-16")),
            "device": "PC0800",
        },
    )
    preview = ImportBatch.objects.get()
    assert (preview.status, preview.created, preview.created_refs) == (
        "dry_run",
        1,
        {"devices": ["PC0800"], "titles": ["花子"]},
    )
    client.post(reverse("import_confirm", args=[preview.pk]))
    assert programs("PC0800") == ["花子2016"]
