# ruff: noqa: E501  (CSV fixtures are written as offices write them, one record per line)
"""Importing the same file twice changes nothing, for every SAM kind: devices by name, rules by
pattern, licences by certificate number or else by what makes the licence, installations by
each device's snapshot."""

from __future__ import annotations

import json

from daicho.core.models import AuditEvent
from daicho.sam.models import Device, Installation, Licence, NormalisationRule, SoftwareTitle
from tests.core.test_import import run as _run
from tests.core.test_import import write


def imported(capsys, kind, path, *options):
    code, out, err = _run(capsys, "import", kind, path, "--json", "--org", "330001", *options)
    assert code == 0, out + err
    result = json.loads(out)
    return result


def changes(result) -> tuple[int, int, int]:
    return result["created"], result["updated"], result["unchanged"]


# A 機器台帳 kept in Excel by 情報政策課 and saved as CSV.
DEVICES = """PC名,種別,部署名,使用者,OS,製造番号,購入年月日,状態
PC-0001,デスクトップ,情報政策課,岡山 太郎,Windows 10 Pro,JP1234567,H30.4.1,使用中
PC-0002,ノート,くらし安全安心課,,Windows 11 Pro,JP7654321,令和5年4月1日,使用中
PC-0003,デスクトップ,危機管理課,井原 五郎,Windows 10 Pro,,2015/04/01,在庫
"""


def test_a_device_ledger_imported_twice_changes_nothing(world, capsys, tmp_path):
    path = write(tmp_path, "機器台帳.csv", DEVICES)
    first = imported(capsys, "devices", path)
    assert changes(first) == (3, 0, 0)
    assert [n.split(" ")[0] for n in first["created_refs"]["units"]] == ["危機管理課"]
    pc = Device.objects.get(name="PC-0001")
    assert (pc.unit, pc.user_name, pc.serial, str(pc.purchased_on)) == (
        world.section_a,
        "岡山 太郎",
        "JP1234567",
        "2018-04-01",
    )
    events = AuditEvent.objects.count()
    second = imported(capsys, "devices", path)
    assert changes(second) == (0, 0, 3)
    assert second["created_refs"] == {}
    assert AuditEvent.objects.count() == events
    # A changed cell changes that device only.
    third = imported(
        capsys,
        "devices",
        write(tmp_path, "機器台帳2.csv", DEVICES.replace("岡山 太郎", "岡山 次郎")),
    )
    assert changes(third) == (0, 1, 2)


RULES = """パターン,発行元,タイトル,エディション,バージョン,無償
^業務用自作ツール ver\\.(\\d+),,業務用自作ツール,,\\1,はい
^庁内ポータル クライアント,,庁内ポータル,,,はい
"""


def test_normalisation_rules_imported_twice_change_nothing(world, capsys, tmp_path):
    path = write(tmp_path, "rules.csv", RULES)
    assert changes(imported(capsys, "normalisation-rules", path)) == (2, 0, 0)
    events = AuditEvent.objects.count()
    assert changes(imported(capsys, "normalisation-rules", path)) == (0, 0, 2)
    assert NormalisationRule.objects.count() == 2
    assert AuditEvent.objects.count() == events


# A ライセンス台帳 without 証書番号, as most are kept.
LICENCES = """ソフトウェア名,エディション,バージョン,ライセンス形態,数量,単位,開始日,有効期限,管理部署,単価（円）
Microsoft Office,Professional Plus,2016,ボリューム,120,端末,2016/4/1,,情報政策課,"45,000"
一太郎,,2022,パッケージ,30,端末,,,くらし安全安心課,"12,000"
一太郎,,2022,パッケージ,10,端末,,,情報政策課,"12,000"
Microsoft Visio Professional 2016,,,パッケージ,5,端末,,,情報政策課,"60,000"
Microsoft Visio Professional 2016,,,パッケージ,2,端末,,,くらし安全安心課,"60,000"
ウイルスバスター コーポレートエディション,,,サブスクリプション,500,端末,令和6年4月1日,令和7年3月31日,,"2,800"
"""


def test_a_licence_ledger_without_certificates_imported_twice_changes_nothing(
    world, capsys, tmp_path
):
    path = write(tmp_path, "ライセンス台帳.csv", LICENCES)
    first = imported(capsys, "licences", path)
    assert changes(first) == (6, 0, 0)
    visio = Licence.objects.filter(title__name="Microsoft Visio").order_by("quantity")
    assert [(li.version, li.quantity, li.unit) for li in visio] == [
        ("2016", 2, world.section_b),
        ("2016", 5, world.section_a),
    ]
    titles, events = SoftwareTitle.objects.count(), AuditEvent.objects.count()
    second = imported(capsys, "licences", path)
    assert changes(second) == (0, 0, 6)
    assert (Licence.objects.count(), SoftwareTitle.objects.count()) == (6, titles)
    assert AuditEvent.objects.count() == events
    # A new quantity is the same licence, updated.
    third = imported(
        capsys,
        "licences",
        write(tmp_path, "ライセンス台帳2.csv", LICENCES.replace(",30,", ",35,")),
    )
    assert changes(third) == (0, 1, 5)
    assert Licence.objects.get(title__name="一太郎", unit=world.section_b).quantity == 35


def test_certificate_numbers_added_later_attach_to_the_same_licences(world, capsys, tmp_path):
    imported(capsys, "licences", write(tmp_path, "l.csv", LICENCES))
    lines = LICENCES.splitlines()
    with_numbers = "\n".join(
        [lines[0] + ",証書番号"] + [f"{line},CERT-{i}" for i, line in enumerate(lines[1:])]
    )
    path = write(tmp_path, "l2.csv", with_numbers + "\n")
    assert changes(imported(capsys, "licences", path)) == (0, 6, 0)
    assert Licence.objects.count() == 6
    assert sorted(Licence.objects.values_list("certificate", flat=True)) == [
        f"CERT-{i}" for i in range(6)
    ]
    assert changes(imported(capsys, "licences", path)) == (0, 0, 6)
    # Read back without the numbers, the rows still find their licences.
    assert changes(imported(capsys, "licences", write(tmp_path, "l.csv", LICENCES))) == (0, 0, 6)


def test_the_same_licence_twice_in_one_file_is_refused_on_the_second_row(world, capsys, tmp_path):
    text = LICENCES.splitlines()[0] + "\n" + LICENCES.splitlines()[2] + "\n"
    text += text.splitlines()[1].replace(",30,", ",31,") + "\n"
    code, out, _ = _run(
        capsys,
        "import",
        "licences",
        write(tmp_path, "d.csv", text),
        "--json",
        "--org",
        "330001",
    )
    assert code == 1
    [problem] = json.loads(out)["problems"]
    assert problem["row"] == 3 and "2" in problem["message"]


INVENTORY = """PC名,ソフトウェア名,バージョン,発行元,インストール日
PC-0001,Microsoft Office Professional Plus 2016,16.0.4266.1001,Microsoft Corporation,2017/04/03
PC-0001,Lhaplus,1.74,Schezo,
PC-0002,Google Chrome,120.0.6099.130,Google LLC,2023/12/20
"""


def test_an_inventory_imported_twice_changes_nothing(world, capsys, tmp_path):
    path = write(tmp_path, "inventory.csv", INVENTORY)
    assert changes(imported(capsys, "installations", path)) == (3, 0, 0)
    ids = sorted(Installation.objects.values_list("pk", flat=True))
    second = imported(capsys, "installations", path)
    assert changes(second) == (0, 0, 3)
    assert sorted(Installation.objects.values_list("pk", flat=True)) == ids
    # One device's inventory changed: that device's snapshot is replaced, the other kept.
    changed = INVENTORY.replace("Lhaplus,1.74", "Lhaplus,1.76")
    third = imported(capsys, "installations", write(tmp_path, "inventory2.csv", changed))
    assert changes(third) == (2, 0, 1)
    assert Installation.objects.get(raw_name="Lhaplus").raw_version == "1.76"
    assert Installation.objects.get(raw_name="Google Chrome").pk in ids


# A PC the ledger lacks, with more programs than one chunk of the load holds.
NEW_PC = """PC名,ソフトウェア名,バージョン,発行元,インストール日
PC-0101,Microsoft Office Standard 2019,16.0.10827.20150,Microsoft Corporation,2024/04/01
PC-0101,Adobe Acrobat Reader DC,24.001.20604,Adobe,2024/04/01
PC-0101,一太郎2023,33.0.0.1,JUSTSYSTEMS CORPORATION,2024/04/01
"""


def test_a_new_pc_loaded_over_two_chunks_is_unchanged_the_second_time(
    world, capsys, tmp_path, monkeypatch
):
    from daicho.sam import installations

    # The PC is created with its first chunk (one PC's rows are cut only past BIG_CHUNK).
    monkeypatch.setattr(installations, "CHUNK", 2)
    monkeypatch.setattr(installations, "BIG_CHUNK", 2)
    path = write(tmp_path, "inventory.csv", NEW_PC)
    first = imported(capsys, "installations", path)
    assert changes(first) == (3, 0, 0)
    assert first["created_refs"]["devices"] == ["PC-0101"]
    ids = sorted(Installation.objects.values_list("pk", flat=True))
    assert changes(imported(capsys, "installations", path)) == (0, 0, 3)
    assert sorted(Installation.objects.values_list("pk", flat=True)) == ids


def test_a_reimport_writes_no_installation_row(world, capsys, tmp_path, monkeypatch):
    from daicho.core import bulk

    path = write(tmp_path, "inventory.csv", INVENTORY)
    imported(capsys, "installations", path)
    written = []
    put = bulk.Inserts.put

    def counting(inserts, rows):
        if inserts.model is Installation:
            written.extend(rows)
        return put(inserts, rows)

    monkeypatch.setattr(bulk.Inserts, "put", counting)
    assert changes(imported(capsys, "installations", path)) == (0, 0, 3)
    assert written == []  # each PC's snapshot was found unchanged before its rows were written
    changed = INVENTORY.replace("Lhaplus,1.74", "Lhaplus,1.76")
    imported(capsys, "installations", write(tmp_path, "inventory2.csv", changed))
    assert sorted(r[2] for r in written) == ["Lhaplus", "Microsoft Office Professional Plus 2016"]


def test_a_pc_named_again_further_down_keeps_all_its_programs(world, capsys, tmp_path, as_user):
    from daicho.core.importing import services as import_services
    from daicho.core.models import ImportBatch

    def programs() -> list[str]:
        found = Installation.objects.filter(device__name="PC-0001")
        return sorted(found.values_list("raw_name", flat=True))

    imported(capsys, "installations", write(tmp_path, "april.csv", INVENTORY))
    # PC-0001's first rows are its whole April inventory; one more program comes further down.
    may = INVENTORY + "PC-0001,7-Zip 23.01 (x64),23.01,Igor Pavlov,2024/05/01\n"
    path = write(tmp_path, "may.csv", may)
    result = imported(capsys, "installations", path)
    assert changes(result) == (3, 0, 1)
    assert programs() == ["7-Zip 23.01 (x64)", "Lhaplus", "Microsoft Office Professional Plus 2016"]
    # Rolled back, May's import puts April's two programs back.
    with as_user(world.policy):
        import_services.batch_rollback(batch=ImportBatch.objects.get(batch_id=result["batch"]))
    assert programs() == ["Lhaplus", "Microsoft Office Professional Plus 2016"]
    imported(capsys, "installations", path)
    assert changes(imported(capsys, "installations", path)) == (0, 0, 4)
