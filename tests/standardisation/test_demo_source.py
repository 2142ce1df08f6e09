"""The standardisation demo's files (daicho/standardisation/data/demo/) against the story
docs/standardisation.md tells, before anything is loaded: 倉敷市's 20 areas — 9 migrated to the
system it co-uses with 岡山市, 4 to its own, 3 migrating, one procured late, one without a date,
two under 特定移行支援 — reported return after return, and 運用等経費 back to FY2018."""

from __future__ import annotations

from collections import Counter

from daicho.core.demo import data_rows
from daicho.standardisation.demo import DATA

RETURNS = data_rows(DATA / "kurashiki_migrations.csv")
SYSTEMS = {row["システムID"]: row for row in data_rows(DATA / "kurashiki_systems.csv")}
SHARED = {row["システムID"]: row for row in data_rows(DATA / "okayama_city_systems.csv")}


def _latest() -> dict[str, dict]:
    """Each area as its last return gives it."""
    latest = {}
    for row in RETURNS:
        latest[row["業務"]] = row
    return latest


def test_20_areas_and_where_each_stands_after_the_last_return():
    latest = _latest()
    assert len(latest) == 20
    phases = Counter(row["フェーズ"] for row in latest.values())
    assert phases == {"移行済": 13, "移行中": 3, "調達": 1, "計画": 1, "特定移行支援": 2}
    on_shared = [
        a
        for a, r in latest.items()
        if r["フェーズ"] == "移行済" and r["標準準拠システムID"] in SHARED
    ]
    assert len(on_shared) == 9
    on_own = [
        a
        for a, r in latest.items()
        if r["フェーズ"] == "移行済" and r["標準準拠システムID"] in SYSTEMS
    ]
    assert len(on_own) == 4
    late = [r for r in latest.values() if r["フェーズ"] == "調達"]
    assert late[0]["移行完了予定日"] > "2026-03-31"  # after the deadline: procured late
    undated = [r for r in latest.values() if r["フェーズ"] == "計画"]
    assert undated[0]["移行完了予定日"] == ""
    for row in latest.values():
        if row["フェーズ"] == "特定移行支援":
            assert row["特定移行支援の理由"] and row["特定移行支援の移行目標日"]


def test_each_return_moves_an_area_forward_in_time_and_names_systems_that_exist():
    order = ["計画", "調達", "移行中", "移行済", "特定移行支援"]
    seen: dict[str, dict] = {}
    returns = [int(row["報告回"]) for row in RETURNS]
    assert returns == sorted(returns)  # the demo imports them in the file's order
    for row in RETURNS:
        before = seen.get(row["業務"])
        if before is not None:
            assert order.index(row["フェーズ"]) > order.index(before["フェーズ"]), row["業務"]
            assert row["フェーズ到達日"] > before["フェーズ到達日"], row["業務"]
        seen[row["業務"]] = row
        assert all(code in SYSTEMS for code in row["現行システムID"].split())
        assert all(code in SYSTEMS for code in row["依存システムID"].split())
        assert not row["標準準拠システムID"] or row["標準準拠システムID"] in {**SYSTEMS, **SHARED}


def test_the_running_costs_go_back_to_fy2018():
    for prefix, systems in (("kurashiki", SYSTEMS), ("okayama_city", SHARED)):
        costs = data_rows(DATA / f"{prefix}_costs.csv")
        assert {row["システムID"] for row in costs} == set(systems)
        assert {(row["予算決算"], row["経費区分"]) for row in costs} == {("決算", "運用等経費")}
    years = {int(r["年度"]) for r in data_rows(DATA / "kurashiki_costs.csv")}
    assert min(years) == 2018
