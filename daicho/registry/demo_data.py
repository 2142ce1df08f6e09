"""Demo organisation 岡山県 (330001): units, systems, costs, vendors, contracts and demo users.

The data for the demo loader (``daicho/registry/demo.py``), read from ``data/demo.yaml`` and
expanded here (yen amounts, contract amounts, the checks below); no Django. The story
follows the seed plan (``seed/okayama-it-optimization-plan-2014.txt``) as of its date, March 2014
(平成26年3月):

* section 2.3 — 202 systems in 11 departments (部局), counted per department as in the seed's table;
* section 1.2 — 情報システム経常経費 (運用等経費, 当初予算) fell about 30 % from FY2008 to FY2014;
* section 1.3 — the three mainframe systems (税務・統合財務会計・給与) cost about 7.4億円 a year in
  FY2008 and 4.5億円 after their rebuild (整備 FY2010–FY2012, full operation from FY2013);
  74 systems run on the virtualization platform; 電子図書館 and 医療機能情報提供 (with the old
  救急医療情報) were merged into other systems, as was the 単位制高校 school system;
  共有ファイルサーバ came in FY2009, the 台帳 system in FY2012, SAM and 統合認証・アップデート in
  FY2013;
* section 3.2.2 — about 1.5 % of systems are cloud services; section 3.3.1 — 宛名管理システム is
  being built for the individual number (番号制度, from January 2016).

Names of vendors, corporate numbers and telephone numbers are fictional.

Structure (every code is a stable string; every amount is integer yen)
---------------------------------------------------------------------
``ORGANISATION``
    ``{"name", "code", "kind", "cost_base_year"}``.
``DEPARTMENTS``
    List in the seed's order. Each: ``code`` ("D01".."D11"), ``name`` (as the seed writes it),
    ``kind`` ("department"), ``system_count`` (the seed's figure) and ``sections``: a list of
    ``{"code": "D01-S01", "name", "kind": "section" | "branch"}`` (branch = 出先機関).
``SECTION_INDEX``
    ``{unit code: {"code", "name", "kind", "dept"}}`` for every section and branch office.
``SYSTEMS``
    List of 202 dicts, ordered by code ("S0001".."S0202"):

    ``code``, ``name``, ``dept`` (department code), ``section`` (a unit of kind "section" of that
    department: the owner section), ``status`` (planning | development | operating | retired),
    ``in_service_on`` (ISO date; None while planning/development), ``retired_on`` (ISO date, retired
    only), ``planned_in_service_on`` (ISO date, planning/development only), ``hosting``
    (on_premises | virtualized | cloud | gov_cloud | shared_use), ``confidentiality`` ("1"-"3"),
    ``integrity`` ("1"-"2"), ``availability`` ("1"-"2"), ``users`` (staff | residents | both),
    ``personal_data``, ``my_number`` (個人番号利用), ``sso`` (統合認証連携) as bools,
    ``standard_business`` (a key of ``STANDARD_BUSINESS_KEYS`` or ""), ``co_using_municipalities``
    (municipalities sharing the system, 0 if none), ``description`` (one Japanese sentence) and
    ``cost_profile``:

    ``op_2008``      運用等経費 (budget) in FY2008; 0 unless in service for the whole of FY2008.
    ``op_2014``      運用等経費 (budget) in FY2014; 0 if retired before FY2014 or not yet in
                     service.
    ``op_start``     for systems starting after FY2008: the budget of their first full fiscal year,
                     else None.
    ``op_start_fy``  that first full fiscal year (an April start counts that year), else None.
    ``build``        ``[(fiscal_year, yen)]``: 整備経費 (build, rebuild, renewal); may be empty.

    ``operating_budget(system, fy)`` is the reference expansion of a profile into yearly budgets:
    linear from FY2008 (or ``op_start_fy``) to FY2014, flat at ``op_2008`` until retirement for
    retired systems, and flat after FY2014 (the loader adds its small FY2015–FY2016 drift and draws
    actuals at 0.93–0.99 × budget). A fiscal year is the calendar year it starts in (2014 =
    平成26年度, 2014-04-01 to 2015-03-31).
``COST_ITEMS``, ``OPERATING_SPLIT``, ``BUILD_ITEM``
    The editable 費目 list as ``(code, name)``; how a system's operating cost splits over the items
    by hosting kind (fractions summing to 1.0; ``split_operating()`` applies it in whole yen);
    build costs all go to ``BUILD_ITEM`` (委託料).
``VENDORS``
    ``{"code": "V001", "name", "corporate_number" (13 digits, valid check digit), "phone"}``.
``CONTRACTS``
    ``{"code": "C0001", "title", "vendor", "owner_unit", "systems": [system codes], "kind"
    (development | maintenance | lease | cloud | line), "start_on", "end_on", "yearly_amount"}``.
    Yearly amounts are derived from the systems' costs: a running contract takes a share of the
    smallest yearly operating budget within its term, a development contract a share of the build
    costs within its term spread over its fiscal years.
``USERS``
    One demo user per role: ``{"username", "role", "unit" (code or None), "display_name"}``. They
    all get the one password that the loader prints when it finishes.

``assert_consistent()`` checks the data against the seed and raises AssertionError naming the
problem; ``summary()`` returns the totals for a quick look.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

# The data itself: units, systems, vendors, contracts and users (this module derives and checks).
_DATA = yaml.load(  # noqa: S506 - the safe loader, in C where PyYAML has it (10x faster)
    (Path(__file__).parent / "data" / "demo.yaml").read_text(encoding="utf-8"),
    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
)

# --- Vocabulary (the values of registry.models' choices) ---------------------------------------

PLANNING, DEVELOPMENT, OPERATING, RETIRED = "planning", "development", "operating", "retired"
STATUSES = (PLANNING, DEVELOPMENT, OPERATING, RETIRED)

ONP, VIR, CLD, GOV, SHR = "on_premises", "virtualized", "cloud", "gov_cloud", "shared_use"
HOSTINGS = (ONP, VIR, CLD, GOV, SHR)

STAFF, RES, BOTH = "staff", "residents", "both"

STANDARD_BUSINESS_KEYS = (
    "juki", "senkyo", "kotei_shisan", "kojin_juminzei", "hojin_juminzei", "kei_jidosha", "koseki",
    "koseki_fuhyo", "inkan", "shugaku", "kenko_kanri", "jido_fuyo", "seikatsu_hogo",
    "shogai_fukushi", "kaigo", "kokuho", "koki_koreisha", "kokumin_nenkin", "kodomo_kosodate",
    "jido_teate",
)  # fmt: skip

CONTRACT_KINDS = ("development", "maintenance", "lease", "cloud", "line")

FIRST_FY, PLAN_FY, LAST_FY = 2008, 2014, 2016  # cost base year, the seed's budget year, demo end

# The seed's three mainframe (汎用機) systems, rebuilt FY2010-FY2012 (section 1.3 (1)).
MAINFRAME_SYSTEMS = ("税務システム", "統合財務会計システム", "給与システム")

# --- Organisation and units ----------------------------------------------------------------------

ORGANISATION = _DATA["organisation"]


def _dept(code: str, name: str, count: int, *sections: str, branches: tuple = ()) -> dict:
    """A department with its sections (課室) and branch offices (出先機関), numbered in order."""
    units = [
        {"code": f"{code}-S{i:02d}", "name": n, "kind": "section"}
        for i, n in enumerate(sections, start=1)
    ]
    units += [
        {"code": f"{code}-B{i:02d}", "name": n, "kind": "branch"}
        for i, n in enumerate(branches, start=1)
    ]
    return {
        "code": code,
        "name": name,
        "kind": "department",
        "system_count": count,
        "sections": units,
    }


DEPARTMENTS = [
    _dept(
        row["code"],
        row["name"],
        row["count"],
        *row["sections"],
        branches=tuple(row.get("branches", ())),
    )
    for row in _DATA["departments"]
]

SECTION_INDEX = {
    unit["code"]: {**unit, "dept": dept["code"]}
    for dept in DEPARTMENTS
    for unit in dept["sections"]
}

# --- Cost items ----------------------------------------------------------------------------------

# The 費目 the demo's costs are split over: all of them among the standard list
# (data/cost_items.yaml) that `load` gives the organisation first, as `daicho init` does.
COST_ITEMS = [
    ("itaku", "委託料"),
    ("shiyoryo", "使用料及び賃借料"),
    ("ekimu", "役務費"),
    ("juyo", "需用費"),
    ("bihin", "備品購入費"),
    ("futankin", "負担金補助及び交付金"),
]

BUILD_ITEM = "itaku"

# How a year's operating cost splits over the cost items, by hosting. On premises pays leases
# (使用料及び賃借料) for its own servers; on the virtualization platform the lease is shared and
# the rest is maintenance (委託料); cloud is mostly service fees; shared use (共同利用) is paid as a
# contribution (負担金) to the joint operation.
OPERATING_SPLIT = {
    ONP: {"itaku": 0.55, "shiyoryo": 0.28, "ekimu": 0.09, "juyo": 0.05, "bihin": 0.03,
          "futankin": 0.0},
    VIR: {"itaku": 0.68, "shiyoryo": 0.15, "ekimu": 0.08, "juyo": 0.05, "bihin": 0.04,
          "futankin": 0.0},
    CLD: {"itaku": 0.15, "shiyoryo": 0.75, "ekimu": 0.07, "juyo": 0.03, "bihin": 0.0,
          "futankin": 0.0},
    GOV: {"itaku": 0.35, "shiyoryo": 0.55, "ekimu": 0.10, "juyo": 0.0, "bihin": 0.0,
          "futankin": 0.0},
    SHR: {"itaku": 0.15, "shiyoryo": 0.10, "ekimu": 0.05, "juyo": 0.0, "bihin": 0.0,
          "futankin": 0.70},
}  # fmt: skip


def split_operating(amount: int, hosting: str) -> dict[str, int]:
    """Split a yearly operating amount over the cost items in whole yen (rest to the largest)."""
    fractions = OPERATING_SPLIT[hosting]
    parts = {item: int(amount * share) for item, share in fractions.items() if share}
    largest = max(parts, key=lambda item: fractions[item])
    parts[largest] += amount - sum(parts.values())
    return parts


# --- Fiscal-year helpers -------------------------------------------------------------------------


def fiscal_year(iso: str) -> int:
    """The fiscal year (年度) of an ISO date: April to March, named by the starting year."""
    d = date.fromisoformat(iso)
    return d.year if d.month >= 4 else d.year - 1


def _first_full_fy(iso: str) -> int:
    d = date.fromisoformat(iso)
    return fiscal_year(iso) + (0 if (d.month, d.day) == (4, 1) else 1)


def operating_budget(system: dict, fy: int) -> int:
    """The system's 運用等経費 budget in fiscal year ``fy`` (before the loader's drift), in yen."""
    cp = system["cost_profile"]
    if system["retired_on"] and fy > fiscal_year(system["retired_on"]):
        return 0
    if cp["op_start_fy"] is None:  # in service since FY2008 or earlier
        if fy < FIRST_FY:
            return 0
        if system["retired_on"]:
            return cp["op_2008"]
        start_fy, start, end = FIRST_FY, cp["op_2008"], cp["op_2014"]
    else:
        start_fy, start, end = cp["op_start_fy"], cp["op_start"], cp["op_2014"]
        if fy < start_fy:
            return 0
        if start_fy >= PLAN_FY:
            return start
    if fy >= PLAN_FY:
        return end
    value = start + (end - start) * (fy - start_fy) / (PLAN_FY - start_fy)
    return int(round(value, -3))


# --- Systems -------------------------------------------------------------------------------------

_K = 1_000  # the table below gives money in 千円 (thousand yen); SYSTEMS holds yen


def _s(
    code: str,
    section: str,
    name: str,
    in_service: str | None,
    hosting: str,
    cia: str,
    users: str,
    flags: str,
    op_2008: int,
    op_2014: int,
    description: str,
    *,
    retired: str | None = None,
    status: str | None = None,
    planned: str | None = None,
    op_start: int | None = None,
    build: tuple = (),
    std: str = "",
    co_use: int = 0,
) -> dict:
    """One system row. ``cia`` is "CIA" levels as digits; ``flags`` holds P (personal data),
    M (個人番号利用) and S (統合認証連携); money is in 千円."""
    started = in_service or planned
    late = started is not None and started > f"{FIRST_FY}-04-01"
    return {
        "code": code,
        "name": name,
        "dept": section.split("-")[0],
        "section": section,
        "status": RETIRED if retired else (status or OPERATING),
        "in_service_on": in_service,
        "retired_on": retired,
        "planned_in_service_on": planned,
        "hosting": hosting,
        "confidentiality": cia[0],
        "integrity": cia[1],
        "availability": cia[2],
        "users": users,
        "personal_data": "P" in flags,
        "my_number": "M" in flags,
        "standard_business": std,
        "sso": "S" in flags,
        "co_using_municipalities": co_use,
        "description": description,
        "cost_profile": {
            "op_2008": op_2008 * _K,
            "op_2014": op_2014 * _K,
            "op_start": op_start * _K if op_start is not None else None,
            "op_start_fy": _first_full_fy(started) if late else None,
            "build": [(fy, amount * _K) for fy, amount in build],
        },
    }


# Rows as data/demo.yaml gives them: the arguments of `_s`.
SYSTEMS = [_s(**row) for row in _DATA["systems"]]

SYSTEM_BY_CODE = {s["code"]: s for s in SYSTEMS}

# --- Vendors (fictional) -------------------------------------------------------------------------

VENDORS = _DATA["vendors"]

# --- Contracts -----------------------------------------------------------------------------------


def _contract_years(start: str, end: str) -> range:
    return range(fiscal_year(start), fiscal_year(end) + 1)


def _c(
    code: str,
    title: str,
    vendor: str,
    systems: tuple,
    kind: str,
    start: str,
    end: str,
    share: float,
) -> dict:
    """One contract; its yearly amount is ``share`` of the systems' costs (see the docstring)."""
    rows = [SYSTEM_BY_CODE[c] for c in systems]
    years = _contract_years(start, end)
    if kind == "development":
        built = sum(a for s in rows for fy, a in s["cost_profile"]["build"] if fy in years)
        amount = share * built / len(years)
    else:
        modelled = [fy for fy in years if FIRST_FY <= fy <= LAST_FY]
        amount = share * min(sum(operating_budget(s, fy) for s in rows) for fy in modelled)
    return {
        "code": code,
        "title": title,
        "vendor": vendor,
        "owner_unit": rows[0]["section"],
        "systems": list(systems),
        "kind": kind,
        "start_on": start,
        "end_on": end,
        "yearly_amount": int(amount) // _K * _K,
    }


CONTRACTS = [_c(**{**row, "systems": tuple(row["systems"])}) for row in _DATA["contracts"]]

# --- Demo users ----------------------------------------------------------------------------------

# One per role; the loader gives them all the same password and prints it.
USERS = _DATA["users"]

# --- Checks --------------------------------------------------------------------------------------

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
    # Not `assert`: the checks must also run under `python -O`.
    if not condition:
        raise AssertionError(f"demo_data: {message}")


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


def assert_consistent() -> None:
    """Check the demo data against the seed; raise AssertionError naming the first problem."""
    _check_units()
    _check_systems()
    _check_costs()
    _check_vendors_and_contracts()
    _check_users()


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
