"""A year of consultations kept in Excel comes in through `daicho import consultations`."""

from __future__ import annotations

import json

import pytest

from daicho.core.audit import Channel
from daicho.governance.models import Consultation
from tests.core.test_import import run, write

pytestmark = pytest.mark.django_db

CONSULTATIONS = """日付,所属,システムID,分野,方法,件名,対応結果,経費削減額（千円）
平成26年5月12日,くらし安全安心課,S0002,契約・見積,打合せ,保守費見積の精査,作業項目の重複を指摘,"1,200"
H26.6.3,D01-S01,,予算要求,電話,予算要求資料の確認,助言した,
"""


def test_a_cp932_file_of_consultations_imports_and_counts(world, capsys, tmp_path):
    path = write(tmp_path, "支援記録.csv", CONSULTATIONS)
    code, out, err = run(capsys, "import", "consultations", path, "--org", "330001", "--json")
    assert code == 0, err
    assert json.loads(out)["created"] == 2
    saving = Consultation.objects.get(subject="保守費見積の精査")
    assert (saving.unit, saving.system, saving.topic, saving.cost_saving) == (
        world.section_b,
        world.system_b,
        "contract",
        1_200_000,
    )
    assert Consultation.objects.get(subject="予算要求資料の確認").channel == "phone"


def test_an_export_imports_back_unchanged(world, capsys, tmp_path):
    path = write(tmp_path, "支援記録.csv", CONSULTATIONS)
    run(capsys, "import", "consultations", path, "--org", "330001")
    exported = tmp_path / "export.csv"
    code, _out, err = run(capsys, "export", "consultations", "-o", str(exported))
    assert code == 0, err
    code, out, err = run(
        capsys, "import", "consultations", str(exported), "--org", "330001", "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert [summary[k] for k in ("created", "updated", "unchanged", "rejected")] == [0, 0, 2, 0]


def test_a_bad_row_is_reported_and_nothing_is_written(world, capsys, tmp_path):
    text = CONSULTATIONS + "平成26年6月4日,存在しない課,S9999,契約・見積,電話,見積,,\n"
    path = write(tmp_path, "支援記録.csv", text)
    code, out, err = run(
        capsys,
        "import",
        "consultations",
        path,
        "--org",
        "330001",
        "--json",
        "--no-create",
        "units",
    )
    assert code != 0
    problems = json.loads(out)["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {(4, "unit"), (4, "system")}
    assert Consultation.objects.count() == 0
    # without --no-create the unit is created and listed, and only the system is refused
    code, out, err = run(
        capsys, "import", "consultations", path, "--org", "330001", "--json", "--dry-run"
    )
    report = json.loads(out)
    assert {(p["row"], p["column"]) for p in report["problems"]} == {(4, "system")}
    assert report["created_refs"] == {"units": ["存在しない課 (D03)"]}


def test_only_it_policy_imports_consultations(world, tmp_path):
    from daicho.core.importing import engine

    path = write(tmp_path, "支援記録.csv", CONSULTATIONS)
    result = engine.run(
        kind="consultations",
        source=path,
        organisation=world.org,
        user=world.owner_a,
        channel=Channel.WEB,
    )
    assert result.batch.rejected == 2
    assert "情報政策課" in result.problems[0].message
    assert Consultation.objects.count() == 0
