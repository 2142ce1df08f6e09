"""Security data of the demo organisation 岡山県 (plan 3.1.3, 3.5.1): a few incidents that fall
to zero by FY2016, security and IT training each year with more staff attending, and a
targeted-mail drill a year whose click rate falls. Idempotent; staff names are fictional.

The incidents and the training attendance lists are files under data/demo/ loaded through the
import engine (tests/security/test_demo_source.py checks their story). The training sessions
(their hours have no import column) and the targeted-mail drills with their results per
department (no import kind) are written by the services."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from daicho.core.demo import data_rows, import_rows
from daicho.core.models import Organisation, OrgUnit
from daicho.security import services
from daicho.security.models import Attendance, Incident, PhishingDrill, TrainingSession

DATA = Path(__file__).parent / "data" / "demo"
D = datetime.date

# Training sessions: (ID, held on, title, topic, hours); who attended is data/demo/'s list.
TRAININGS = [
    ("T2014-01", D(2014, 5, 20), "新任職員情報セキュリティ研修", "security", 2),
    ("T2014-02", D(2014, 10, 8), "情報システム担当職員研修（調達・契約）", "project", 6),
    ("T2014-03", D(2015, 1, 27), "情報セキュリティ研修（管理職）", "security", 1.5),
    ("T2015-01", D(2015, 5, 19), "新任職員情報セキュリティ研修", "security", 2),
    ("T2015-02", D(2015, 7, 14), "表計算ソフト活用研修", "it_skills", 3),
    ("T2015-03", D(2015, 11, 10), "業務分析・BPR研修", "project", 6),
    ("T2015-04", D(2016, 2, 2), "標的型メール対策研修（全庁）", "security", 1),
    ("T2016-01", D(2016, 5, 17), "新任職員情報セキュリティ研修", "security", 2),
    ("T2016-02", D(2016, 8, 23), "プロジェクトマネジメント研修", "project", 6),
    ("T2016-03", D(2016, 10, 18), "表計算ソフト・データ活用研修", "it_skills", 3),
    ("T2016-04", D(2017, 1, 24), "情報セキュリティ研修（全職員）", "security", 1),
]  # fmt: skip

# Targeted-mail drills: (date, title, opened %, clicked %, reported %) for the whole prefecture.
PHISHING = [
    (datetime.date(2014, 11, 18), "平成26年度 標的型メール訓練", 38, 21, 6),
    (datetime.date(2015, 11, 17), "平成27年度 標的型メール訓練", 27, 12, 18),
    (datetime.date(2016, 11, 15), "平成28年度 標的型メール訓練", 19, 6, 34),
]


def _incidents(organisation) -> None:
    if Incident.objects.filter(organisation=organisation).exists():
        return
    rows = data_rows(DATA / "incidents.csv")
    import_rows("incidents", rows, organisation=organisation, name="demo-incidents.csv")


def _training(organisation) -> None:
    """The sessions (their hours have no import column), then who attended each, as the
    training office's attendance lists give them: later years reach further into the staff."""
    existing = set(
        TrainingSession.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    new = set()
    for code, held_on, title, topic, hours in TRAININGS:
        if code in existing:
            continue
        services.training_create(
            organisation=organisation,
            code=code,
            held_on=held_on,
            title=title,
            topic=topic,
            hours=Decimal(str(hours)),
        )
        new.add(code)
    rows = [row for row in data_rows(DATA / "training_attendance.csv") if row["研修ID"] in new]
    import_rows("training_attendance", rows, organisation=organisation, name="demo-attendance.csv")


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
    departments = sorted((u for u in units.values() if u.parent_id is None), key=lambda u: u.path)
    _incidents(organisation)
    _training(organisation)
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
