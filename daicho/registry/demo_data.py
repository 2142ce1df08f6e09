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

The checks of this data against the seed are tests: tests/registry/test_demo_source.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

# The data itself: units, systems, vendors, contracts and users (this module derives the rest).
_DATA = yaml.load(  # noqa: S506 - the safe loader, in C where PyYAML has it (10x faster)
    (Path(__file__).parent / "data" / "demo.yaml").read_text(encoding="utf-8"),
    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
)

# --- Vocabulary (the values of registry.models' choices) ---------------------------------------

PLANNING, DEVELOPMENT, OPERATING, RETIRED = "planning", "development", "operating", "retired"

ONP, VIR, CLD, GOV, SHR = "on_premises", "virtualized", "cloud", "gov_cloud", "shared_use"

STAFF, RES, BOTH = "staff", "residents", "both"

STANDARD_BUSINESS_KEYS = (
    "juki", "senkyo", "kotei_shisan", "kojin_juminzei", "hojin_juminzei", "kei_jidosha", "koseki",
    "koseki_fuhyo", "inkan", "shugaku", "kenko_kanri", "jido_fuyo", "seikatsu_hogo",
    "shogai_fukushi", "kaigo", "kokuho", "koki_koreisha", "kokumin_nenkin", "kodomo_kosodate",
    "jido_teate",
)  # fmt: skip

FIRST_FY, PLAN_FY, LAST_FY = 2008, 2014, 2016  # cost base year, the seed's budget year, demo end

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
