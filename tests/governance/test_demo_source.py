"""The governance demo's consultations (daicho/governance/data/demo/consultations.csv) against
the registry's demo data and the plan's story, before anything is loaded: over 200 a year from
FY2014, more of them cutting costs every year, each about a system its section owns."""

from __future__ import annotations

import datetime
from collections import Counter

from daicho.core.demo import data_rows
from daicho.core.wareki import fiscal_year_of
from daicho.governance.demo import DATA, EXTRA_USERS
from daicho.registry.demo_data import RETIRED, SECTION_INDEX, SYSTEM_BY_CODE

ROWS = data_rows(DATA / "consultations.csv")


def _fiscal_year(day: str) -> int:
    return fiscal_year_of(datetime.date.fromisoformat(day))


def test_over_200_a_year_from_fy2014_and_more_savings_every_year():
    per_year = Counter(_fiscal_year(row["日付"]) for row in ROWS)
    assert per_year == {2013: 186, 2014: 214, 2015: 228, 2016: 236}
    savings = Counter(_fiscal_year(row["日付"]) for row in ROWS if int(row["経費削減額（円）"]))
    assert savings == {2013: 11, 2014: 14, 2015: 17, 2016: 19}


def test_each_is_about_a_system_in_use_that_its_section_owns():
    for row in ROWS:
        system = SYSTEM_BY_CODE[row["システムID"]]
        assert system["section"] == row["所属"] and row["所属"] in SECTION_INDEX, row
        assert system["status"] != RETIRED, row


def test_the_it_policy_division_handles_them_and_no_row_repeats_another():
    policy = {"policy"} | {u["username"] for u in EXTRA_USERS if u["role"] == "it_policy"}
    assert {row["対応者"] for row in ROWS} == policy
    # The import's natural key: date + section + subject.
    keys = Counter((row["日付"], row["所属"], row["件名"]) for row in ROWS)
    assert [key for key, n in keys.items() if n > 1] == []
