"""The security demo's files (daicho/security/data/demo/) against the demo's sessions, the
registry's demo data and the plan's story (3.1.3, 3.5.1), before anything is loaded: incidents
that fall to zero by FY2016, training that reaches more of the staff every year."""

from __future__ import annotations

import datetime
from collections import Counter

from daicho.core.demo import data_rows
from daicho.core.wareki import fiscal_year_of
from daicho.registry.demo_data import SECTION_INDEX, SYSTEM_BY_CODE
from daicho.security.demo import DATA, TRAININGS

INCIDENTS = data_rows(DATA / "incidents.csv")
ATTENDANCE = data_rows(DATA / "training_attendance.csv")
TOPICS = {
    "security": "情報セキュリティ",
    "project": "業務分析・プロジェクトマネジメント",
    "it_skills": "基礎的なITスキル",
}


def _fiscal_year(day: str) -> int:
    return fiscal_year_of(datetime.date.fromisoformat(day))


def test_the_incidents_fall_to_zero_by_fy2016_and_name_what_exists():
    per_year = Counter(_fiscal_year(row["発生日"]) for row in INCIDENTS)
    assert per_year == {2014: 2, 2015: 1}
    for row in INCIDENTS:
        assert row["発生所属"] in SECTION_INDEX
        assert all(code in SYSTEM_BY_CODE for code in row["関係システムID"].split())
        assert row["状況"] == "終結" and row["発生日"] < row["終結日"], row["件名"]


def test_each_attendance_list_is_of_a_session_the_demo_creates():
    sessions = {code: (day.isoformat(), title, topic) for code, day, title, topic, _ in TRAININGS}
    for row in ATTENDANCE:
        day, title, topic = sessions[row["研修ID"]]
        assert (row["実施日"], row["研修名"]) == (day, title)
        assert row["分野"] == TOPICS[topic], row["研修ID"]
        assert row["所属"] in SECTION_INDEX and SECTION_INDEX[row["所属"]]["kind"] == "section"
    assert list(Counter(row["研修ID"] for row in ATTENDANCE).values()) == [
        60, 35, 40, 65, 45, 30, 60, 70, 35, 55, 80,
    ]  # fmt: skip


def test_later_years_reach_further_into_the_staff():
    staff = {}
    for row in ATTENDANCE:  # one person keeps their name and section in every list
        assert staff.setdefault(row["職員番号"], (row["氏名"], row["所属"])) == (
            row["氏名"],
            row["所属"],
        )
    reached = {
        fy: len({r["職員番号"] for r in ATTENDANCE if _fiscal_year(r["実施日"]) <= fy})
        for fy in (2014, 2015, 2016)
    }
    assert reached[2014] < reached[2015] < reached[2016]
    absent = sum(row["出席"] == "なし" for row in ATTENDANCE)
    assert 0 < absent < len(ATTENDANCE) * 0.1  # a few registered and did not come
