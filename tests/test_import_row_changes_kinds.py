"""Every kind's import preview says, row by row, what it will change (before → after) and add.

For each kind (but the inventory snapshots of `installations`), a file saved the way Excel saves
a section's list — a title row above the table, a header broken by Alt+Enter, a 合計 row under
it, a row naming something the ledger lacks — is previewed on the ledger its office file filled
(tests/test_import_office_files.py): the preview lists the changed row with its Japanese label
and choice names and the new row, and writes nothing; confirming it writes exactly that.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pytest

from daicho.core.importing import engine, services
from daicho.core.models import AuditEvent
from daicho.core.permissions import TRUSTED
from tests.factories import UserFactory, member
from tests.test_import_office_files import FILES, _import, _load_before, fresh  # noqa: F401

pytestmark = pytest.mark.django_db

#: The kinds that have no office file there (their own tests hold theirs): loaded after units.
MORE_FILES: dict[str, tuple[str, str]] = {
    "cost-items": (
        "cp932",
        """費目コード,費目名,節,表示順
H01,運用保守委託料,委託料,125
H02,機器賃借料,使用料及び賃借料,130
""",
    ),
    "devices": (
        "cp932",
        """機器名,種別,所属,利用者,OS,状態
PC-SHIMIN-0001,ノートPC,市民課,吉備 太郎,Windows 11 Pro,使用中
PC-SOMU-0001,デスクトップPC,総務課,備前 花子,Windows 10 Pro,使用中
""",
    ),
    "normalisation-rules": (
        "cp932",
        """パターン,発行元,タイトル,無償,優先順位
Ichitaro*,JustSystems*,一太郎,なし,100
Lhaplus*,,Lhaplus,あり,100
""",
    ),
    "licences": (
        "cp932",
        """ソフトウェア名,単位,数量,種別,開始日,管理部門,証書番号
一太郎,端末,20,ボリューム,令和5年4月1日,市民課,V0001
Office Standard 2021,端末,120,ボリューム,令和5年9月1日,総務課,V0002
""",
    ),
}


@dataclass
class Edit:
    """What the Excel file does to the office file: one cell changed, one row added."""

    line: int  # the data line of the office file changed (1: the first)
    column: str  # its header
    value: str  # the new cell
    fields: list[tuple[str, str, str]]  # what the preview says: label, before, after
    new: str  # the row added (CSV)
    created: str  # the preview's name of the record it adds
    refs: dict[str, list[str]] = field(default_factory=dict)  # what the row names, created


EDITS: dict[str, Edit] = {
    "units": Edit(
        3,
        "組織名",
        "総務・契約課",
        [("名称", "総務課", "総務・契約課")],
        "103000,契約課,100000",
        "契約課",
    ),
    "cost-items": Edit(
        1,
        "表示順",
        "126",
        [("表示順", "125", "126")],
        "H03,通信運搬費,役務費,140",
        "通信運搬費",
    ),
    "vendors": Edit(
        2,
        "電話番号",
        "086-111-2222",
        [("電話番号", "086-111-1111", "086-111-2222")],
        "備中ソフト株式会社,,,,",
        "備中ソフト株式会社",
    ),
    "systems": Edit(
        2,
        "稼働環境",
        "仮想化基盤",
        [("稼働環境", "クラウド", "仮想化基盤")],
        "国保システム,市民局,国保年金課,運用中,令和2年4月1日,オンプレミス,3,あり,,",
        "国保システム",
        {"units": ["市民局/国保年金課 (200000-01)"]},
    ),
    "contracts": Edit(
        1,
        "年額（千円）",
        "1,300",
        [("年額（円）", "1,200,000", "1,300,000")],
        "財務会計システム保守,備中ソフト株式会社,総務課,運用保守,R2.4.1,R3.3.31,500,対象外",
        "財務会計システム保守",
        {"vendors": ["備中ソフト株式会社"]},
    ),
    "costs": Edit(
        1,
        "金額（千円）",
        "1,250",
        [("金額（円）", "1,200,000", "1,250,000")],
        "財務会計システム,R2,予算,運用等経費,使用料,300,",
        "使用料",
        {"cost-items": ["使用料"]},
    ),
    "backups": Edit(
        1,
        "保存世代数",
        "14",
        [("保存世代数", "7", "14")],
        "文書管理システム,差分,,日次,5,同一建物内,あり,",
        "文書管理システム",
    ),
    "restore_tests": Edit(
        2,
        "結果",
        "成功",
        [("結果", "一部成功", "成功")],
        "財務会計システム,令和6年12月1日,成功,60,財務データ,",
        "2024-12-01",
    ),
    "bcp": Edit(
        1,
        "復旧優先度",
        "B",
        [("復旧優先度", "A（最優先で復旧）", "B")],
        "財務会計システム,,C,72,24,令和2年3月31日,総務課 内線2000,",
        "財務会計システム",
    ),
    "drills": Edit(
        1,
        "参加人数",
        "30",
        [("参加人数", "25", "30")],
        "令和7年1月17日,令和6年度ICT-BCP訓練,机上訓練,28,ランサムウェア感染",
        "令和6年度ICT-BCP訓練",
    ),
    "drill_findings": Edit(
        1,
        "担当者",
        "備前",
        [("担当者", "岡山", "備前")],
        "令和6年1月19日,令和5年度ICT-BCP訓練,手順書が古い,手順書を改訂する,危機管理課,,令和6年12月27日",
        "手順書が古い",
        {"units": ["危機管理課 (D01)"]},
    ),
    "outages": Edit(
        1,
        "原因",
        "ディスク装置の障害",
        [("原因", "ディスク障害", "ディスク装置の障害")],
        "文書管理システム,令和6年9月1日 8:00,令和6年9月1日 8:30,なし,停電",
        "停電",
    ),
    "servers": Edit(
        2,
        "メモリ（GB）",
        "32",
        [("メモリ（GB）", "16", "32")],
        "BUNSHO-AP01,物理サーバ,,Windows Server 2022,分庁舎サーバ室,8,32",
        "BUNSHO-AP01",
        {"sites": ["分庁舎サーバ室"]},
    ),
    "cloud-services": Edit(
        1,
        "サービス形態",
        "IaaS",
        [("サービス形態", "SaaS", "IaaS")],
        '文書管理クラウド,山陽データセンター株式会社,SaaS,なし,令和3年4月1日,"1,200,000"',
        "文書管理クラウド",
    ),
    "vdi": Edit(
        2,
        "利用数",
        "195",
        [("利用数", "192", "195")],
        "本庁VDI,令和7年4月1日,170,200",
        "本庁VDI",
    ),
    "components": Edit(
        1,
        "用途",
        "DBサーバ",
        [("役割", "データベース", "DBサーバ")],
        "文書管理システム,PostgreSQL 15,,データベース",
        "PostgreSQL 15",
    ),
    "incidents": Edit(
        2,
        "重大度",
        "中",
        [("重大度", "軽微", "中")],
        "令和6年8月5日,不審メールの開封,標的型メール,中,危機管理課,なし,,調査中,",
        "不審メールの開封",
        {"units": ["危機管理課 (D01)"]},
    ),
    "training_attendance": Edit(
        2,
        "出席",
        "○",
        [("出席", "なし", "あり")],
        "個人情報保護研修,令和6年7月1日,その他,012347,岡山 次郎,市民課,○",
        "岡山 次郎",
        {"sessions": ["T2024-02 個人情報保護研修"]},
    ),
    "consultations": Edit(
        2,
        "方法",
        "メール",
        [("経路", "電話", "メール")],
        "令和6年6月3日,市民課,運用保守,資料確認,住民記録システムの障害対応,,",
        "住民記録システムの障害対応",
    ),
    "standardisation": Edit(
        1,
        "利用形態",
        "単独利用",
        [("利用形態", "共同利用", "単独利用")],
        "国民年金,計画,2024-04-01,,ガバメントクラウド,,,,",
        "国民年金",
    ),
    "devices": Edit(
        2,
        "OS",
        "Windows 11 Pro",
        [("OS", "Windows 10 Pro", "Windows 11 Pro")],
        "PC-KIKI-0001,ノートPC,危機管理課,,Windows 11 Pro,使用中",
        "PC-KIKI-0001",
        {"units": ["危機管理課 (D01)"]},
    ),
    "normalisation-rules": Edit(
        2,
        "無償",
        "なし",
        [("無償ソフトウェア", "あり", "なし")],
        "Hanako*,JustSystems*,花子,なし,100",
        "Hanako*",
    ),
    "licences": Edit(
        1,
        "数量",
        "25",
        [("数量", "20", "25")],
        "花子,端末,10,ボリューム,令和6年4月1日,市民課,V0003",
        "花子",
        {"titles": ["花子"]},
    ),
}

#: The kinds whose preview is tested elsewhere (installations: per-device inventory snapshots).
ELSEWHERE = {"installations"}


def test_every_kind_but_the_snapshots_is_previewed_row_by_row_here():
    assert sorted(EDITS) == sorted(set(engine.kinds()) - ELSEWHERE)


def _office_file(kind: str) -> tuple[str, str]:
    return MORE_FILES[kind] if kind in MORE_FILES else FILES[kind]


def _load_ledger(tmp_path, kind: str) -> None:
    """The ledger as the office files before ``kind`` and ``kind``'s own leave it."""
    with pytest.MonkeyPatch.context() as patch:
        if kind in MORE_FILES:
            _load_before(tmp_path, "vendors")  # units
            for more in list(MORE_FILES)[: list(MORE_FILES).index(kind)]:
                patch.setitem(FILES, more, MORE_FILES[more])
                assert _import(tmp_path, more)["status"] == "applied", more
            patch.setitem(FILES, kind, MORE_FILES[kind])
        else:
            _load_before(tmp_path, kind)
        summary = _import(tmp_path, kind)
    assert summary["status"] == "applied", summary["problems"]


def excel_file(tmp_path, kind: str) -> tuple[str, Edit]:
    """The office file as a section keeps it in Excel (saved as CSV): a title row, the first
    header broken in two by Alt+Enter, one cell changed, a row added and a 合計 row."""
    encoding, text = _office_file(kind)
    edit = EDITS[kind]
    header, *rows = list(csv.reader(io.StringIO(text.strip())))
    rows[edit.line - 1][header.index(edit.column)] = edit.value
    rows.append(next(csv.reader([edit.new])))
    header[0] = f"{header[0][:2]}\n{header[0][2:]}"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["令和6年度 台帳（倉敷市）"] + [""] * (len(header) - 1))
    writer.writerows([header, *rows])
    writer.writerow(["合計"] + [""] * (len(header) - 1))
    path = tmp_path / f"{kind}-excel.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    return str(path), edit


@pytest.fixture
def policy(fresh):  # noqa: F811
    return member(UserFactory(), "it_policy", organisation=fresh)


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_an_excel_file_previews_each_rows_change_and_confirming_writes_them(
    fresh,  # noqa: F811
    policy,
    tmp_path,
    kind,
):
    _load_ledger(tmp_path, kind)
    path, edit = excel_file(tmp_path, kind)
    rows = _office_file(kind)[1].strip().count("\n")
    records = engine.kinds()[kind].export_queryset(TRUSTED).count()
    events = AuditEvent.objects.count()

    preview = services.import_preview(
        organisation=fresh, user=policy, kind=kind, path=path, name="台帳.csv"
    ).batch
    assert preview.status == "dry_run", preview.problems
    changes = engine.row_changes(preview)
    assert [
        (entry["row"], [(f["label"], f["before"], f["after"]) for f in entry["fields"]])
        for entry in changes["updated"]
    ] == [(edit.line + 2, edit.fields)]  # row 1 the title, row 2 the header
    assert [(entry["row"], edit.created in entry["label"]) for entry in changes["created"]] == [
        (rows + 3, True)
    ]
    assert (preview.created, preview.updated, preview.unchanged) == (1, 1, rows - 1)
    assert preview.created_refs == edit.refs
    assert {note["reason"] for note in preview.notes} == {"title", "total"}
    assert engine.kinds()[kind].export_queryset(TRUSTED).count() == records
    assert AuditEvent.objects.count() == events

    applied = services.import_confirm(preview=preview, user=policy).batch
    assert applied.status == "applied", applied.problems
    assert applied.changes == preview.changes
    assert (applied.created, applied.updated, applied.created_refs) == (1, 1, edit.refs)
    again = engine.run(kind=kind, source=path, organisation=fresh, dry_run=True).batch
    assert (again.created, again.updated, again.changes) == (
        0,
        0,
        {"created": [], "updated": []},
    )


def test_the_preview_page_shows_an_incidents_changed_severity_and_the_new_one(
    client,
    settings,
    fresh,  # noqa: F811
    policy,
    tmp_path,
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    _load_ledger(tmp_path, "incidents")
    path, _edit = excel_file(tmp_path, "incidents")
    client.force_login(policy)
    with open(path, "rb") as fh:
        upload = SimpleUploadedFile("事故一覧.csv", fh.read(), "text/csv")
    response = client.post(
        reverse("import_upload"), {"kind": "incidents", "file": upload, "create_refs": "on"}
    )
    html = client.get(response.url).content.decode()
    table = html[html.index('id="row-changes"') :]
    assert '<strong>重大度</strong>: <del class="text-muted">軽微</del> → <ins>中</ins>' in table
    assert "不審メールの開封" in table and "新規" in table
    assert "1 行は変更なし" in table
    assert "low" not in table and "medium" not in table  # choice names, never codes


def test_the_cli_dry_run_lists_a_cloud_services_changed_model(
    capsys,
    fresh,  # noqa: F811
    tmp_path,
):
    from tests.core.test_import import run

    _load_ledger(tmp_path, "cloud-services")
    path, _edit = excel_file(tmp_path, "cloud-services")
    code, out, err = run(capsys, "import", "cloud-services", path, "--dry-run", "--org", "332020")
    assert code == 0, err
    assert "3行目 財務会計クラウド: サービス形態: SaaS → IaaS" in out
    assert "4行目 文書管理クラウド: 新規" in out
