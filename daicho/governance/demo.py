"""Demo data of the governance area for 岡山県: cases at every gate (one returned, one withdrawn),
consultations FY2013–FY2016 (over 200 a year from FY2014, as the plan asks), a green purchase in
each plan year, evaluations. Idempotent:
nothing is added when the organisation already has cases.

The consultations are a file under data/demo/ loaded through the import engine, as the IT
policy division's spreadsheet would be (tests/governance/test_demo_source.py checks its story).
Cases, their gates and evaluations, the extra users and the review settings have no import kind
and go through the services: each case walks its gates as its owner and the IT policy division
would, in the web's name."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils.translation import gettext as _

from daicho.core import audit, services
from daicho.core.audit import Channel
from daicho.core.demo import data_rows, import_rows
from daicho.core.models import Membership, Organisation, OrgUnit, User
from daicho.governance import services as gov
from daicho.governance import workflow
from daicho.governance.models import Consultation, ProcurementCase, ReviewSettings
from daicho.registry import demo as registry_demo
from daicho.registry.models import InformationSystem, Vendor

DATA = Path(__file__).parent / "data" / "demo"

# Staff the story needs beyond the one user per role: more of the IT policy division (the
# knowledge indicator is a share of its staff) and the owners of two more departments.
EXTRA_USERS = [
    {"username": "policy2", "role": "it_policy", "unit": "D01-S01", "name": "情報政策課 主任"},
    {"username": "policy3", "role": "it_policy", "unit": "D01-S01", "name": "情報政策課 主事"},
    {"username": "owner_d04", "role": "owner", "unit": "D04", "name": "保健福祉部 システム担当"},
    {"username": "owner_d07", "role": "owner", "unit": "D07", "name": "土木部 システム担当"},
]

D = datetime.date

# (code, system, title, kind, owner unit, budget FY, initial, recurring, method, green,
#  purpose, hours saved, usage, contract (vendor, code, kind, start, end, amount) | None,
#  the story: a list of (action, who, date, comment); who is "owner" or "policy")
CASES = [
    {
        "code": "P2011-001",
        "system": "S0006",
        "title": "情報システム台帳管理システムの導入",
        "kind": "new",
        "unit": "D01-S01",
        "fy": 2011,
        "initial": 12_000_000,
        "recurring": 4_500_000,
        "method": "proposal",
        "green": "yes",
        "purpose": "全庁の情報システムと経費を一元管理し、予算要求時の妥当性検証に活用する。",
        "hours": 600,
        "usage": 2000,
        "contract": ("V005", "C2011-301", "development", D(2011, 8, 1), D(2012, 3, 31), 12_000_000),
        "story": "through",
        "dates": [D(2010, 6, 1), D(2010, 10, 1), D(2011, 6, 15), D(2012, 4, 1)],
        "evaluation": {
            "fy": 2012,
            "on": D(2013, 6, 20),
            "conclusion": "improve",
            "actual": 4_380_000,
            "actual_usage": 1500,
            "actual_hours": 450,
            "findings": "所管課の入力が予算要求時期に集中し、年度途中の更新が遅れている。",
            "follow_up": "四半期ごとの更新依頼と、入力画面の簡素化を次期改修で行う。",
        },
    },
    {
        "code": "P2012-001",
        "system": "S0005",
        "title": "統合認証・アップデートシステムの構築",
        "kind": "new",
        "unit": "D01-S01",
        "fy": 2012,
        "initial": 58_000_000,
        "recurring": 24_000_000,
        "method": "general_tender",
        "green": "yes",
        "purpose": "職員PCのログイン認証と修正プログラム適用を一元管理し、セキュリティを強化する。",
        "hours": 1200,
        "usage": 6000,
        "contract": ("V002", "C2013-302", "development", D(2013, 4, 1), D(2013, 9, 30), 58_000_000),
        "story": "through",
        "dates": [D(2011, 9, 1), D(2011, 11, 1), D(2013, 3, 1), D(2013, 10, 1)],
        "evaluation": {
            "fy": 2014,
            "on": D(2015, 6, 10),
            "conclusion": "continue",
            "actual": 23_100_000,
            "actual_usage": 5900,
            "actual_hours": 1300,
            "findings": "修正プログラムの適用率は98%に向上。想定どおりの効果が出ている。",
            "follow_up": "電源管理ポリシーの統一（グリーンIT）に活用する。",
        },
    },
    {
        "code": "P2012-002",
        "system": "S0007",
        "title": "ソフトウェア資産管理（SAM）システムの導入",
        "kind": "new",
        "unit": "D01-S01",
        "fy": 2012,
        "initial": 21_000_000,
        "recurring": 9_200_000,
        "method": "proposal",
        "green": "na",
        "purpose": "ライセンスの保有と利用を把握し、棚卸と調達方針の見直しに用いる。",
        "hours": 400,
        "usage": 6000,
        "contract": (
            "V006",
            "C2013-303",
            "development",
            D(2012, 10, 1),
            D(2013, 3, 31),
            21_000_000,
        ),
        "story": "through",
        "dates": [D(2011, 9, 15), D(2011, 11, 10), D(2012, 9, 1), D(2013, 4, 1)],
    },
    {
        "code": "P2013-001",
        "system": "S0012",
        "title": "宛名管理システムの構築（番号制度対応）",
        "kind": "new",
        "unit": "D01-S01",
        "fy": 2014,
        "initial": 143_000_000,
        "recurring": 14_000_000,
        "method": "general_tender",
        "green": "yes",
        "purpose": "番号制度の開始（平成28年1月）に向け、業務システムと連携する宛名を一元化する。",
        "hours": 2500,
        "usage": 50000,
        "contract": ("V011", "C2014-101", "development", D(2014, 8, 1), D(2016, 3, 31), 71_500_000),
        "story": "to_operation",
        "dates": [D(2013, 5, 20), D(2013, 10, 15), D(2014, 7, 10)],
    },
    {
        "code": "P2014-001",
        "system": "S0004",
        "title": "共有ファイルサーバの容量増設",
        "kind": "modification",
        "unit": "D01-S01",
        "fy": 2014,
        "initial": 55_000_000,
        "recurring": 0,
        "method": "general_tender",
        "green": "yes",
        "purpose": "利用所属の拡大に伴い容量を増設する（全所属での利用を目指す）。",
        "hours": 200,
        "usage": None,
        "contract": (
            "V006",
            "C2014-102",
            "development",
            D(2014, 10, 1),
            D(2015, 3, 31),
            55_000_000,
        ),
        "story": "operation_submitted",
        "dates": [D(2014, 4, 20), D(2014, 6, 2), D(2014, 9, 10), D(2015, 2, 20)],
    },
    {
        "code": "P2014-002",
        "system": "S0023",
        "title": "税務システム機器更新",
        "kind": "renewal",
        "unit": "D01-S04",
        "fy": 2015,
        "initial": 38_000_000,
        "recurring": 205_000_000,
        "method": "undecided",
        "green": "yes",
        "purpose": "平成27年度末で保守期限を迎える機器を更新する。",
        "hours": None,
        "usage": None,
        "contract": None,
        "story": "budget_returned",
        "dates": [D(2014, 5, 15), D(2014, 7, 1), D(2014, 10, 20), D(2014, 10, 28)],
        "return_comment": "運用等経費が前年度予算から大きく増えています。過年度実績との比較と、"
        "仮想化基盤・クラウド利用の比較検討結果を添えて再提出してください。",
    },
    {
        "code": "P2014-003",
        "system": "S0015",
        "title": "仮想デスクトップシステムの導入",
        "kind": "new",
        "unit": "D01-S01",
        "fy": 2015,
        "initial": 60_000_000,
        "recurring": 9_000_000,
        "method": "undecided",
        "green": "yes",
        "purpose": "出先機関を含めた端末の集約と、災害時の在宅勤務に備える。",
        "hours": 1500,
        "usage": 800,
        "contract": None,
        "story": "planning_submitted",
        "dates": [D(2015, 2, 10)],
    },
    {
        "code": "P2014-004",
        "system": "S0146",
        "title": "道路施設点検データベースの構築",
        "kind": "new",
        "unit": "D07-S02",
        "fy": 2015,
        "initial": 24_000_000,
        "recurring": 2_800_000,
        "method": "proposal",
        "green": "na",
        "purpose": "橋梁・トンネルの点検結果を蓄積し、長寿命化計画に活用する。",
        "hours": 900,
        "usage": 3000,
        "contract": ("V004", "C2015-201", "development", D(2015, 6, 1), D(2020, 3, 31), 2_800_000),
        "story": "procurement_submitted",
        "dates": [D(2014, 6, 10), D(2014, 9, 1), D(2014, 11, 5), D(2015, 3, 2)],
    },
    {
        "code": "P2014-005",
        "system": "S0096",
        "title": "病床機能報告システムの導入",
        "kind": "cloud",
        "unit": "D04-S02",
        "fy": 2015,
        "initial": 5_000_000,
        "recurring": 4_200_000,
        "method": "undecided",
        "green": "na",
        "purpose": "医療機関からの病床機能報告を電子化し、地域医療構想の策定に用いる。",
        "hours": 700,
        "usage": 180,
        "contract": None,
        "story": "planning_draft",
        "dates": [],
    },
    {
        "code": "P2014-006",
        "system": "S0009",
        "title": "電子申請サービスのクラウド契約更新",
        "kind": "cloud",
        "unit": "D01-S01",
        "fy": 2015,
        "initial": 0,
        "recurring": 7_800_000,
        "method": "proposal",
        "green": "na",
        "purpose": "現行契約の満了に伴い、共同利用型クラウドサービスとして更新する。",
        "hours": None,
        "usage": 12000,
        "contract": None,
        "story": "budget_submitted",
        "dates": [D(2014, 5, 1), D(2014, 6, 20), D(2014, 11, 1)],
    },
    {
        # FY2015's purchase: switches that save power (3.4.2 グリーン調達), through to operation.
        "code": "P2015-001",
        "system": "S0001",
        "title": "行政ネットワーク機器の更新（省電力型スイッチ）",
        "kind": "renewal",
        "unit": "D01-S01",
        "fy": 2015,
        "initial": 36_000_000,
        "recurring": 9_600_000,
        "method": "general_tender",
        "green": "yes",
        "purpose": "保守期限を迎える庁内ネットワーク機器を省電力型に更新し、運用経費を抑える。",
        "hours": 300,
        "usage": 6000,
        "contract": ("V004", "C2015-101", "lease", D(2015, 10, 1), D(2020, 9, 30), 9_600_000),
        "story": "to_operation",
        "dates": [D(2014, 6, 2), D(2014, 10, 20), D(2015, 8, 20)],
    },
    {
        # FY2016's purchase: the medical information system's equipment, renewed green.
        "code": "P2016-001",
        "system": "S0089",
        "title": "災害・救急医療情報システムの機器更新",
        "kind": "renewal",
        "unit": "D04-S02",
        "fy": 2016,
        "initial": 18_500_000,
        "recurring": 4_200_000,
        "method": "general_tender",
        "green": "yes",
        "purpose": "機器の保守期限に合わせて更新し、災害時にも止まらない構成とする。",
        "hours": 200,
        "usage": 1500,
        "contract": ("V013", "C2016-101", "lease", D(2016, 10, 1), D(2021, 9, 30), 4_200_000),
        "story": "to_operation",
        "dates": [D(2015, 6, 8), D(2015, 10, 19), D(2016, 8, 22)],
    },
    {
        "code": "P2013-002",
        "system": "S0017",
        "title": "電子会議室システムの更改",
        "kind": "renewal",
        "unit": "D01-S01",
        "fy": 2014,
        "initial": 4_000_000,
        "recurring": 1_500_000,
        "method": "undecided",
        "green": "na",
        "purpose": "老朽化した電子会議室システムを更改する。",
        "hours": None,
        "usage": None,
        "contract": None,
        "story": "withdrawn",
        "dates": [D(2013, 6, 1), D(2013, 7, 10)],
        "withdraw_comment": "全庁共通システム（ポータル）の掲示板機能で代替できるため取り下げ、"
        "システムは廃止する。",
    },
]

STORIES = {
    # How far each case went: the sequence of (action, actor) from its first submission.
    "through": ["pass", "pass", "pass", "pass"],
    "to_operation": ["pass", "pass", "pass"],
    "operation_submitted": ["pass", "pass", "pass", "submit"],
    "budget_returned": ["pass", "submit", "return"],
    "planning_submitted": ["submit"],
    "procurement_submitted": ["pass", "pass", "submit"],
    "planning_draft": [],
    "budget_submitted": ["pass", "submit"],
    "withdrawn": ["submit", "withdraw"],
}

APPROVAL_COMMENTS = {
    "planning": "目的と効果、クラウド利用の検討結果を確認しました。予算要求に進んでください。",
    "budget": "経常経費の積算根拠を確認しました。",
    "procurement": "仕様書のセキュリティ要件と競争性を確認しました。",
    "operation": "検収と引継ぎの完了を確認しました。",
}


def _users(organisation, units) -> dict[str, User]:
    users = {}
    for row in EXTRA_USERS:
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = User(username=row["username"], first_name=row["name"])
            user.password = registry_demo.password_hash()
            services.object_create(obj=user)
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            services.membership_grant(
                user=user, organisation=organisation, role=row["role"], unit=units[row["unit"]]
            )
        users[row["username"]] = user
    for name in ("policy", "owner"):
        users[name] = User.objects.get(username=name)
    # Addresses for the e-mail digest (`daicho notify` prints it on the console in the demo).
    for name, user in users.items():
        if not user.email:
            services.object_update(obj=user, data={"email": f"{name}@pref.okayama.example.jp"})
    return users


def _owner_of(unit: OrgUnit, users) -> User:
    """The demo user who speaks for the owner section of a case."""
    if unit.code.startswith("D01-S01"):
        return users["policy2"]  # the IT policy division's own systems
    if unit.code.startswith("D01-S04"):
        return users["owner"]
    if unit.code.startswith("D04"):
        return users["owner_d04"]
    return users["owner_d07"]


def _tick(case) -> None:
    gov.case_update(
        case=case,
        data={},
        checklist={item.key: True for item in workflow.checklist_items(case)},
    )


def _case(organisation, row, units, systems, vendors, users) -> ProcurementCase:
    owner = _owner_of(units[row["unit"]], users)
    policy = users["policy"]
    with audit.audit_context(actor=owner, channel=Channel.WEB):
        case = gov.case_create(
            organisation=organisation,
            owner_unit=units[row["unit"]],
            system=systems[row["system"]],
            code=row["code"],
            title=row["title"],
            kind=row["kind"],
            fiscal_year=row["fy"],
            initial_cost=row["initial"],
            recurring_cost=row["recurring"],
            procurement_method=row["method"],
            green=row["green"],
            purpose=row["purpose"],
            expected_staff_hours_saved=row["hours"],
            expected_usage=row["usage"],
        )
    dates = iter(row["dates"])

    def submit_and_approve(day):
        with audit.audit_context(actor=owner, channel=Channel.WEB):
            if case.stage == "procurement" and row["contract"]:
                _fill_contract(case, row, vendors)
            _tick(case)
            gov.case_submit(case=case, decided_on=day - datetime.timedelta(days=10))
        with audit.audit_context(actor=policy, channel=Channel.WEB):
            gov.case_review_checks(
                case=case, checks={item.key: True for item in workflow.review_items(case)}
            )
            gov.case_approve_gate(
                case=case, comment=APPROVAL_COMMENTS.get(case.stage, ""), decided_on=day
            )

    for step in STORIES[row["story"]]:
        day = next(dates, None)
        if step == "pass":
            submit_and_approve(day)
        elif step == "submit":
            with audit.audit_context(actor=owner, channel=Channel.WEB):
                if case.stage == "procurement" and row["contract"]:
                    _fill_contract(case, row, vendors)
                _tick(case)
                gov.case_submit(case=case, decided_on=day)
        elif step == "return":
            with audit.audit_context(actor=policy, channel=Channel.WEB):
                gov.case_return(case=case, comment=row["return_comment"], decided_on=day)
        elif step == "withdraw":
            with audit.audit_context(actor=owner, channel=Channel.WEB):
                gov.case_withdraw(case=case, comment=row["withdraw_comment"], decided_on=day)
    evaluation = row.get("evaluation")
    if evaluation:
        with audit.audit_context(actor=owner, channel=Channel.WEB):
            gov.evaluation_create(
                system=case.system,
                case=case,
                fiscal_year=evaluation["fy"],
                evaluated_on=evaluation["on"],
                conclusion=evaluation["conclusion"],
                actual_cost=evaluation["actual"],
                actual_usage=evaluation["actual_usage"],
                actual_staff_hours_saved=evaluation["actual_hours"],
                findings=evaluation["findings"],
                follow_up=evaluation["follow_up"],
            )
    return case


def _fill_contract(case, row, vendors) -> None:
    vendor, code, kind, start, end, amount = row["contract"]
    gov.case_update(
        case=case,
        data={
            "vendor": vendors[vendor],
            "contract_code": code,
            "contract_kind": kind,
            "contract_start_on": start,
            "contract_end_on": end,
            "contract_amount": amount,
        },
    )


def _consultations(organisation) -> int:
    """The IT policy division's consultations, FY2013–FY2016, as its spreadsheet gives them
    (each names the staff member who handled it)."""
    rows = data_rows(DATA / "consultations.csv")
    return import_rows(
        "consultations", rows, organisation=organisation, name="demo-consultations.csv"
    )


def load(*, stdout=None) -> None:
    """Cases, consultations and evaluations for the demo organisation (once)."""
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None or ProcurementCase.objects.filter(organisation=organisation).exists():
        return
    units = {u.code: u for u in OrgUnit.objects.filter(organisation=organisation)}
    systems = {s.code: s for s in InformationSystem.objects.filter(organisation=organisation)}
    vendors = {v.code: v for v in Vendor.objects.filter(organisation=organisation)}
    users = _users(organisation, units)
    for row in CASES:
        _case(organisation, row, units, systems, vendors, users)
    if not Consultation.objects.filter(organisation=organisation).exists():
        count = _consultations(organisation)
    else:
        count = 0
    if not ReviewSettings.objects.filter(organisation=organisation).exists():
        with audit.audit_context(actor=users["policy"], channel=Channel.WEB):
            gov.review_settings_save(
                organisation=organisation,
                data={
                    "growth_percent": 10,
                    "history_percent": 15,
                    "peer_percent": 200,
                    "min_amount": 1_000_000,
                },
            )
    if stdout is not None:
        stdout.write(
            _("Governance: %(cases)d procurement cases, %(consultations)d consultations.")
            % {"cases": len(CASES), "consultations": count}
        )
        for row in EXTRA_USERS:
            stdout.write(f"  {row['username']:<8} {row['role']:<12} {row['name']}")
