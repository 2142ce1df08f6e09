"""The demo data (daicho/registry/data/demo.yaml, expanded by demo_data.py) against the seed plan
(seed/okayama-it-optimization-plan-2014.txt), before anything is loaded: the seed's counts per
department, the systems it names, its cost story and consistent vendors, contracts and users."""

from __future__ import annotations

from typing import Any

import pytest

from daicho.registry.demo_data import (
    BOTH,
    BUILD_ITEM,
    CLD,
    CONTRACTS,
    COST_ITEMS,
    DEPARTMENTS,
    DEVELOPMENT,
    FIRST_FY,
    GOV,
    LAST_FY,
    ONP,
    OPERATING,
    OPERATING_SPLIT,
    ORGANISATION,
    PLAN_FY,
    PLANNING,
    RES,
    RETIRED,
    SECTION_INDEX,
    SHR,
    STAFF,
    STANDARD_BUSINESS_KEYS,
    SYSTEM_BY_CODE,
    SYSTEMS,
    USERS,
    VENDORS,
    VIR,
    _contract_years,
    fiscal_year,
    operating_budget,
)

STATUSES = (PLANNING, DEVELOPMENT, OPERATING, RETIRED)
HOSTINGS = (ONP, VIR, CLD, GOV, SHR)
CONTRACT_KINDS = ("development", "maintenance", "lease", "cloud", "line")

# The seed's three mainframe (汎用機) systems, rebuilt FY2010-FY2012 (section 1.3 (1)).
MAINFRAME_SYSTEMS = ("税務システム", "統合財務会計システム", "給与システム")

# --- The seed's facts ---------------------------------------------------------------------

# The seed's table (section 2.3, 平成26年3月現在).
SEED_SYSTEM_COUNTS = {
    "危機管理監・総務部・総合政策局": 27, "県民生活部": 38, "環境文化部": 16, "保健福祉部": 36,
    "産業労働部": 3, "農林水産部": 13, "土木部": 27, "出納局": 11, "諸局・県民局": 3, "企業局": 7,
    "教育庁": 21,
}  # fmt: skip

# Systems the seed names, which must be present under exactly these names.
SEED_NAMED_SYSTEMS = (
    *MAINFRAME_SYSTEMS, "図書館業務システム", "電子図書館システム", "災害・救急医療情報システム",
    "医療機能情報提供システム", "学校管理システム", "電子申請サービス", "公共施設予約システム",
    "全県統合型GIS", "宛名管理システム", "共有ファイルサーバ", "統合認証・アップデートシステム",
    "情報システム台帳管理システム", "ソフトウェア資産管理システム", "仮想化基盤",
    "行政ネットワーク", "全庁共通システム（ポータル・電子メール）", "岡山情報ハイウェイ",
    "人事管理システム", "文書管理システム", "職員情報共有データベース",
)  # fmt: skip

# Owned by 情報政策課 (sections 2.2.2, 3.3, 3.4.2 and 3.5.2 of the seed).
IT_POLICY_SYSTEMS = (
    "共有ファイルサーバ", "統合認証・アップデートシステム", "情報システム台帳管理システム",
    "ソフトウェア資産管理システム", "仮想化基盤", "行政ネットワーク",
    "全庁共通システム（ポータル・電子メール）", "岡山情報ハイウェイ", "宛名管理システム",
)  # fmt: skip

# Contracts that came through a procurement case: the case records them, with their vendor.
CASE_CONTRACTS = ("C0021", "C0022", "C0023", "C0028")

ROLES = ("it_policy", "owner", "sam_officer", "viewer", "auditor")


def _check(condition: object, message: str) -> None:
    assert condition, f"demo_data: {message}"


def _valid_corporate_number(number: str) -> bool:
    """法人番号: 13 digits, the first a check digit over the other twelve."""
    if len(number) != 13 or not number.isdigit():
        return False
    base = number[1:]
    total = sum(int(ch) * (1 if n % 2 else 2) for n, ch in enumerate(reversed(base), start=1))
    return int(number[0]) == 9 - total % 9


def op_total(fy: int) -> int:
    """Sum of all systems' operating budgets in fiscal year ``fy`` (yen)."""
    return sum(operating_budget(s, fy) for s in SYSTEMS)


def _mainframe_total(key: str) -> int:
    return sum(s["cost_profile"][key] for s in SYSTEMS if s["name"] in MAINFRAME_SYSTEMS)


def reduction_vs_base(fy: int = PLAN_FY) -> float:
    """Fractional reduction of the total operating budget in ``fy`` against FY2008."""
    return 1 - op_total(fy) / op_total(FIRST_FY)


def _check_units() -> None:
    _check(
        [d["code"] for d in DEPARTMENTS] == [f"D{i:02d}" for i in range(1, 12)],
        "departments must be D01..D11 in order",
    )
    seed = {d["name"]: d["system_count"] for d in DEPARTMENTS}
    _check(seed == SEED_SYSTEM_COUNTS, f"department names/counts differ from the seed: {seed}")
    _check(sum(seed.values()) == 202, "the seed's departments hold 202 systems")
    for dept in DEPARTMENTS:
        sections = [u for u in dept["sections"] if u["kind"] == "section"]
        _check(2 <= len(sections) <= 5, f"{dept['code']} must have 2-5 sections")
        for unit in dept["sections"]:
            _check(unit["code"].startswith(dept["code"] + "-"), f"{unit['code']} misplaced")
    names = [u["name"] for u in SECTION_INDEX.values()]
    _check(len(names) == len(set(names)), "unit names must be unique")
    _check(SECTION_INDEX.get("D01-S01", {}).get("name") == "情報政策課", "D01-S01 is 情報政策課")


def _check_system(s: dict) -> None:
    code, cp = s["code"], s["cost_profile"]
    unit = SECTION_INDEX.get(s["section"])
    _check(unit and unit["kind"] == "section", f"{code}: {s['section']} is not a section")
    _check(unit["dept"] == s["dept"], f"{code}: section {s['section']} is not in {s['dept']}")
    _check(s["status"] in STATUSES, f"{code}: bad status {s['status']}")
    _check(s["hosting"] in HOSTINGS, f"{code}: bad hosting {s['hosting']}")
    _check(
        s["confidentiality"] in "123" and s["integrity"] in "12" and s["availability"] in "12",
        f"{code}: bad classification",
    )
    _check(s["users"] in (STAFF, RES, BOTH), f"{code}: bad users {s['users']}")
    _check(s["standard_business"] in ("", *STANDARD_BUSINESS_KEYS), f"{code}: bad standard key")
    _check(s["personal_data"] or not s["my_number"], f"{code}: 個人番号利用 needs personal data")
    _check(s["description"].endswith("。"), f"{code}: description is one sentence ending in 。")
    pending = s["status"] in (PLANNING, DEVELOPMENT)
    _check((s["in_service_on"] is None) == pending, f"{code}: in_service_on vs status")
    _check(bool(s["planned_in_service_on"]) == pending, f"{code}: planned date vs status")
    _check(bool(s["retired_on"]) == (s["status"] == RETIRED), f"{code}: retired_on vs status")
    started = s["in_service_on"] or s["planned_in_service_on"]
    _check("1995-01-01" <= started <= "2016-12-31", f"{code}: in service {started} out of range")
    if s["in_service_on"]:
        _check(s["in_service_on"] <= "2014-03-31", f"{code}: operating after the seed's date")
    if s["retired_on"]:
        _check(s["in_service_on"] < s["retired_on"] <= "2014-03-31", f"{code}: retirement date")
    late = started > f"{FIRST_FY}-04-01"
    _check((cp["op_2008"] > 0) == (not late), f"{code}: op_2008 must be >0 iff in FY2008")
    _check((cp["op_start"] is not None) == late, f"{code}: op_start iff starting after FY2008")
    _check((cp["op_start_fy"] is not None) == late, f"{code}: op_start_fy iff op_start")
    running_2014 = s["status"] == OPERATING
    _check((cp["op_2014"] > 0) == running_2014, f"{code}: op_2014 must be >0 iff operating")
    for fy, amount in cp["build"]:
        _check(FIRST_FY <= fy <= LAST_FY and amount > 0, f"{code}: bad build entry {fy}")


def _check_systems() -> None:
    _check(len(SYSTEMS) == 202, f"expected 202 systems, found {len(SYSTEMS)}")
    codes = [s["code"] for s in SYSTEMS]
    _check(codes == [f"S{i:04d}" for i in range(1, 203)], "system codes must be S0001..S0202")
    names = [s["name"] for s in SYSTEMS]
    dupes = sorted({n for n in names if names.count(n) > 1})
    _check(not dupes, f"duplicate system names: {dupes}")
    for dept in DEPARTMENTS:
        found = sum(1 for s in SYSTEMS if s["dept"] == dept["code"])
        _check(
            found == dept["system_count"],
            f"{dept['code']} {dept['name']}: {found} systems, the seed says {dept['system_count']}",
        )
    for s in SYSTEMS:
        _check_system(s)
    by_name = {s["name"]: s for s in SYSTEMS}
    missing = [n for n in SEED_NAMED_SYSTEMS if n not in by_name]
    _check(not missing, f"systems named by the seed are missing: {missing}")
    for name in IT_POLICY_SYSTEMS:
        _check(by_name[name]["section"] == "D01-S01", f"{name} belongs to 情報政策課")
    share = by_name["共有ファイルサーバ"]
    _check(
        fiscal_year(share["in_service_on"]) == 2009 and share["availability"] == "2",
        "共有ファイルサーバ: in service FY2009, availability 2",
    )
    _check(by_name["仮想化基盤"]["hosting"] == ONP, "仮想化基盤 itself runs on premises")
    atena = by_name["宛名管理システム"]
    _check(
        atena["status"] in (PLANNING, DEVELOPMENT)
        and atena["planned_in_service_on"][:4] in ("2015", "2016"),
        "宛名管理システム is being built for service in 2015/2016",
    )
    for name in ("電子図書館システム", "医療機能情報提供システム"):
        _check(by_name[name]["status"] == RETIRED, f"{name} was merged (retired)")
    operating = [s for s in SYSTEMS if s["status"] == OPERATING]
    virtualized = sum(1 for s in operating if s["hosting"] == VIR)
    _check(virtualized == 74, f"the seed has 74 systems virtualized, found {virtualized}")
    cloud = sum(1 for s in operating if s["hosting"] in (CLD, GOV))
    _check(cloud == 3, f"the seed has about 1.5 % cloud (3 systems), found {cloud}")
    standard = sum(1 for s in SYSTEMS if s["standard_business"])
    _check(2 <= standard <= 4, f"a prefecture runs 2-4 standard-business systems, not {standard}")


def _check_costs() -> None:
    mf_2008, mf_2014 = _mainframe_total("op_2008"), _mainframe_total("op_2014")
    _check(720_000_000 <= mf_2008 <= 760_000_000, f"mainframe FY2008 {mf_2008:,} is not ~7.4億")
    _check(430_000_000 <= mf_2014 <= 470_000_000, f"mainframe FY2014 {mf_2014:,} is not ~4.5億")
    for s in SYSTEMS:
        if s["name"] in MAINFRAME_SYSTEMS:
            years = sorted(fy for fy, _ in s["cost_profile"]["build"])
            _check(years == [2010, 2011, 2012], f"{s['name']} was rebuilt in FY2010-FY2012")
    total_2008, total_2014 = op_total(FIRST_FY), op_total(PLAN_FY)
    _check(total_2008 == sum(s["cost_profile"]["op_2008"] for s in SYSTEMS), "FY2008 expansion")
    _check(total_2014 == sum(s["cost_profile"]["op_2014"] for s in SYSTEMS), "FY2014 expansion")
    _check(3_300_000_000 <= total_2008 <= 3_500_000_000, f"FY2008 {total_2008:,} is not ~34億")
    cut = reduction_vs_base()
    _check(0.29 <= cut <= 0.31, f"FY2014 reduction {cut:.2%} is outside 29-31 %")
    items = {code for code, _ in COST_ITEMS}
    _check(BUILD_ITEM in items, "BUILD_ITEM must be a cost item")
    _check(set(OPERATING_SPLIT) == set(HOSTINGS), "OPERATING_SPLIT needs every hosting kind")
    for hosting, split in OPERATING_SPLIT.items():
        _check(set(split) <= items, f"OPERATING_SPLIT[{hosting}] uses unknown items")
        _check(abs(sum(split.values()) - 1.0) < 1e-9, f"OPERATING_SPLIT[{hosting}] must sum to 1")


def _check_vendors_and_contracts() -> None:
    codes = [v["code"] for v in VENDORS]
    _check(len(codes) == len(set(codes)), "vendor codes must be unique")
    _check(len({v["name"] for v in VENDORS}) == len(VENDORS), "vendor names must be unique")
    for v in VENDORS:
        _check(_valid_corporate_number(v["corporate_number"]), f"{v['code']}: corporate number")
    vendor_codes = set(codes)
    codes = [c["code"] for c in CONTRACTS]
    _check(codes == sorted(set(codes)), "contract codes unique, in order")
    # A contract a procurement case records (governance demo) is not listed here a second time.
    for code in CASE_CONTRACTS:
        _check(code not in codes, f"{code} is recorded by its procurement case")
    _check(len({c["title"] for c in CONTRACTS}) == len(CONTRACTS), "contract titles unique")
    budget_share: dict[tuple[str, int], float] = {}
    for c in CONTRACTS:
        code = c["code"]
        _check(c["vendor"] in vendor_codes, f"{code}: unknown vendor {c['vendor']}")
        _check(c["kind"] in CONTRACT_KINDS, f"{code}: bad kind {c['kind']}")
        _check(c["start_on"] < c["end_on"], f"{code}: ends before it starts")
        _check(c["yearly_amount"] > 0, f"{code}: yearly amount must be positive")
        _check(all(s in SYSTEM_BY_CODE for s in c["systems"]), f"{code}: unknown system")
        _check(SECTION_INDEX[c["owner_unit"]]["kind"] == "section", f"{code}: owner unit")
        years = _contract_years(c["start_on"], c["end_on"])
        if c["kind"] == "development":
            built = sum(
                amount
                for s in c["systems"]
                for fy, amount in SYSTEM_BY_CODE[s]["cost_profile"]["build"]
                if fy in years
            )
            _check(0 < c["yearly_amount"] * len(years) <= built, f"{code}: exceeds the build costs")
            continue
        for fy in years:
            if not FIRST_FY <= fy <= LAST_FY:
                continue
            budgets = {s: operating_budget(SYSTEM_BY_CODE[s], fy) for s in c["systems"]}
            total = sum(budgets.values())
            _check(total > 0, f"{code}: runs in FY{fy} when its systems are not operating")
            for s, b in budgets.items():  # attribute a shared contract by budget
                key = (s, fy)
                budget_share[key] = budget_share.get(key, 0) + c["yearly_amount"] * b / total
    for (s, fy), amount in budget_share.items():
        budget = operating_budget(SYSTEM_BY_CODE[s], fy)
        _check(amount <= budget * 0.92, f"{s}: contracts exceed the FY{fy} operating budget")


def _check_users() -> None:
    _check(sorted(u["role"] for u in USERS) == sorted(ROLES), "one demo user per role")
    for u in USERS:
        _check(u["unit"] is None or u["unit"] in SECTION_INDEX, f"{u['username']}: unit")
    by_role = {u["role"]: u for u in USERS}
    tax = next(s for s in SYSTEMS if s["name"] == "税務システム")
    _check(by_role["owner"]["unit"] == tax["section"], "the owner user owns 税務システム")
    _check(SECTION_INDEX[by_role["viewer"]["unit"]]["name"] == "財政課", "viewer sits in 財政課")
    _check(by_role["it_policy"]["unit"] == "D01-S01", "it_policy sits in 情報政策課")
    _check(by_role["auditor"]["unit"] is None, "the auditor has no unit")


@pytest.mark.parametrize(
    "check",
    [_check_units, _check_systems, _check_costs, _check_vendors_and_contracts, _check_users],
    ids=lambda check: check.__name__.removeprefix("_check_"),
)
def test_the_data_agrees_with_the_seed(check):
    check()


def summary() -> dict[str, Any]:
    """Totals for a quick look (amounts in yen)."""

    def count(key: str, rows: list[dict] = SYSTEMS) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in rows:
            out[row[key]] = out.get(row[key], 0) + 1
        return out

    operating = [s for s in SYSTEMS if s["status"] == OPERATING]
    return {
        "organisation": f"{ORGANISATION['name']} ({ORGANISATION['code']})",
        "departments": len(DEPARTMENTS),
        "units": len(SECTION_INDEX),
        "systems": len(SYSTEMS),
        "systems_by_department": count("dept"),
        "systems_by_status": count("status"),
        "operating_by_hosting": count("hosting", operating),
        "cloud_ratio": round(sum(s["hosting"] == CLD for s in operating) / len(operating), 4),
        "personal_data": sum(s["personal_data"] for s in SYSTEMS),
        "my_number": sum(s["my_number"] for s in SYSTEMS),
        "sso": sum(s["sso"] for s in SYSTEMS),
        "standard_business": sum(bool(s["standard_business"]) for s in SYSTEMS),
        "op_budget_by_fy": {fy: op_total(fy) for fy in range(FIRST_FY, LAST_FY + 1)},
        "reduction_fy2014": round(reduction_vs_base(), 4),
        "mainframe_op_2008": _mainframe_total("op_2008"),
        "mainframe_op_2014": _mainframe_total("op_2014"),
        "build_total": sum(a for s in SYSTEMS for _, a in s["cost_profile"]["build"]),
        "vendors": len(VENDORS),
        "contracts": len(CONTRACTS),
        "contracts_by_kind": count("kind", CONTRACTS),
        "users": len(USERS),
    }


def test_the_data_keeps_the_seeds_counts():
    totals = summary()
    assert totals["systems"] == 202
    assert totals["operating_by_hosting"]["virtualized"] == 74
    assert totals["reduction_fy2014"] == pytest.approx(0.297, abs=0.001)
    assert not {c["code"] for c in CONTRACTS} & set(CASE_CONTRACTS)
