"""Write the adoption corpus: the files a city already has on the day it installs Daicho.

Run `python tests/data/adoption/make_corpus.py` to write them again beside this script. Each
file is shaped the way Excel, the prefecture's ledger templates and the inventory tools really
write them — title rows, a date line, merged cells, 合計 rows, Alt+Enter line breaks inside
headers, the tools' own headers and encodings — and none is shaped to suit Daicho:

    01_組織一覧.csv                 CP932, CRLF; a title and a note above the header, 区分 in words
    02_情報システム台帳.xlsx        a merged title, a date line, "No." and 備考 columns, merged
                                   部局 cells, 運用形態/稼働年月/保守業者 headers, 合計 row
    03_経費調書.csv                 CP932; the city's own 費目, 当初予算/決算, 千円 with commas,
                                   systems by name only, 小計 and 合計 rows
    04_機器台帳.csv                 "CSV UTF-8" (with BOM); PC名/部署名/使用者, Excel date-times
    05_SKYSEA_ソフトウェア一覧.csv  CP932; SKYSEA Client View's headers; a PC the ledger lacks
    06_LanScope_インストールソフト.xlsx  a title row with the export time; LanScope Cat's headers
    07_PC-0108_programs.csv         PowerShell `Get-ItemProperty …\\Uninstall\\* | Export-Csv
                                   -Encoding Unicode`: UTF-16 LE with BOM and the #TYPE line
    08_ライセンス台帳.xlsx          a title row; 6本, 無期限, no 証書番号; 管理部門 全庁 (the whole
                                   organisation) and 総務局 (its sections' PCs only)

The figures a person reads off these files are written down in tests/test_adoption.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def units() -> None:
    rows = [
        ["組織一覧（令和6年4月1日現在）", "", "", ""],
        ["※所属コードは人事給与システムの所属コード", "", "", ""],
        ["所属コード", "所属名", "上位所属コード", "区分"],
        ["011000", "総務局", "", "部局"],
        ["011010", "情報政策課", "011000", "課"],
        ["011020", "税務課", "011000", "課"],
        ["011030", "人事課", "011000", "課"],
        ["021000", "市民局", "", "部局"],
        ["021010", "市民課", "021000", "課"],
        ["021020", "保険年金課", "021000", "課"],
        ["031000", "保健福祉局", "", "部局"],
        ["031010", "介護保険課", "031000", "課"],
        ["091000", "教育委員会", "", "部局"],
        ["091010", "学校教育課", "091000", "課"],
    ]
    (HERE / "01_組織一覧.csv").write_bytes(_csv(rows).encode("cp932"))


SYSTEMS = [
    # No., name, 部局, 課, 運用形態, 稼働年月, 保守業者, 状態, 個人情報, 備考
    (1, "住民記録システム", "市民局", "市民課", "ガバメントクラウド", "平成26年4月",
     "株式会社北斗システム", "稼働中", "あり", "令和6年1月 標準準拠システムへ移行"),
    (2, "国民健康保険システム", "市民局", "保険年金課", "クラウド", "H30.4",
     "株式会社北斗システム", "稼働中", "あり", ""),
    (3, "税務システム", "総務局", "税務課", "オンプレミス", "2012/10",
     "山陽情報サービス株式会社", "稼働中", "あり", "令和7年度 更改予定"),
    (4, "人事給与システム", "総務局", "人事課", "仮想化基盤", "2016年4月",
     "山陽情報サービス株式会社", "稼働中", "あり", ""),
    (5, "文書管理システム", "総務局", "情報政策課", "クラウド", "R2.4",
     "株式会社電子文書", "稼働中", "なし", ""),
    (6, "グループウェア", "総務局", "情報政策課", "クラウド", "2019/04/01 0:00",
     "", "稼働中", "なし", "SaaS"),
    (7, "介護保険システム", "保健福祉局", "介護保険課", "仮想化基盤", "平成27年4月",
     "株式会社北斗システム", "稼働中", "あり", ""),
    (8, "校務支援システム", "教育委員会", "学校教育課", "オンプレミス", "2015/4",
     "学校ITサービス合同会社", "稼働中", "あり", ""),
]  # fmt: skip


def ledger() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台帳"
    sheet.append(["情報システム台帳（令和6年4月1日現在）"])
    sheet.merge_cells("A1:J1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([None] * 8 + ["総務局情報政策課"])
    sheet.append([])
    sheet.append(
        [
            "No.",
            "システム名",
            "所管\n部局",
            "所管課",
            "運用形態",
            "稼働年月",
            "保守業者",
            "状態",
            "個人情報",
            "備考",
        ]
    )
    for cell in sheet[4]:
        cell.alignment = Alignment(wrap_text=True)
    first = 5
    for row in SYSTEMS:
        sheet.append(list(row))
    # People merge the 部局 cell over the systems of one 部局 (the value sits in the first).
    runs: list[tuple[int, int]] = []
    for index, row in enumerate(SYSTEMS):
        number = first + index
        if runs and SYSTEMS[index - 1][2] == row[2]:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    for start, end in runs:
        if end > start:
            for number in range(start + 1, end + 1):
                sheet.cell(number, 3).value = None
            sheet.merge_cells(start_row=start, start_column=3, end_row=end, end_column=3)
    total = first + len(SYSTEMS)
    sheet.append(["合計", f"{len(SYSTEMS)}システム"])
    sheet.merge_cells(start_row=total, start_column=2, end_row=total, end_column=4)
    book.save(HERE / "02_情報システム台帳.xlsx")


COSTS = [
    # system, FY, basis, category, 費目, 千円
    ("住民記録システム", "平成20年度", "当初予算", "運用等経費", "運用保守委託料", "12,000"),
    ("住民記録システム", "平成20年度", "当初予算", "運用等経費", "機器賃借料", "6,000"),
    ("税務システム", "平成20年度", "当初予算", "運用等経費", "運用保守委託料", "9,500"),
    ("税務システム", "平成20年度", "当初予算", "運用等経費", "機器賃借料", "4,500"),
    ("住民記録システム", "令和6年度", "当初予算", "運用等経費", "クラウド利用料", "7,200"),
    ("住民記録システム", "令和6年度", "当初予算", "運用等経費", "運用保守委託料", "3,600"),
    ("税務システム", "令和6年度", "当初予算", "運用等経費", "運用保守委託料", "8,000"),
    ("税務システム", "令和6年度", "当初予算", "運用等経費", "機器賃借料", "2,400"),
    ("税務システム", "令和6年度", "当初予算", "整備経費", "更改設計委託料", "15,000"),
    ("税務システム", "令和5年度", "決算", "運用等経費", "運用保守委託料", "7,980"),
    ("税務システム", "令和5年度", "決算", "運用等経費", "機器賃借料", "2,400"),
]  # fmt: skip


def costs() -> None:
    rows: list[list[object]] = [
        ["情報システム経費調書（平成20年度・令和5年度決算・令和6年度当初予算）"],
        ["（単位：千円）"],
        ["システム名", "年度", "予算・決算", "経費区分", "費目", "金額（千円）", "備考"],
    ]
    for index, row in enumerate(COSTS):
        rows.append([*row, ""])
        if index == 3:
            rows.append(["", "", "", "", "小計", "32,000", ""])
    rows.append(["", "", "", "", "合計", "", ""])
    (HERE / "03_経費調書.csv").write_bytes(_csv(rows).encode("cp932"))


DEVICES = [
    # PC名, 機器種別, 部署名, 使用者, OS, 購入日
    ("PC-0101", "デスクトップ", "税務課", "岡山 太郎", "Windows 11 Pro", "2022/04/01 0:00"),
    ("PC-0102", "デスクトップ", "税務課", "倉敷 花子", "Windows 11 Pro", "2022/04/01 0:00"),
    ("PC-0103", "ノート", "総務局/情報政策課", "玉島 一郎", "Windows 11 Pro", "2023/10/02 0:00"),
    ("PC-0104", "ノート", "総務局/情報政策課", "児島 次郎", "Windows 10 Pro", "2019/04/01 0:00"),
    ("PC-0105", "デスクトップ", "市民課", "水島 三郎", "Windows 11 Pro", "2022/04/01 0:00"),
    ("PC-0106", "デスクトップ", "市民課", "真備 四子", "Windows 11 Pro", "2022/04/01 0:00"),
    ("PC-0107", "デスクトップ", "保険年金課", "茶屋町 五郎", "Windows 10 Pro", "2019/04/01 0:00"),
    ("PC-0108", "ノート", "021020", "庄 六美", "Windows 11 Pro", "2024/03/15 0:00"),
]  # fmt: skip


def devices() -> None:
    rows: list[list[object]] = [
        ["資産管理番号", "PC名", "機器種別", "部署名", "使用者", "OS", "購入日", "備考"]
    ]
    for number, device in enumerate(DEVICES, start=1):
        rows.append([f"A{number:05d}", *device, ""])
    (HERE / "04_機器台帳.csv").write_bytes(_csv(rows).encode("utf-8-sig"))


OFFICE = ("Microsoft Office Standard 2019", "16.0.10827.20150", "Microsoft Corporation")
READER = ("Adobe Acrobat Reader DC", "24.001.20604", "Adobe")
ICHITARO = ("一太郎2023", "33.0.0.1", "JUSTSYSTEMS CORPORATION")
CHROME = ("Google Chrome", "123.0.6312.106", "Google LLC")


def skysea() -> None:
    """SKYSEA Client View: one row per PC and program, its user and 部署."""
    pcs = {
        "PC-0101": ("岡山 太郎", "税務課", [OFFICE, READER, ICHITARO, CHROME]),
        "PC-0102": ("倉敷 花子", "税務課", [OFFICE, READER, CHROME]),
        "PC-0103": ("玉島 一郎", "情報政策課", [OFFICE, READER, ICHITARO, CHROME]),
        "PC-0104": ("児島 次郎", "情報政策課", [OFFICE, READER]),
        "PC-0199": ("未登録 端末", "情報政策課", [READER, CHROME]),  # not in the device ledger
    }
    rows: list[list[object]] = [
        [
            "コンピューター名",
            "使用者名",
            "部署名",
            "ソフトウェア名",
            "バージョン",
            "メーカー名",
            "インストール日",
        ]
    ]
    for pc, (user, unit, programs) in pcs.items():
        for name, version, maker in programs:
            rows.append([pc, user, unit, name, version, maker, "2024/04/01"])
    (HERE / "05_SKYSEA_ソフトウェア一覧.csv").write_bytes(_csv(rows).encode("cp932"))


def lanscope() -> None:
    """LanScope Cat: a title with the export time above the table."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "インストールソフトウェア"
    sheet.append(["インストールソフトウェア一覧", None, "出力日時: 2024/04/05 10:00"])
    sheet.append(
        ["コンピュータ名", "ユーザー名", "部署名", "ソフトウェア名", "バージョン", "メーカー名"]
    )
    pcs = {
        "PC-0105": ("水島 三郎", "市民課", [OFFICE, READER, CHROME]),
        "PC-0106": ("真備 四子", "市民課", [OFFICE, READER, ICHITARO]),
        "PC-0107": ("茶屋町 五郎", "保険年金課", [OFFICE, READER]),
    }
    for pc, (user, unit, programs) in pcs.items():
        for name, version, maker in programs:
            sheet.append([pc, user, unit, name, version, maker])
    book.save(HERE / "06_LanScope_インストールソフト.xlsx")


def powershell() -> None:
    """`Get-ItemProperty HKLM:\\…\\Uninstall\\* | Select DisplayName, DisplayVersion, Publisher,
    InstallDate | Export-Csv -Encoding Unicode -NoTypeInformation:$false` on PC-0108."""
    rows: list[list[object]] = [["DisplayName", "DisplayVersion", "Publisher", "InstallDate"]]
    for name, version, maker in (OFFICE, READER, CHROME):
        rows.append([name, version, maker, "20240315"])
    out = io.StringIO()
    out.write("#TYPE Selected.System.Management.Automation.PSCustomObject\r\n")
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    (HERE / "07_PC-0108_programs.csv").write_bytes(b"\xff\xfe" + out.getvalue().encode("utf-16-le"))


def licences() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ライセンス台帳"
    sheet.append(["ソフトウェアライセンス管理台帳（令和6年度）"])
    sheet.merge_cells("A1:H1")
    sheet.append(
        [
            "ソフトウェア名",
            "エディション",
            "バージョン",
            "数量",
            "単位",
            "種別",
            "有効期限",
            "管理部門",
        ]
    )
    sheet.append(
        ["Microsoft Office", "Standard", "2019", "6本", "デバイス", "ボリュームライセンス",
         "無期限", "全庁"]
    )  # fmt: skip
    sheet.append(
        ["一太郎", "", "2023", "2本", "デバイス", "パッケージ", "無期限", "総務局"]
    )  # fmt: skip
    book.save(HERE / "08_ライセンス台帳.xlsx")


def main() -> None:
    units()
    ledger()
    costs()
    devices()
    skysea()
    lanscope()
    powershell()
    licences()


if __name__ == "__main__":
    main()
