"""The continuity demo's files (daicho/continuity/data/demo/) against the registry's demo data and
the story the demo tells, before anything is loaded: which systems miss the backup standard and
why, one restore test a year for the important systems, ICT-BCPs, drills and the file server's
outages that name what exists."""

from __future__ import annotations

import datetime

from daicho.continuity.demo import DATA
from daicho.core.demo import data_rows
from daicho.core.wareki import fiscal_year_of
from daicho.registry.demo_data import OPERATING, SECTION_INDEX, SYSTEM_BY_CODE

BACKUPS = {row["システムID"]: row for row in data_rows(DATA / "backups.csv")}
TESTS = data_rows(DATA / "restore_tests.csv")
BCPS = {row["システムID"]: row for row in data_rows(DATA / "bcp.csv")}
DRILLS = data_rows(DATA / "drills.csv")
FINDINGS = data_rows(DATA / "drill_findings.csv")
OUTAGES = data_rows(DATA / "outages.csv")


def _important(code: str) -> bool:
    system = SYSTEM_BY_CODE[code]
    return "2" in (system["availability"], system["integrity"])


def _tested(code: str) -> list[str]:
    return sorted(row["実施日"] for row in TESTS if row["システムID"] == code)


def _fiscal_year(day: str) -> int:
    return fiscal_year_of(datetime.date.fromisoformat(day))


def test_every_row_names_a_system_of_the_registry_by_its_id_and_name():
    for rows in (BACKUPS.values(), TESTS, BCPS.values(), OUTAGES):
        for row in rows:
            assert SYSTEM_BY_CODE[row["システムID"]]["name"] == row["システム名"], row


def test_every_operating_system_but_one_records_its_backup():
    operating = {code for code, s in SYSTEM_BY_CODE.items() if s["status"] == OPERATING}
    # 庶務事務システム (S0020) has recorded no backup: the compliance list shows it.
    assert set(BACKUPS) == operating - {"S0020"}
    # The demo fills in yesterday as each backup's last success when it loads them.
    assert {row["最終成功日"] for row in BACKUPS.values()} == {""}


def test_the_systems_that_miss_the_standard_and_why():
    assert BACKUPS["S0026"]["保存世代数"] == "5"  # 防災情報システム: 7 asked
    assert BACKUPS["S0016"]["保管場所"] == "同一建物内"  # its copy stays in the same building
    assert SYSTEM_BY_CODE["S0013"]["confidentiality"] == "3"
    assert BACKUPS["S0013"]["暗号化"] == "なし"  # 機密性3, not encrypted
    assert BACKUPS["S0029"]["取得頻度"] == "月次"  # backs up monthly
    assert _tested("S0024") == []  # 地方税電子申告システム: no restore test yet
    assert _important("S0024")
    assert max(_fiscal_year(day) for day in _tested("S0021")) == 2015  # stopped after FY2015
    # Off-site in the same region: fine under 第1版, short under 第2版 (another region).
    for code in ("S0068", "S0193"):
        assert SYSTEM_BY_CODE[code]["availability"] == "2"
        assert BACKUPS[code]["保管場所"] == "遠隔地"


def test_the_important_systems_test_a_restore_once_a_year_for_years_to_come():
    """The file runs to FY2035 (the demo loads the tests up to today): a demo loaded in a later
    year still shows this year's tests. Extend the file before FY2035 ends."""
    this_year = fiscal_year_of(datetime.date.today())
    tested = {row["システムID"] for row in TESTS}
    assert tested == {c for c in BACKUPS if _important(c)} - {"S0024"}
    for code in tested - {"S0021"}:
        years = [_fiscal_year(day) for day in _tested(code)]
        assert years == list(range(2014, 2036)), code
    assert this_year < 2035
    # 防災情報システム's restore takes longer than its ICT-BCP's RTO: readiness flags it.
    assert {row["復旧所要時間（分）"] for row in TESTS if row["システムID"] == "S0026"} == {"150"}
    assert int(BCPS["S0026"]["RTO（時間）"]) * 60 < 150


def test_the_ict_bcps_depend_on_systems_of_the_registry():
    assert len(BCPS) == 24
    for code, row in BCPS.items():
        assert SYSTEM_BY_CODE[code]["status"] == OPERATING, code
        for dependency in row["依存システムID"].split():
            assert dependency in SYSTEM_BY_CODE and dependency != code, code
    # 企業局ネットワーク (S0181) has no ICT-BCP yet, though S0175's depends on it.
    assert "S0181" not in BCPS and "S0181" in BCPS["S0175"]["依存システムID"].split()


def test_one_drill_a_year_and_its_findings_name_units_that_exist():
    assert [_fiscal_year(d["実施日"]) for d in DRILLS] == [2014, 2015, 2016]
    drills = {(d["実施日"], d["訓練名"]) for d in DRILLS}
    for drill in DRILLS:
        assert all(code in SYSTEM_BY_CODE for code in drill["対象システムID"].split())
        assert all(code in SECTION_INDEX for code in drill["参加所属"].split())
    for finding in FINDINGS:
        assert (finding["訓練実施日"], finding["訓練名"]) in drills
        assert finding["担当所属"] in SECTION_INDEX
        assert bool(finding["完了日"]) == (finding["状況"] == "完了(A)"), finding["課題"]


def test_the_outages_are_the_shared_file_servers():
    assert {row["システム名"] for row in OUTAGES} == {"共有ファイルサーバ"}
    for row in OUTAGES:
        assert row["停止開始"] < row["停止終了"], row["原因"]
