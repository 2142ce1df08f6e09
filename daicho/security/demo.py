"""Security data of the demo organisation 岡山県 (plan 3.1.3, 3.5.1): a few incidents that fall
to zero by FY2016, security and IT training each year with more staff attending, and a
targeted-mail drill a year whose click rate falls. Idempotent; staff names are fictional."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils.translation import gettext as _

from daicho.core import services as core_services
from daicho.core.models import Organisation, OrgUnit
from daicho.registry.models import InformationSystem
from daicho.security import services
from daicho.security.models import Attendance, Incident, PhishingDrill, TrainingSession

INCIDENTS = [
    {
        "occurred_on": datetime.date(2014, 7, 14),
        "title": "個人情報を含むUSBメモリの紛失",
        "kind": "loss",
        "severity": "high",
        "unit": "D04-S04",
        "systems": ("S0106",),
        "personal_data": True,
        "personal_records": 86,
        "status": "closed",
        "reported_to": "情報政策課、CISO、個人情報保護審議会",
        "description": "出張先で業務用USBメモリを紛失した。暗号化されていなかった。",
        "measures": "持ち出し用USBメモリを暗号化機能付きに限定し、持ち出し簿を電子化した。",
        "closed_on": datetime.date(2014, 9, 30),
    },
    {
        "occurred_on": datetime.date(2015, 1, 22),
        "title": "メールの誤送信（宛先の入力誤り）",
        "kind": "missent",
        "severity": "medium",
        "unit": "D05-S02",
        "systems": ("S0002",),
        "personal_data": True,
        "personal_records": 12,
        "status": "closed",
        "reported_to": "情報政策課",
        "description": "事業者あての一覧を別の事業者に送信した。",
        "measures": "外部あてメールの送信前確認（送信保留機能）を全庁で有効にした。",
        "closed_on": datetime.date(2015, 2, 27),
    },
    {
        "occurred_on": datetime.date(2015, 9, 8),
        "title": "標的型メールの添付ファイル開封によるマルウェア感染",
        "kind": "malware",
        "severity": "medium",
        "unit": "D07-S01",
        "systems": ("S0001",),
        "personal_data": False,
        "status": "closed",
        "reported_to": "情報政策課、CISO、岡山県警察",
        "description": "職員が標的型メールの添付ファイルを開き、端末1台が感染した。"
        "通信はファイアウォールで遮断され、情報の流出はなかった。",
        "measures": "端末を初期化し、ウイルス対策の定義更新を1時間ごとにした。"
        "標的型メール訓練の対象を全職員に広げた。",
        "closed_on": datetime.date(2015, 10, 30),
    },
]

SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "岡田",
]
GIVEN = [
    "太郎",
    "花子",
    "一郎",
    "陽子",
    "健",
    "美咲",
    "大輔",
    "直美",
    "誠",
    "由美",
    "翔太",
    "恵",
    "拓也",
    "真理",
    "修",
    "智子",
]

TRAININGS = [
    (
        2014,
        "T2014-01",
        datetime.date(2014, 5, 20),
        "新任職員情報セキュリティ研修",
        "security",
        2,
        60,
    ),
    (
        2014,
        "T2014-02",
        datetime.date(2014, 10, 8),
        "情報システム担当職員研修（調達・契約）",
        "project",
        6,
        35,
    ),
    (
        2014,
        "T2014-03",
        datetime.date(2015, 1, 27),
        "情報セキュリティ研修（管理職）",
        "security",
        1.5,
        40,
    ),
    (
        2015,
        "T2015-01",
        datetime.date(2015, 5, 19),
        "新任職員情報セキュリティ研修",
        "security",
        2,
        65,
    ),
    (2015, "T2015-02", datetime.date(2015, 7, 14), "表計算ソフト活用研修", "it_skills", 3, 45),
    (2015, "T2015-03", datetime.date(2015, 11, 10), "業務分析・BPR研修", "project", 6, 30),
    (
        2015,
        "T2015-04",
        datetime.date(2016, 2, 2),
        "標的型メール対策研修（全庁）",
        "security",
        1,
        60,
    ),
    (
        2016,
        "T2016-01",
        datetime.date(2016, 5, 17),
        "新任職員情報セキュリティ研修",
        "security",
        2,
        70,
    ),
    (
        2016,
        "T2016-02",
        datetime.date(2016, 8, 23),
        "プロジェクトマネジメント研修",
        "project",
        6,
        35,
    ),
    (
        2016,
        "T2016-03",
        datetime.date(2016, 10, 18),
        "表計算ソフト・データ活用研修",
        "it_skills",
        3,
        55,
    ),
    (
        2016,
        "T2016-04",
        datetime.date(2017, 1, 24),
        "情報セキュリティ研修（全職員）",
        "security",
        1,
        80,
    ),
]

# Targeted-mail drills: (date, title, opened %, clicked %, reported %) for the whole prefecture.
PHISHING = [
    (datetime.date(2014, 11, 18), "平成26年度 標的型メール訓練", 38, 21, 6),
    (datetime.date(2015, 11, 17), "平成27年度 標的型メール訓練", 27, 12, 18),
    (datetime.date(2016, 11, 15), "平成28年度 標的型メール訓練", 19, 6, 34),
]


def _incidents(organisation, units, systems) -> None:
    if Incident.objects.filter(organisation=organisation).exists():
        return
    for data in INCIDENTS:
        data = dict(data)
        services.incident_create(
            organisation=organisation,
            unit=units[data.pop("unit")],
            systems=[systems[c] for c in data.pop("systems")],
            **data,
        )


def _staff(sections) -> list[tuple[str, str, OrgUnit]]:
    """Fictional staff: number, name, section."""
    rng = random.Random("staff")
    people = []
    for n in range(1, 401):
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        people.append((f"{20000 + n * 7:06d}", name, sections[n % len(sections)]))
    return people


def _training(organisation, sections) -> None:
    existing = set(
        TrainingSession.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    people = _staff(sections)
    for fy, code, held_on, title, topic, hours, size in TRAININGS:
        if code in existing:
            continue
        session = services.training_create(
            organisation=organisation,
            code=code,
            held_on=held_on,
            title=title,
            topic=topic,
            hours=Decimal(str(hours)),
        )
        rng = random.Random(code)
        # Later years reach further into the staff: more people trained each year.
        pool = people[: 150 + (fy - 2014) * 110]
        # In bulk, as an attendance list is imported.
        core_services.objects_create_many(
            objs=[
                Attendance(
                    session=session,
                    staff_id=staff_id,
                    name=name,
                    unit=unit,
                    attended=rng.random() > 0.06,
                )
                for staff_id, name, unit in rng.sample(pool, size)
            ],
            organisation=organisation,
        )


def _phishing(organisation, departments) -> None:
    if PhishingDrill.objects.filter(organisation=organisation).exists():
        return
    for sent_on, title, opened, clicked, reported in PHISHING:
        drill = services.phishing_drill_create(
            organisation=organisation,
            sent_on=sent_on,
            title=title,
            scenario="「【至急】健康診断の再受診について」と題し、添付ファイルの開封を促すメール",
        )
        rng = random.Random(title)
        for department in departments:
            sent = rng.randint(80, 260)

            def share(percent, rng=rng, sent=sent):
                return min(sent, max(0, round(sent * (percent + rng.uniform(-4, 4)) / 100)))

            o, c, r = share(opened), share(clicked), share(reported)
            services.phishing_result_save(
                drill=drill, unit=department, sent=sent, opened=max(o, c), clicked=c, reported=r
            )


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None:
        return
    units = {u.code: u for u in OrgUnit.objects.filter(organisation=organisation)}
    systems = {s.code: s for s in InformationSystem.objects.filter(organisation=organisation)}
    sections = [u for u in units.values() if u.kind == "section"]
    sections.sort(key=lambda u: u.path)
    departments = sorted((u for u in units.values() if u.parent_id is None), key=lambda u: u.path)
    _incidents(organisation, units, systems)
    _training(organisation, sections)
    _phishing(organisation, departments)
    if stdout is not None:
        stdout.write(
            _(
                "Security: %(incidents)d incidents, %(sessions)d training sessions, %(rows)d "
                "attendances, %(drills)d targeted-mail drills."
            )
            % {
                "incidents": Incident.objects.filter(organisation=organisation).count(),
                "sessions": TrainingSession.objects.filter(organisation=organisation).count(),
                "rows": Attendance.objects.filter(session__organisation=organisation).count(),
                "drills": PhishingDrill.objects.filter(organisation=organisation).count(),
            }
        )
