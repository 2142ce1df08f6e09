"""A realistic software estate for bench/sam.py: what the inventory tools of a 市 with 10,000
PCs write.

* about 2,500 distinct raw program names (≥ 2,000 at the full size): Office suites and their
  Japanese-named security updates, Visual C++ and .NET runtimes whose names carry their version,
  browsers with build numbers, JustSystems and other Japanese products (some in full-width
  characters, as Windows stores them), printer drivers by model, line-of-business clients of the
  city's systems, the usual tools; each with the version strings its vendor writes (many per
  program: builds, updates, editions);
* a few programs on nearly every PC, a long tail on few;
* 10 % of the PCs are not in the ledger yet; every PC has a unit (部署名) and a user (使用者名) in
  the tools that export them, a few of which differ from the ledger (moved PCs, new users);
* one file per tool shape (see tests/data/adoption/make_corpus.py and
  daicho/sam/data/import_headers.yaml):
      skysea.csv       SKYSEA Client View 資産管理: CP932, CRLF, コンピューター名/使用者名/部署名/
                       ソフトウェア名/バージョン/メーカー名/インストール日 (2024/04/01)
      lanscope.xlsx    LanScope Cat: a title row with the export time, then コンピュータ名/
                       ユーザー名/部署名/ソフトウェア名/バージョン/メーカー名 (no install date)
      powershell.csv   `Invoke-Command { Get-ItemProperty …\\Uninstall\\* } | Export-Csv
                       -Encoding Unicode`: UTF-16 LE with BOM, the #TYPE line, every cell quoted,
                       PSComputerName/DisplayName/DisplayVersion/Publisher/InstallDate (20240315);
                       no unit or user column
  The PCs are shared out 60 / 10 / 30 % between them (the XLSX the smallest: reading XLSX costs
  far more per row than CSV, in any program).
"""

# ruff: noqa: E501, SIM905
from __future__ import annotations

import csv
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

MS = "Microsoft Corporation"

DEPARTMENTS = {
    "総務部": ["総務課", "人事課", "情報政策課", "契約管財課", "危機管理課"],
    "財政部": ["財政課", "市民税課", "資産税課", "納税課", "会計課"],
    "市民部": ["市民課", "保険年金課", "市民活動推進課", "人権啓発課", "支所管理課"],
    "保健福祉部": ["福祉政策課", "障がい福祉課", "介護保険課", "健康づくり課", "生活福祉課"],
    "こども未来部": ["子育て支援課", "保育課", "こども家庭課", "青少年育成課", "児童相談課"],
    "環境経済部": ["環境政策課", "廃棄物対策課", "商工観光課", "農林水産課", "雇用労働課"],
    "都市建設部": ["都市計画課", "建築指導課", "道路管理課", "河川課", "住宅課"],
    "教育委員会事務局": ["教育総務課", "学校教育課", "生涯学習課", "文化財課", "スポーツ振興課"],
}
FAMILY = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤".split()  # noqa: E501
GIVEN = "翔太 美咲 大輔 陽子 健一 恵 拓也 彩 直樹 智子 誠 裕子 亮 真由美 和也 由美 浩二 幸子 哲也 明美 隆 愛 修 舞 剛 香織 学 理恵 聡 千尋".split()  # noqa: E501


@dataclass
class Program:
    """A program as inventories see it: its share of PCs and its (raw name, version, publisher)
    variants, the first the most common."""

    share: float
    variants: list[tuple[str, str, str]]


def _builds(rng: random.Random, major: str, count: int, width: int = 5) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        seen.add(f"{major}.{rng.randrange(10 ** (width - 1), 10**width)}.{rng.randrange(1, 300)}")
    return sorted(seen, reverse=True)


def catalogue(seed: int = 11) -> tuple[list[Program], list[Program]]:
    """(common programs, the long tail). Common programs are on a PC with their share; the tail
    fills each PC up to its number of rows."""
    rng = random.Random(seed)
    common: list[Program] = []
    tail: list[Program] = []

    # Office: one suite per PC, its build the version.
    office = []
    for name, builds in (
        ("Microsoft Office Standard 2016", ["16.0.4266.1001", "16.0.5422.1000"]),
        ("Microsoft Office Professional Plus 2016", ["16.0.4266.1001", "16.0.5422.1000"]),
        ("Microsoft Office Standard 2019", _builds(rng, "16.0.10", 8)),
        ("Microsoft Office Professional Plus 2019 - ja-jp", _builds(rng, "16.0.10", 8)),
        ("Microsoft Office LTSC Standard 2021 - ja-jp", _builds(rng, "16.0.14", 8)),
        ("Microsoft 365 Apps for enterprise - ja-jp", _builds(rng, "16.0.17", 20)),
        ("Microsoft Office Personal 2013", ["15.0.4569.1506", "15.0.5537.1000"]),
        ("Microsoft Office Home and Business 2016 - ja-jp", _builds(rng, "16.0.16", 4)),
    ):
        office += [(name, b, MS) for b in builds]
    common.append(Program(0.97, office))
    # Office security updates, as Programs and Features lists them in Japanese and English.
    for kb in rng.sample(range(4_011_000, 5_002_500), 800):
        year = rng.choice(("2013", "2016"))
        bits = rng.choice(("32", "64"))
        name = rng.choice(
            (
                f"Microsoft Office {year} 用セキュリティ更新プログラム (KB{kb}) {bits} ビット版",
                f"Security Update for Microsoft Office {year} (KB{kb}) {bits}-Bit Edition",
                f"Microsoft Office {year} 用更新プログラム (KB{kb}) {bits} ビット版",
            )
        )
        tail.append(Program(0, [(name, "", MS)]))
    # Runtimes whose names carry their version: several on every PC.
    for year, versions in (
        ("2005", ["8.0.61001", "8.0.56336"]),
        ("2008", ["9.0.30729.6161", "9.0.30729.4148", "9.0.21022"]),
        ("2010", ["10.0.40219", "10.0.30319"]),
        ("2012", ["11.0.61030", "11.0.50727"]),
        ("2013", ["12.0.40664", "12.0.30501", "12.0.21005"]),
        ("2015", ["14.0.24215", "14.0.23026"]),
        ("2015-2019", [f"14.{m}.{rng.randrange(27000, 30200)}" for m in range(20, 30)]),
        ("2015-2022", [f"14.{m}.{rng.randrange(30000, 34000)}" for m in range(30, 42)]),
    ):
        for arch in ("x86", "x64"):
            variants = [
                (f"Microsoft Visual C++ {year} Redistributable ({arch}) - {v}", v, MS)
                for v in versions
            ]
            if year in ("2008", "2005"):
                variants += [
                    (f"Microsoft Visual C++ {year} {arch} Redistributable - {v}", v, MS)
                    for v in versions
                ]
            common.append(Program(0.85 if year.startswith("2015") else 0.45, variants))
    for product in (
        "Microsoft .NET Runtime",
        "Microsoft Windows Desktop Runtime",
        "Microsoft ASP.NET Core",
    ):
        for major in ("6.0", "7.0", "8.0"):
            variants = []
            for patch in range(0, 30, 2):
                v = f"{major}.{patch}"
                name = (
                    f"{product} {v} - Shared Framework (x64)"
                    if "ASP" in product
                    else f"{product} - {v} (x64)"
                )
                variants.append((name, f"{v}.{rng.randrange(30000, 34000)}", MS))
            (common if major == "8.0" else tail).append(Program(0.4, variants))
    common.append(
        Program(
            0.9,
            [
                ("Microsoft .NET Framework 4.8 Targeting Pack", "4.8.03761", MS),
                ("Microsoft .NET Framework 4.8 SDK", "4.8.03928", MS),
                ("Microsoft .NET Framework 4.7.2 Targeting Pack (日本語)", "4.7.03062", MS),
            ],
        )
    )
    # Browsers and Microsoft's own clients: every PC, a build each.
    common.append(
        Program(0.99, [("Google Chrome", b, "Google LLC") for b in _builds(rng, "1", 60)])
    )
    common.append(Program(0.99, [("Microsoft Edge", b, MS) for b in _builds(rng, "12", 40)]))
    common.append(
        Program(
            0.95, [("Microsoft Edge WebView2 ランタイム", b, MS) for b in _builds(rng, "12", 30)]
        )
    )
    firefox = []
    for major in range(102, 128):
        firefox.append((f"Mozilla Firefox ({major}.0.1 x64 ja)", f"{major}.0.1", "Mozilla"))
        if major % 13 in (11, 12):
            firefox.append(
                (f"Mozilla Firefox ESR ({major}.{rng.randrange(1, 12)}.0esr x64 ja)", "", "Mozilla")
            )
    common.append(Program(0.25, firefox))
    common.append(Program(0.9, [("Microsoft Teams", b, MS) for b in _builds(rng, "1.6", 12)]))
    common.append(Program(0.9, [("Microsoft OneDrive", b, MS) for b in _builds(rng, "24", 15)]))
    common.append(Program(0.9, [("Microsoft Update Health Tools", "5.72.0.0", MS)]))
    # Java: the name carries the update.
    java = [
        (f"Java 8 Update {u} (64-bit)", f"8.0.{u}0.{rng.randrange(1, 12)}", "Oracle Corporation")
        for u in (151, 161, 171, 181, 191, 202, 211, 221, 231, 241, 251, 261, 271, 281, 291)
    ] + [
        (f"Java 8 Update {u}", f"8.0.{u}0.{rng.randrange(1, 12)}", "Oracle Corporation")
        for u in (301, 311, 321, 331, 341, 351, 361, 371, 381, 391, 401, 411)
    ]
    common.append(Program(0.35, java))
    tail += [
        Program(
            0,
            [
                (
                    f"Java(TM) SE Development Kit 11.0.{n} (64-bit)",
                    f"11.0.{n}.0",
                    "Oracle Corporation",
                )
            ],
        )
        for n in range(1, 23)
    ]
    # Adobe.
    common.append(
        Program(
            0.9,
            [
                ("Adobe Acrobat Reader DC - Japanese", v, "Adobe Systems Incorporated")
                for v in ("21.011.20039", "22.003.20322", "22.003.20282", "23.001.20093")
            ]
            + [
                ("Adobe Acrobat (64-bit)", v, "Adobe")
                for v in ("23.008.20470", "23.006.20360", "24.001.20604", "24.002.20759")
            ]
            + [("Adobe Acrobat Reader - 日本語", "24.002.20933", "Adobe")],
        )
    )
    common.append(
        Program(
            0.08,
            [
                ("Adobe Acrobat DC", "21.001.20145", "Adobe Systems"),
                ("Adobe Acrobat 2020", "20.005.30574", "Adobe"),
                ("Adobe Acrobat XI Pro", "11.0.23", "Adobe Systems"),
                ("Adobe Acrobat 2017 Standard", "17.011.30207", "Adobe Systems"),
            ],
        )
    )
    tail.append(Program(0, [("Adobe Flash Player 32 ActiveX", "32.0.0.465", "Adobe")]))
    tail.append(Program(0, [("Adobe Photoshop 2024", "25.5.1", "Adobe Inc.")]))
    tail.append(Program(0, [("Adobe Illustrator 2023", "27.9.2", "Adobe Inc.")]))
    # JustSystems and the Japanese office tools.
    just = "JUSTSYSTEMS CORPORATION"
    common.append(
        Program(
            0.55,
            [
                (f"一太郎{y}", f"{n}.0.0.{rng.randrange(1, 9)}", just)
                for y, n in ((2023, 33), (2022, 32), (2021, 31), (2019, 29), (2016, 26))
            ]
            + [("一太郎2017 体験版", "27.0.0.1", just), ("一太郎Pro5", "32.0.0.2", just)],
        )
    )
    common.append(
        Program(
            0.5,
            [(f"ATOK {y} for Windows", f"{n}.0.0.0", just) for y, n in ((2017, 30), (2016, 29))]
            + [
                ("ATOK for Windows (一太郎2023)", "33.0.0.0", just),
                ("ATOK Passport", "34.1", just),
            ],
        )
    )
    common.append(Program(0.2, [(f"花子{y}", f"{y - 1990}.0", just) for y in (2016, 2019, 2023)]))
    common.append(Program(0.4, [("一太郎ビューア", "33.0.0.1", just)]))
    common.append(
        Program(
            0.7,
            [(f"DocuWorks {n}", f"{n}.{m}.{p}", "FUJIFILM Business Innovation Corp.")
             for n in (8, 9) for m in (0, 1) for p in (1, 3, 5)]
            + [("DocuWorks Viewer Light 9", "9.1.3", "FUJIFILM Business Innovation Corp.")],
        )
    )  # fmt: skip
    common.append(Program(0.8, [("Lhaplus", v, "Schezo") for v in ("1.74", "1.73", "1.80")]))
    common.append(Program(0.6, [("CubePDF", v, "CubeSoft") for v in ("3.1.2", "2.1.0", "3.4.0")]))
    common.append(Program(0.3, [("CubePDF Utility", "1.6.7", "CubeSoft")]))
    common.append(Program(0.3, [("秀丸エディタ", v, "斉藤秀夫") for v in ("9.22", "9.19", "8.91")]))
    common.append(Program(0.2, [("サクラエディタ", "2.4.2.6048", "サクラエディタ開発チーム")]))
    common.append(
        Program(
            0.6,
            [
                (
                    "ウイルスバスター コーポレートエディション クライアント",
                    "12.0.1",
                    "Trend Micro Inc.",
                ),
                ("Trend Micro Apex One Security Agent", "14.0.12526", "Trend Micro Inc."),
            ],
        )
    )
    common.append(Program(0.3, [("ESET Endpoint Security", "10.1.2058.0", "ESET, spol. s r.o.")]))
    common.append(Program(0.95, [("SKYSEA Client View", "19.300.05h", "Sky株式会社")]))
    # Full-width names, as some Japanese installers register them.
    common.append(
        Program(
            0.3,
            [("Ｗｉｎｄｏｗｓ用ＪＰＫＩ利用者ソフト", "3.3.0.0", "地方公共団体情報システム機構")],
        )
    )
    common.append(Program(0.1, [("ｅ－Ｔａｘソフト", "2.5.1", "国税庁")]))
    common.append(Program(0.1, [("PCdesk(DL版)", "23.1.0", "地方税共同機構")]))
    common.append(
        Program(
            0.05,
            [
                (f"弥生会計 {y} プロフェッショナル", f"{y + 2000}.0.0", "弥生株式会社")
                for y in (22, 23, 24)
            ],
        )
    )  # noqa: E501
    common.append(
        Program(
            0.05, [(f"筆まめVer.{n}", f"{n}.0.1", "ソースネクスト株式会社") for n in (31, 32, 33)]
        )
    )  # noqa: E501
    # Drivers: one per printer model and adapter.
    for maker, pattern, models in (
        ("Canon", "Canon iR-ADV C{m} ドライバー", range(3520, 5560, 20)),
        ("RICOH", "RICOH IM C{m} PCL 6", range(2000, 6510, 50)),
        ("FUJIFILM", "FUJIFILM Apeos C{m} PS", range(2060, 7580, 60)),
        ("SEIKO EPSON", "EPSON LP-S{m} プリンタードライバ", range(180, 8200, 90)),
        ("KONICA MINOLTA", "KONICA MINOLTA bizhub C{m} PCL", range(250, 760, 10)),
        ("Brother", "Brother MFC-L{m} プリンタードライバ", range(2700, 9700, 100)),
    ):
        for m in models:
            tail.append(
                Program(
                    0,
                    [(pattern.format(m=m), f"{rng.randrange(1, 9)}.{rng.randrange(0, 99)}", maker)],
                )
            )  # noqa: E501
    for name, publisher, major in (
        ("Intel(R) Graphics Driver", "Intel Corporation", "31.0.101"),
        ("Realtek High Definition Audio Driver", "Realtek Semiconductor Corp.", "6.0.9"),
        ("Intel(R) Management Engine Components", "Intel Corporation", "2240.3"),
        ("Intel(R) Wireless Bluetooth(R)", "Intel Corporation", "22.250"),
    ):
        common.append(Program(0.6, [(name, b, publisher) for b in _builds(rng, major, 10, 4)]))
    common.append(
        Program(
            0.1,
            [
                (f"NVIDIA グラフィックス ドライバー {v}", v, "NVIDIA Corporation")
                for v in ("537.58", "546.33", "551.61", "552.22", "531.18", "528.89")
            ],
        )
    )
    # The city's own systems: clients, form tools, links.
    systems = (
        "住民記録 税務 国保 介護保険 財務会計 文書管理 人事給与 庶務事務 選挙 道路台帳 上下水道料金 "
        "図書館 学校給食 公営住宅 固定資産 軽自動車税 児童手当 生活保護 障害福祉 健康管理 "
        "後期高齢 統合宛名 戸籍 滞納整理 契約管理 公有財産 議会会議録 電子決裁 GIS 施設予約"
    ).split()
    vendors = (
        "株式会社北斗システム",
        "山陽情報サービス株式会社",
        "富士通Japan株式会社",
        "日本電気株式会社",
        "株式会社日立システムズ",
        "TKC",
        "株式会社RKKCS",
    )
    for index, system in enumerate(systems):
        vendor = vendors[index % len(vendors)]
        for suffix in (
            "システム クライアント",
            "システム 帳票ツール",
            "システム 連携モジュール",
            "ビューア",
            "端末ソフト",
        ):
            name = f"{system}{suffix}"
            versions = [
                f"{rng.randrange(1, 9)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}"
                for _ in range(3)
            ]  # noqa: E501
            tail.append(Program(0, [(name, v, vendor) for v in versions]))
            tail.append(Program(0, [(f"{name} Ver{versions[0]}", versions[0], vendor)]))
    # The usual tools, many with the version in the name.
    for pattern, publisher, versions in (
        ("7-Zip {v} (x64)", "Igor Pavlov", ("19.00", "22.01", "23.01", "24.07", "24.08")),
        ("Notepad++ ({v} 64-bit x64)", "Notepad++ Team", ("8.5.8", "8.6.2", "8.6.9", "8.7")),
        ("VLC media player", "VideoLAN", ("3.0.18", "3.0.20", "3.0.21")),
        ("Zoom Workplace ({v})", "Zoom Video Communications, Inc.", ("6.0.2", "6.1.0", "6.2.5")),
        ("Cisco Webex Meetings", "Cisco Webex LLC", ("44.6.0", "44.8.1", "44.10.2")),
        ("WinSCP {v}", "Martin Prikryl", ("5.21.8", "6.1.2", "6.3.4")),
        ("PuTTY release {v} (64-bit)", "Simon Tatham", ("0.78", "0.79", "0.80", "0.81")),
        ("Python {v} (64-bit)", "Python Software Foundation", ("3.10.11", "3.11.8", "3.12.4")),
        ("Git", "The Git Development Community", ("2.43.0", "2.44.0", "2.45.2")),
        ("TortoiseSVN {v} (64 bit)", "TortoiseSVN", ("1.14.5.29465", "1.14.6.29673")),
        ("Wireshark {v} x64", "The Wireshark developer community", ("4.0.10", "4.2.5")),
        ("LINE WORKS", "LINE WORKS Corp.", ("3.7.1", "3.8.0")),
        ("TeraPad", "寺尾進", ("1.09",)),
        ("IrfanView {v} (64-bit)", "Irfan Skiljan", ("4.62", "4.66", "4.67")),
        ("GIMP {v}", "The GIMP Team", ("2.10.34", "2.10.36", "2.10.38")),
        ("LibreOffice {v}", "The Document Foundation", ("7.5.9.2", "7.6.7.2", "24.2.4.2")),
        ("Microsoft Visio Standard 2016", MS, ("16.0.4266.1001",)),
        ("Microsoft Project Professional 2019 - ja-jp", MS, ("16.0.10827.20150",)),
        ("Microsoft Access database engine 2016 (Japanese)", MS, ("16.0.5044.1000",)),
        ("Microsoft SQL Server 2019 Express LocalDB", MS, ("15.0.4153.1",)),
        ("Microsoft SQL Server Management Studio - {v}", MS, ("18.12.1", "19.3", "20.1")),
        ("Visual Studio Code", MS, ("1.85.1", "1.89.0", "1.92.2")),
        ("FileZilla {v}", "Tim Kosse", ("3.66.4", "3.67.0")),
        ("AnyDesk", "philandro Software GmbH", ("8.0.9",)),
        ("WinMerge {v} x64", "Thingamahoochie Software", ("2.16.36", "2.16.40")),
    ):
        for v in versions:
            tail.append(Program(0, [(pattern.format(v=v), v, publisher)]))
    # Hotfixes and components no one reads: many distinct names (the long tail of a real list).
    for n in range(60):
        tail.append(
            Program(
                0, [(f"Update for Windows 10 for x64-based Systems (KB50{n:05d})", f"2.{n}", MS)]
            )
        )
        tail.append(Program(0, [(f"Microsoft Office 言語パック ({n} 日本語)", "", MS)]))
    for n in range(40):
        tail.append(
            Program(
                0,
                [
                    (
                        f"Windows ドライバー パッケージ - Intel (iaStorAC) HDC ({n})",
                        f"17.{n}",
                        "Intel",
                    )
                ],
            )
        )  # noqa: E501
        tail.append(
            Program(0, [(f"HP LaserJet Pro M{400 + n * 3} ドライバー", f"{n}.0", "HP Inc.")])
        )  # noqa: E501
    return common, tail


def distinct_names(common: list[Program], tail: list[Program]) -> int:
    return len({name for p in (*common, *tail) for name, _v, _p in p.variants})


@dataclass
class Estate:
    """The ledger's units and devices, and each PC's inventory."""

    units: list[tuple[str, str]]  # (department, section)
    ledger: list[tuple[str, int, str]]  # (PC name, unit index, user): the PCs the ledger has
    devices: list[tuple[str, int, str]]  # (PC name, unit index, user) as the tools see them
    counts: list[int]  # rows per PC


def estate(n_rows: int, n_devices: int, seed: int = 5) -> Estate:
    rng = random.Random(seed)
    units = [(dept, section) for dept, sections in DEPARTMENTS.items() for section in sections]
    ledger, devices = [], []
    for i in range(n_devices):
        unit = i % len(units)
        user = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        name = f"PC-{i:05d}"
        seen_unit, seen_user = unit, user
        if i % 10 == 9:  # 10 %: new to the ledger
            devices.append((name, unit, user))
            continue
        if rng.random() < 0.01:  # moved to another unit since the ledger was written
            seen_unit = (unit + 7) % len(units)
        if rng.random() < 0.03:  # someone else uses it now
            seen_user = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        ledger.append((name, unit, user))
        devices.append((name, seen_unit, seen_user))
    per = n_rows // n_devices
    counts = [per] * n_devices
    for i in range(0, n_devices - 1, 2):
        delta = rng.randrange(-per // 2, per // 2 + 1)
        counts[i] += delta
        counts[i + 1] -= delta
    for i in range(n_rows - per * n_devices):
        counts[i] += 1
    return Estate(units, ledger, devices, counts)


def inventories(the_estate: Estate, seed: int = 9):
    """(device index, [(raw name, version, publisher, installed on as a date tuple)]) per PC."""
    common, tail = catalogue()
    rng = random.Random(seed)
    for index, count in enumerate(the_estate.counts):
        rows = []
        for program in common:
            if len(rows) < count and rng.random() < program.share:
                variants = program.variants
                # The first variants are the common ones (a PC more often has the current build).
                pick = variants[min(int(rng.expovariate(0.6)), len(variants) - 1)]
                rows.append(pick)
        if len(rows) < count:
            for program in rng.sample(tail, count - len(rows)):
                rows.append(rng.choice(program.variants))
        yield (
            index,
            [
                (*row, (rng.randrange(2015, 2025), rng.randrange(1, 13), rng.randrange(1, 29)))
                for row in rows
            ],
        )


SKYSEA_HEADER = [
    "コンピューター名",
    "使用者名",
    "部署名",
    "ソフトウェア名",
    "バージョン",
    "メーカー名",
    "インストール日",
]
LANSCOPE_HEADER = [
    "コンピュータ名",
    "ユーザー名",
    "部署名",
    "ソフトウェア名",
    "バージョン",
    "メーカー名",
]
POWERSHELL_HEADER = ["PSComputerName", "DisplayName", "DisplayVersion", "Publisher", "InstallDate"]


def tool_of(index: int) -> str:
    """The tool that inventories PC ``index``: 60 % SKYSEA, 10 % LanScope, 30 % PowerShell."""
    share = index % 10
    return "skysea" if share < 6 else "lanscope" if share == 6 else "powershell"


def write_files(the_estate: Estate, folder: Path) -> dict[str, Path]:
    """One file per tool shape; the XLSX also as UTF-8 CSV (lanscope.csv) for the raw floor.
    Returns {tool: path} and the number of distinct raw program names written."""
    import openpyxl

    paths = {
        "skysea": folder / "skysea.csv",
        "lanscope": folder / "lanscope.xlsx",
        "powershell": folder / "powershell.csv",
    }
    skysea_fh = open(paths["skysea"], "w", encoding="cp932", newline="")  # noqa: SIM115
    powershell_fh = open(paths["powershell"], "w", encoding="utf-16", newline="")  # noqa: SIM115
    twin_fh = open(folder / "lanscope.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
    skysea = csv.writer(skysea_fh, lineterminator="\r\n")
    skysea.writerow(SKYSEA_HEADER)
    powershell_fh.write("#TYPE Deserialized.System.Management.Automation.PSCustomObject\r\n")
    powershell = csv.writer(powershell_fh, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    powershell.writerow(POWERSHELL_HEADER)
    twin = csv.writer(twin_fh, lineterminator="\n")
    twin.writerow(LANSCOPE_HEADER)
    # Not openpyxl's write-only mode: it writes the sheet's <dimension> after the rows, so that
    # a reader scans the whole sheet twice. Excel writes it first, as the normal mode does, and
    # keeps texts in a shared-string table (see shared_strings below).
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "インストールソフトウェア"
    sheet.append(["インストールソフトウェア一覧", None, "出力日時: 2025/04/01 10:00"])
    sheet.append(LANSCOPE_HEADER)
    units = the_estate.units
    names: set[str] = set()
    for index, rows in inventories(the_estate):
        names.update(row[0] for row in rows)
        name, unit, user = the_estate.devices[index]
        section = units[unit][1]
        tool = tool_of(index)
        for software, version, publisher, (y, m, d) in rows:
            if tool == "skysea":
                skysea.writerow(
                    (name, user, section, software, version, publisher, f"{y}/{m:02d}/{d:02d}")
                )  # noqa: E501
            elif tool == "lanscope":
                cells = (name, user, section, software, version, publisher)
                sheet.append(cells)
                twin.writerow(cells)
            else:
                powershell.writerow((name, software, version, publisher, f"{y}{m:02d}{d:02d}"))
    book.save(paths["lanscope"])
    shared_strings(paths["lanscope"])
    for fh in (skysea_fh, powershell_fh, twin_fh):
        fh.close()
    return paths, len(names)


_INLINE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
)


def shared_strings(path: Path) -> None:
    """Rewrite an openpyxl workbook's inline texts as Excel stores them: each distinct text once
    in xl/sharedStrings.xml, cells pointing at it (t="s")."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    table: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = table.setdefault(match.group(2), len(table))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), index)

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = _INLINE.sub(shared, parts[sheet])
    items = b"".join(b"<si><t>%s</t></si>" % text for text in table)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
        % (len(table), len(table), items)
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def floor_rows(folder: Path, tool: str, devices: dict[str, int]):
    """The rows of one tool's file as the csv module reads them (the XLSX's from its CSV twin):
    (device id, raw name, publisher, raw version, installed on as ISO text or None)."""
    dates: dict[str, str | None] = {"": None}

    def day(text: str) -> str | None:
        found = dates.get(text, "")
        if found == "":
            digits = text.replace("/", "")
            found = dates[text] = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
        return found

    if tool == "skysea":
        with open(folder / "skysea.csv", encoding="cp932", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for pc, _user, _unit, software, version, publisher, installed in reader:
                yield devices.get(pc, 0), software, publisher, version, day(installed)
    elif tool == "lanscope":
        with open(folder / "lanscope.csv", encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for pc, _user, _unit, software, version, publisher in reader:
                yield devices.get(pc, 0), software, publisher, version, None
    else:
        with open(folder / "powershell.csv", encoding="utf-16", newline="") as fh:
            next(fh)
            reader = csv.reader(fh)
            next(reader)
            for pc, software, version, publisher, installed in reader:
                yield devices.get(pc, 0), software, publisher, version, day(installed)


def write_changed(folder: Path) -> dict[str, Path]:
    """The CSV files a month later: every version moved on, so every PC's snapshot in them is
    replaced (and the one it replaces kept for a rollback)."""
    out = {}
    for tool, encoding, version_at, skip in (
        ("skysea", "cp932", 4, 0),
        ("powershell", "utf-16", 2, 1),
    ):
        source_path = folder / f"{tool}.csv"
        target_path = folder / f"{tool}-changed.csv"
        with (
            open(source_path, encoding=encoding, newline="") as source,
            open(target_path, "w", encoding=encoding, newline="") as target,
        ):
            for _ in range(skip):
                target.write(next(source))
            reader = csv.reader(source)
            quoting = csv.QUOTE_ALL if tool == "powershell" else csv.QUOTE_MINIMAL
            writer = csv.writer(target, lineterminator="\r\n", quoting=quoting)
            writer.writerow(next(reader))
            for row in reader:
                row[version_at] = f"{row[version_at]}.1"
                writer.writerow(row)
        out[tool] = target_path
    return out


def _sizes(paths: dict[str, Path]) -> str:
    return ", ".join(f"{p.name} {p.stat().st_size / 2**20:.0f} MB" for p in paths.values())


if __name__ == "__main__":  # a look at the catalogue
    c, t = catalogue()
    print(f"{distinct_names(c, t):,} distinct raw names, {len(c)} common programs, {len(t)} tail")
