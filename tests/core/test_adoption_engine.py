"""The import engine on a fresh ledger with files as people have them: the table found in the
sheet, headers as written, one reference policy, problems grouped by cause, standard input."""

from __future__ import annotations

import io
import json
import sys

import openpyxl
import pytest
from django.urls import reverse

from daicho.core.models import ImportBatch, OrgUnit, User
from daicho.registry.models import InformationSystem
from tests.core.test_import import run


def fresh(capsys) -> None:
    """An organisation as `daicho init` makes it: no demo, no units, no systems."""
    code, _out, err = run(
        capsys, "init", "--org-name", "倉敷市", "--org-code", "332020", "--admin", "admin"
    )
    assert code == 0, err


def write(tmp_path, name: str, text: str, encoding: str = "cp932") -> str:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return str(path)


LEDGER = """情報システム一覧（令和6年4月1日現在）
作成: 総務部情報政策課,,,,
,,,,
システム名,所管 部局,"所管
課",状態,備考
住民記録システム,市民生活部,市民課,運用中,
税務システム,総務部,税務課,運用中,
文書管理システム,総務部,情報政策課,運用中,
合計,,,,3
"""


@pytest.mark.django_db
def test_title_rows_and_a_total_row_are_skipped_and_said(capsys, tmp_path):
    fresh(capsys)
    path = write(tmp_path, "システム台帳.csv", LEDGER)
    code, out, err = run(capsys, "import", "systems", path, "--json")
    result = json.loads(out)
    assert [s["reason"] for s in result["skipped"]] == ["title", "total"]
    assert result["skipped"][0]["rows"] == [1, 2]
    assert "1–2行目は表題として読み飛ばしました" in result["skipped"][0]["message"]
    assert result["skipped"][1]["rows"] == [8]
    assert "合計" in result["skipped"][1]["message"]
    assert sorted(InformationSystem.objects.values_list("name", flat=True)) == [
        "住民記録システム",
        "文書管理システム",
        "税務システム",
    ]
    assert not InformationSystem.objects.filter(name="合計").exists()
    # the headers written with a space and an Alt+Enter line break were read
    assert result["columns"]["所管 部局"] == "department"
    assert result["columns"]["所管\r\n課"] == "section"  # Excel writes CRLF inside the cell
    # units were created with their paths and listed under their own kind
    assert result["created_refs"]["units"] == [
        "市民生活部 (D01)",
        "市民生活部/市民課 (D01-01)",
        "総務部 (D02)",
        "総務部/税務課 (D02-01)",
        "総務部/情報政策課 (D02-02)",
    ]
    # init made no placeholder: there is one 情報政策課, the ledger's
    assert OrgUnit.objects.filter(name="情報政策課").count() == 1


@pytest.mark.django_db
def test_the_same_ledger_twice_changes_nothing(capsys, tmp_path):
    fresh(capsys)
    path = write(tmp_path, "システム台帳.csv", LEDGER)
    run(capsys, "import", "systems", path)
    code, out, _err = run(capsys, "import", "systems", path, "--json")
    result = json.loads(out)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)
    assert result["created_refs"] == {}


def test_an_xlsx_with_a_merged_title_a_merged_department_and_a_total_row(world, tmp_path):
    from daicho.core.importing import engine

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["情報システム一覧（令和6年4月1日現在）"])
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["システム名", "所管部局", "所管課", "稼働環境"])
    sheet.append(["庁内LAN", "総務部", "情報政策課", "オンプレミス"])
    sheet.append(["グループウェア", None, "情報政策課", "オンプレミス"])
    sheet.merge_cells("B4:B5")  # one 総務部 cell for both rows, as people lay it out
    sheet.append(["小 計", None, None, None])
    path = tmp_path / "台帳.xlsx"
    book.save(path)
    result = engine.run(kind="systems", source=str(path), organisation=world.org)
    assert result.ok, result.as_dict()
    assert InformationSystem.objects.get(name="グループウェア").owner_unit == world.section_a
    assert [n["reason"] for n in result.notes] == ["title", "total"]
    assert result.notes[0]["rows"] == [1]  # the blank row 2 is above the header: not data
    assert result.batch.notes == result.notes


@pytest.mark.django_db
def test_no_header_found_says_which_rows_were_read_and_what_is_needed(capsys, tmp_path):
    fresh(capsys)
    text = "情報システム一覧\n業務,担当,メモ\n住民記録,市民課,\n"
    code, _out, err = run(capsys, "import", "systems", write(tmp_path, "x.csv", text))
    assert code == 1 and "Traceback" not in err
    assert "見出しの行が見つかりません" in err and "1〜3行目" in err
    assert "業務、担当、メモ" in err  # the headers it saw
    assert "システム名 [name]" in err and "所管部局 [department]" in err  # what it needs
    # named with --map (full-width ＝ and 、 as typed on a Japanese keyboard) it imports
    code, _out, err = run(
        capsys,
        "import",
        "systems",
        write(tmp_path, "x.csv", text),
        "--map",
        "業務＝システム名、担当＝department",
    )
    assert code == 0, err
    assert InformationSystem.objects.get().owner_unit.name == "市民課"


@pytest.mark.django_db
def test_a_map_naming_no_header_or_no_column_is_refused(capsys, tmp_path):
    fresh(capsys)
    path = write(tmp_path, "x.csv", "システム名,所管部局\n住民記録,市民課\n")
    code, _out, err = run(capsys, "import", "systems", path, "--map", "業務名=name")
    assert code == 1 and "「業務名」はファイルの見出しにありません" in err
    code, _out, err = run(capsys, "import", "systems", path, "--map", "システム名=なまえ")
    assert code == 1 and "なまえ" in err and "列ではありません" in err
    assert not InformationSystem.objects.exists()


def test_a_mapped_header_wins_its_column_over_a_matching_one(world, capsys, tmp_path):
    text = "業務名,システム名,所管部局\n住民記録,旧名称,総務部\n"
    path = write(tmp_path, "x.csv", text)
    code, out, err = run(
        capsys, "import", "systems", path, "--map", "業務名=name", "--org", "330001", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["unknown_columns"] == ["システム名"]
    assert InformationSystem.objects.filter(name="住民記録").exists()


def test_ten_thousand_rows_with_one_cause_are_one_line(world, capsys, tmp_path):
    rows = "".join(f"システム{n},税務課X,\n" for n in range(10_000))
    path = write(tmp_path, "多い.csv", "システム名,所管部局,所管課\n" + rows)
    code, out, err = run(
        capsys, "import", "systems", path, "--org", "330001", "--no-create", "units"
    )
    assert code == 1
    lines = [line for line in err.splitlines() if "税務課X" in line]
    assert len(lines) == 1, err[:2000]
    assert "所管部局 [department]" in lines[0]
    assert "10,000行（2〜10001行目）" in lines[0]
    assert "--no-create units" in lines[0]
    code, out, _err = run(
        capsys,
        "import",
        "systems",
        path,
        "--org",
        "330001",
        "--no-create",
        "units",
        "--json",
    )
    (group,) = json.loads(out)["groups"]
    assert group["count"] == 10_000 and group["rows"][:2] == [2, 3] and group["rows"][-1] == 10001
    assert group["header"] == "所管部局 [department]"
    assert (
        not InformationSystem.objects.filter(name__startswith="システム")
        .exclude(pk__in=[world.system_a.pk, world.system_b.pk])
        .exists()
    )


def test_no_create_takes_known_kinds_only(world, capsys, tmp_path):
    path = write(tmp_path, "x.csv", "システム名,所管部局\n住民記録,総務部\n")
    code, _out, err = run(
        capsys, "import", "systems", path, "--org", "330001", "--no-create", "units,widgets"
    )
    assert code == 1 and "widgets" in err and "Traceback" not in err


def test_units_are_found_by_code_path_or_unique_name_never_twice(world, capsys, tmp_path):
    text = (
        "システム名,所管部局,所管課\n"
        "甲,総務部,情報政策課\n"  # department and section names
        "乙,D01,情報政策課\n"  # the department's code
        "丙,総務部/情報政策課,\n"  # a path in the department column
        "丁,情報政策課,\n"  # a name unique at any level
    )
    code, out, err = run(
        capsys, "import", "systems", write(tmp_path, "x.csv", text), "--org", "330001", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["created_refs"] == {}
    owners = dict(
        InformationSystem.objects.filter(name__in="甲乙丙丁").values_list("name", "owner_unit")
    )
    assert set(owners.values()) == {world.section_a.pk}


def test_a_name_several_units_carry_is_refused_with_their_paths(world, capsys, tmp_path):
    OrgUnit.objects.create(
        organisation=world.org,
        code="D02-S09",
        name="情報政策課",
        kind="section",
        parent=world.dept_b,
    )
    path = write(tmp_path, "x.csv", "システム名,所管部局\n甲,情報政策課\n")
    code, _out, err = run(capsys, "import", "systems", path, "--org", "330001")
    assert code == 1
    assert "複数あります" in err and "総務部/情報政策課" in err


@pytest.mark.django_db
def test_the_official_unit_list_adopts_units_a_ledger_created(capsys, tmp_path):
    fresh(capsys)
    run(capsys, "import", "systems", write(tmp_path, "台帳.csv", LEDGER))
    system = InformationSystem.objects.get(name="税務システム")
    before = system.owner_unit_id
    units = (
        "組織コード,組織名,上位組織\n"
        "100000,総務部,\n"
        "100200,税務課,100000\n"
        "100100,情報政策課,100000\n"
        "200000,市民生活部,\n"
        "200100,市民課,200000\n"
        "300000,保健福祉部,\n"
    )
    code, out, err = run(
        capsys, "import", "units", write(tmp_path, "組織一覧.csv", units), "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert (result["created"], result["updated"]) == (1, 5)  # only 保健福祉部 is new
    assert OrgUnit.objects.count() == 6
    system.refresh_from_db()
    assert system.owner_unit_id == before and system.owner_unit.code == "100200"
    # the ledger again: nothing moves, nothing is created
    code, out, err = run(capsys, "import", "systems", write(tmp_path, "台帳.csv", LEDGER), "--json")
    result = json.loads(out)
    assert (result["created"], result["updated"], result["created_refs"]) == (0, 0, {})
    # and the unit list again changes nothing
    code, out, err = run(
        capsys, "import", "units", write(tmp_path, "組織一覧.csv", units), "--json"
    )
    assert (json.loads(out)["created"], json.loads(out)["updated"]) == (0, 0)


@pytest.mark.django_db
def test_import_reads_standard_input(capsys, tmp_path, monkeypatch):
    fresh(capsys)
    data = "システム名,所管部局\n住民記録,市民課\n".encode("cp932")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "import", "systems", "-", "--json")
    assert code == 0, err
    assert json.loads(out)["file"] == "stdin"
    assert InformationSystem.objects.get().name == "住民記録"


def test_the_web_preview_lists_new_references_notes_and_grouped_problems(world, client, tmp_path):
    text = (
        "一覧表\nシステム名,所管部局,状態\n甲,新設局,運用中\n乙,新設局,ふめい\n丙,新設局,ふめい\n"
    )
    client.force_login(User.objects.get(username="policy"))
    with open(write(tmp_path, "x.csv", text), "rb") as fh:
        response = client.post(
            reverse("import_upload"), {"kind": "systems", "file": fh, "skip_invalid": "on"}
        )
    batch = ImportBatch.objects.get()
    page = client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert response.status_code == 302
    assert "新しい組織" in page and "新設局" in page
    assert "1行目は表題として読み飛ばしました" in page
    assert page.count("ふめい") == 1  # one line for the two rows with the same cause
    assert "2行（4〜5行目）" in page
