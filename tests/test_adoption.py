"""Day one of a city that adopts Daicho: `daicho init` with no demo, then the files it already has
(tests/data/adoption, written by make_corpus.py as Excel and the inventory tools write them), in
the order the first-run page gives. Every figure checked here was read off those files by hand:

* 8 systems, 4 of them on a cloud (ガバメントクラウド 1, クラウド 3): cloud ratio 50.0 %.
* 運用等経費, budget: FY2008 12,000 + 6,000 + 9,500 + 4,500 = 32,000千円; FY2024 7,200 + 3,600
  + 8,000 + 2,400 = 21,200千円 (the 15,000千円 整備経費 does not count): a 33.8 % reduction.
* Microsoft Office Standard 2019 is installed on all 8 PCs (SKYSEA 4, LanScope 3, PowerShell 1)
  against 6 licences held 全庁 (organisation-wide): 2 short. 一太郎2023 is on PC-0101 (税務課),
  PC-0103 (情報政策課) and PC-0106 (市民課); its 2 licences are held by 総務局, which covers its
  sections' PCs, so PC-0106 is the 1 short. Acrobat Reader and Chrome are free.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daicho.core.models import OrgUnit
from daicho.registry.models import CostItem, CostLine, InformationSystem, Vendor
from daicho.sam.models import Device, Installation, Licence
from tests.core.test_import import run

CORPUS = Path(__file__).resolve().parent / "data" / "adoption"

# (kind, file, extra options) in the first-run order
STEPS = [
    ("units", "01_組織一覧.csv", []),
    ("systems", "02_情報システム台帳.xlsx", []),
    ("costs", "03_経費調書.csv", []),
    ("devices", "04_機器台帳.csv", []),
    ("installations", "05_SKYSEA_ソフトウェア一覧.csv", []),
    ("installations", "06_LanScope_インストールソフト.xlsx", []),
    ("installations", "07_PC-0108_programs.csv", ["--device", "PC-0108"]),
    ("licences", "08_ライセンス台帳.xlsx", []),
]


def load(capsys, kind: str, name: str, extra: list[str]) -> dict:
    code, out, err = run(capsys, "import", kind, str(CORPUS / name), "--json", *extra)
    result = json.loads(out)
    assert code == 0, (name, result["error"], result["groups"], err)
    return result


@pytest.mark.django_db
def test_a_city_loads_the_files_it_has_and_reads_its_figures(capsys):
    code, _out, err = run(
        capsys, "init", "--org-name", "倉敷市", "--org-code", "332020", "--admin", "admin"
    )
    assert code == 0, err
    results = {name: load(capsys, kind, name, extra) for kind, name, extra in STEPS}

    units = results["01_組織一覧.csv"]
    assert units["created"] == 11 and units["skipped"][0]["rows"] == [1, 2]
    assert OrgUnit.objects.get(code="011010").parent.code == "011000"  # leading zeros kept

    ledger = results["02_情報システム台帳.xlsx"]
    assert ledger["created"] == 8
    assert [s["reason"] for s in ledger["skipped"]] == ["title", "total"]
    assert sorted(ledger["created_refs"]["vendors"]) == sorted(
        [
            "株式会社北斗システム",
            "山陽情報サービス株式会社",
            "株式会社電子文書",
            "学校ITサービス合同会社",
        ]
    )
    assert "units" not in ledger["created_refs"]  # every unit came from the unit list
    assert Vendor.objects.count() == 4
    care = InformationSystem.objects.get(name="介護保険システム")
    assert (care.owner_unit.code, care.hosting, str(care.in_service_on)) == (
        "031010",
        "virtualized",
        "2015-04-01",
    )
    groupware = InformationSystem.objects.get(name="グループウェア")
    assert (groupware.owner_unit.code, str(groupware.in_service_on)) == ("011010", "2019-04-01")
    assert groupware.vendor is None and groupware.description == "SaaS"
    # the merged 部局 cell: 国民健康保険システム sits in 市民局 like the row above it
    assert InformationSystem.objects.get(name="国民健康保険システム").owner_unit.code == "021020"

    costs = results["03_経費調書.csv"]
    assert costs["created"] == 11
    assert sorted(costs["created_refs"]["cost-items"]) == sorted(
        ["運用保守委託料", "機器賃借料", "クラウド利用料", "更改設計委託料"]
    )
    assert [s["reason"] for s in costs["skipped"]] == ["title", "total"]
    assert costs["skipped"][1]["rows"] == [8, 16]  # the 小計 and the 合計
    assert CostItem.objects.filter(name="運用保守委託料").count() == 1
    assert CostLine.objects.filter(basis="actual").count() == 2

    devices = results["04_機器台帳.csv"]
    assert devices["created"] == 8 and devices["unknown_columns"] == ["資産管理番号", "備考"]
    assert Device.objects.get(name="PC-0103").unit.code == "011010"  # a path of names
    assert Device.objects.get(name="PC-0108").unit.code == "021020"  # a unit code
    assert Device.objects.get(name="PC-0101").user_name == "岡山 太郎"

    skysea = results["05_SKYSEA_ソフトウェア一覧.csv"]
    assert skysea["created_refs"]["devices"] == ["PC-0199"]  # the PC the ledger lacked
    assert Device.objects.get(name="PC-0199").unit.code == "011010"
    lanscope = results["06_LanScope_インストールソフト.xlsx"]
    assert lanscope["skipped"][0]["reason"] == "title"
    powershell = results["07_PC-0108_programs.csv"]
    assert powershell["skipped"][0]["rows"] == [1]  # the #TYPE line
    assert Installation.objects.count() == 15 + 8 + 3
    assert not Device.objects.filter(name__icontains="programs").exists()  # nothing invented

    assert Licence.objects.count() == 2

    code, out, err = run(capsys, "sam", "position", "--json")
    assert code == 0, err
    position = {
        (e["title"], e["version"]): (e["consumed"], e["entitled"], e["shortfall"])
        for e in json.loads(out)
        if not e["free"]
    }
    assert position == {
        ("Microsoft Office Standard", "2019"): (8, 6, 2),
        ("一太郎", "2023"): (3, 2, 1),
    }

    code, out, err = run(capsys, "kpi", "--fy", "2024", "--json")
    assert code == 0, err
    kpi = {row["code"]: row for row in json.loads(out)}
    assert kpi["cloud_ratio"]["actual"] == 50.0 and kpi["cloud_ratio"]["detail"] == "4 / 8"
    assert kpi["cost_reduction_vs_base"]["actual"] == 33.8

    # Every file a second time: nothing changes, nothing is created.
    for kind, name, extra in STEPS:
        again = load(capsys, kind, name, extra)
        assert (again["created"], again["updated"], again["created_refs"]) == (0, 0, {}), name
    assert Installation.objects.count() == 26 and Licence.objects.count() == 2
