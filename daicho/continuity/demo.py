"""Continuity data of the demo organisation 岡山県, following the seed's story (3.1.1, 3.1.2,
3.3.3): the IT policy division issues a backup and restore standard in FY2014 (a second version
in FY2016 asks for copies in another region after the Kumamoto earthquake), owners record their
backups and a yearly restore test, the important systems get an ICT-BCP, one drill a year finds
things to improve, and the shared file server's outages are recorded. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.continuity import services
from daicho.continuity.models import (
    BackupConfig,
    BackupStandard,
    BcpPlan,
    ClassificationLevel,
    Drill,
    Outage,
    RestoreTest,
    ServiceProfile,
)
from daicho.core import services as core_services
from daicho.core.models import Organisation, OrgUnit
from daicho.registry.models import InformationSystem, Status

# Systems that do not meet the standard, and why (the demo's non-compliant list).
GAPS = {
    "S0026": "generations",  # 防災情報システム keeps 5 generations, the standard asks for 7
    "S0016": "same_building",  # 県ホームページ管理システム: its copy stays in the same building
    "S0013": "unencrypted",  # 職員情報共有データベース (機密性3) is not encrypted
    "S0024": "never_tested",  # 地方税電子申告システム: no restore test yet (税務課 can record one)
    "S0029": "monthly",  # 交通事故統計分析システム backs up monthly
    "S0021": "stopped_testing",  # 予算編成システム: restore tests stopped after FY2015
    "S0020": "no_backup",  # 庶務事務システム: no backup recorded
}
# Systems whose off-site copy is in the same region: fine under 第1版, short under 第2版.
SAME_REGION = ("S0068", "S0193")

# ICT-BCP: (code, fiscal year established, priority, RTO h, RPO h, depends on)
BCPS = [
    ("S0001", 2014, "A", 4, 24, ()),
    ("S0003", 2014, "A", 4, 24, ()),
    ("S0008", 2014, "A", 8, 24, ("S0001",)),
    ("S0002", 2014, "A", 12, 24, ("S0001", "S0008", "S0005")),
    ("S0005", 2014, "B", 24, 24, ("S0001",)),
    ("S0004", 2014, "B", 24, 24, ("S0001", "S0005")),
    ("S0023", 2014, "A", 24, 24, ("S0001",)),
    ("S0161", 2014, "A", 12, 24, ("S0001",)),
    ("S0018", 2015, "B", 48, 24, ("S0001",)),
    ("S0014", 2015, "B", 48, 24, ("S0008", "S0001")),
    ("S0009", 2015, "A", 8, 1, ("S0005",)),  # RPO 1 h with daily backups; 統合認証 only B
    ("S0026", 2015, "A", 2, 24, ("S0001",)),  # RTO 2 h, the restore test took longer
    ("S0046", 2015, "A", 24, 24, ("S0001",)),
    ("S0050", 2015, "A", 24, 24, ("S0001",)),
    ("S0082", 2015, "A", 24, 24, ("S0008", "S0001")),
    ("S0089", 2015, "A", 4, 24, ("S0001",)),
    ("S0147", 2015, "A", 4, 24, ("S0001", "S0148")),
    ("S0148", 2015, "A", 4, 24, ("S0001",)),
    ("S0158", 2016, "A", 4, 24, ("S0001", "S0148")),
    ("S0162", 2016, "A", 24, 24, ("S0161", "S0008")),
    ("S0163", 2016, "A", 24, 24, ("S0161", "S0008")),
    ("S0175", 2016, "A", 12, 24, ("S0181",)),  # 企業局ネットワーク has no ICT-BCP yet
    ("S0182", 2016, "B", 72, 24, ()),
    ("S0100", 2016, "B", 48, 24, ("S0008",)),
]

DRILLS = [
    {
        "held_on": datetime.date(2014, 11, 5),
        "kind": "desk",
        "title": "平成26年度 ICT-BCP机上訓練（南海トラフ地震想定）",
        "scenario": "平日10時に震度6強の地震が発生。本庁舎は停電し、非常用発電機で72時間"
        "稼働する想定で、情報システムの復旧手順と優先順位を確認する。",
        "participants": 38,
        "systems": ("S0001", "S0002", "S0008", "S0023", "S0161"),
        "units": ("D01-S01", "D01-S04", "D08-S01", "D01-S05"),
        "findings": [
            (
                "緊急連絡網に異動前の職員が残っていた",
                "緊急連絡網を年度当初と人事異動時に更新する",
                "D01-S01",
                "情報政策課 企画班",
                datetime.date(2015, 1, 31),
                "act",
                datetime.date(2015, 1, 20),
            ),
            (
                "保守事業者の夜間連絡先が契約書に記載されていなかった",
                "主要システムの保守契約に夜間・休日の連絡体制を明記する",
                "D01-S01",
                "情報政策課 基盤班",
                datetime.date(2015, 3, 31),
                "act",
                datetime.date(2015, 3, 24),
            ),
        ],
    },
    {
        "held_on": datetime.date(2015, 10, 21),
        "kind": "functional",
        "title": "平成27年度 ICT-BCP機能訓練（バックアップからの復元）",
        "scenario": "仮想化基盤のストレージ障害を想定し、遠隔地に保管したバックアップから"
        "税務システムと文書管理システムを復元する。",
        "participants": 24,
        "systems": ("S0008", "S0014", "S0023"),
        "units": ("D01-S01", "D01-S04"),
        "findings": [
            (
                "遠隔地からの媒体搬送に想定の3倍の時間を要した",
                "遠隔地保管を媒体搬送からネットワーク転送に切り替える",
                "D01-S01",
                "情報政策課 基盤班",
                datetime.date(2016, 3, 31),
                "act",
                datetime.date(2016, 3, 15),
            ),
            (
                "復元手順書のバージョンが古く、手順どおりに復元できなかった",
                "各所管課の復元手順書を点検し、訓練結果を反映する",
                "D01-S04",
                "税務課 電算担当",
                datetime.date(2016, 6, 30),
                "check",
                None,
            ),
        ],
    },
    {
        "held_on": datetime.date(2016, 11, 16),
        "kind": "full",
        "title": "平成28年度 ICT-BCP総合訓練（熊本地震を踏まえた全庁訓練）",
        "scenario": "本庁舎が被災し使用不能となった想定で、代替拠点から行政ネットワークと"
        "非常時優先業務のシステムを立ち上げる。",
        "participants": 112,
        "systems": ("S0001", "S0002", "S0004", "S0005", "S0008", "S0089", "S0147", "S0158"),
        "units": ("D01-S01", "D01-S05", "D04-S02", "D07-S03", "D07-S05"),
        "findings": [
            (
                "代替拠点の回線容量が不足し、共有ファイルサーバの利用が制限された",
                "代替拠点の回線を増強する（平成29年度予算要求）",
                "D01-S01",
                "情報政策課 基盤班",
                datetime.date(2017, 3, 31),
                "do",
                None,
            ),
            (
                "災害・救急医療情報システムの代替手段（FAX）の送信先一覧が古かった",
                "代替手段の連絡先一覧を四半期ごとに更新する",
                "D04-S02",
                "医療推進課 担当",
                datetime.date(2017, 1, 31),
                "act",
                datetime.date(2017, 1, 25),
            ),
            (
                "土砂災害情報システムの復旧手順が担当者1名に依存していた",
                "復旧手順を文書化し、複数の職員で訓練する",
                "D07-S05",
                "防災砂防課 担当",
                datetime.date(2017, 2, 28),
                "plan",
                None,
            ),
        ],
    },
]


def _d(fy: int, month: int, day: int) -> datetime.date:
    return datetime.date(fy + (1 if month < 4 else 0), month, day)


def _at(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def _level(scheme, axis, code):
    return ClassificationLevel.objects.get(scheme=scheme, axis=axis, code=code)


def _standards(organisation) -> None:
    if BackupStandard.objects.filter(organisation=organisation).exists():
        return
    scheme = services.scheme_install(organisation=organisation, code="soumu")
    services.scheme_install(organisation=organisation, code="local-2ab")
    services.scheme_install(organisation=organisation, code="soumu-2024")
    first = services.standard_create(
        organisation=organisation,
        version="第1版",
        title="岡山県情報システムバックアップ・リストア基準",
        scheme=scheme,
        effective_from=datetime.date(2014, 10, 1),
        note="岡山県情報システム最適化計画（第二次）3.1.2に基づき、データの重要度に応じた"
        "バックアップとリストアの基準を全庁で統一する。",
    )
    rules = [
        (
            "重要データ（可用性2・完全性2）",
            [("availability", "2"), ("integrity", "2")],
            {
                "max_frequency": "daily",
                "min_generations": 7,
                "min_copy_location": "off_site",
                "restore_test_months": 12,
            },
        ),
        (
            "機密性3（個人情報等）",
            [("confidentiality", "3")],
            {"encryption_required": True, "min_copy_location": "off_site"},
        ),
        ("機密性2", [("confidentiality", "2")], {"max_frequency": "weekly", "min_generations": 3}),
        (
            "全システム共通",
            [("confidentiality", c) for c in ("1", "2", "3")],
            {"max_frequency": "weekly", "min_generations": 2},
        ),
    ]
    for order, (title, levels, fields) in enumerate(rules, start=1):
        services.rule_create(
            standard=first,
            title=title,
            order=order,
            levels=[_level(scheme, axis, code) for axis, code in levels],
            **fields,
        )
    second = services.standard_create(
        organisation=organisation,
        version="第2版",
        title="岡山県情報システムバックアップ・リストア基準",
        scheme=scheme,
        effective_from=datetime.date(2016, 10, 1),
        note="熊本地震を踏まえ、可用性2のシステムは別地域にも複製を保管する。",
        copy_rules_from=first,
    )
    services.rule_create(
        standard=second,
        title="可用性2の広域災害対策",
        order=5,
        levels=[_level(scheme, "availability", "2")],
        min_copy_location="other_region",
    )


def _fiscal_years_until_today(first: int) -> list[int]:
    today = timezone.localdate()
    last = today.year - (1 if today.month < 4 else 0)
    return list(range(first, last + 1))


def _backups(organisation, systems) -> None:
    """Each operating system's backup and its yearly restore tests, written in bulk."""
    done = set(
        BackupConfig.objects.filter(system__organisation=organisation).values_list(
            "system_id", flat=True
        )
    )
    tested = set(
        RestoreTest.objects.filter(system__organisation=organisation).values_list(
            "system_id", flat=True
        )
    )
    today = timezone.localdate()
    configs: list[BackupConfig] = []
    tests: list[RestoreTest] = []
    for system in systems:
        if system.status != Status.OPERATING or system.pk in done:
            continue
        gap = GAPS.get(system.code)
        if gap == "no_backup":
            continue
        rng = random.Random(f"backup-{system.code}")
        important = "2" in (system.availability, system.integrity)
        location = (
            "other_region"
            if system.availability == "2" and system.code not in SAME_REGION
            else "off_site"
        )
        if system.hosting in ("cloud", "gov_cloud"):
            location = "other_region" if system.availability == "2" else "cloud"
        fields = {
            "method": "snapshot" if system.hosting == "virtualized" else "full",
            "target": "データベース一式" if important else "業務データ",
            "frequency": "daily" if important or system.confidentiality == "3" else "weekly",
            "generations": rng.choice((7, 10, 14)) if important else rng.choice((3, 4, 5)),
            "copy_location": location,
            "encrypted": system.confidentiality == "3" or rng.random() < 0.4,
            "last_success_on": today - datetime.timedelta(days=1),
        }
        if gap == "generations":
            fields["generations"] = 5
        elif gap == "same_building":
            fields["copy_location"] = "same_building"
        elif gap == "unencrypted":
            fields["encrypted"] = False
        elif gap == "monthly":
            fields["frequency"] = "monthly"
        configs.append(BackupConfig(system=system, **fields))
        if not important or gap == "never_tested" or system.pk in tested:
            continue
        years = _fiscal_years_until_today(2014)
        if gap == "stopped_testing":
            years = [y for y in years if y <= 2015]
        month = rng.choice((10, 11, 12, 1, 2))
        for fy in years:
            day = _d(fy, month, rng.randint(1, 28))
            if day > today:
                continue
            minutes = rng.choice((45, 90, 120, 180, 240))
            if system.code == "S0026":
                minutes = 150  # longer than its RTO of 2 hours: the readiness check flags it
            tests.append(
                RestoreTest(
                    system=system,
                    tested_on=day,
                    result="failure" if fy == 2014 and rng.random() < 0.05 else "success",
                    duration_minutes=minutes,
                    data_restored=fields["target"],
                )
            )
    # In bulk, as an import writes them (the services' one-by-one path took most of the load).
    core_services.objects_create_many(objs=configs, organisation=organisation)
    core_services.objects_create_many(objs=tests, organisation=organisation)


def _bcps(systems) -> None:
    by_code = {s.code: s for s in systems}
    have = set(BcpPlan.objects.filter(system__in=systems).values_list("system__code", flat=True))
    for code, fy, priority, rto, rpo, deps in BCPS:
        if code in have:
            continue
        system = by_code[code]
        services.bcp_save(
            system=system,
            dependencies=[by_code[d] for d in deps],
            priority_work=priority == "A",
            recovery_priority=priority,
            rto_hours=rto,
            rpo_hours=rpo,
            established_on=_d(fy, 3, 1) if code != "S0001" else datetime.date(2014, 9, 1),
            alternate_procedure=""
            if code == "S0158"
            else "システム停止時は紙の様式で受け付け、復旧後に入力する。",
            staff_contact=f"{system.owner_unit.name} 担当（内線）",
            vendor_contact="保守事業者 コールセンター（24時間）",
        )


def _drills(organisation, systems) -> None:
    by_code = {s.code: s for s in systems}
    units = {u.code: u for u in OrgUnit.objects.filter(organisation=organisation)}
    existing = set(Drill.objects.filter(organisation=organisation).values_list("title", flat=True))
    for data in DRILLS:
        if data["title"] in existing:
            continue
        drill = services.drill_create(
            organisation=organisation,
            held_on=data["held_on"],
            kind=data["kind"],
            title=data["title"],
            scenario=data["scenario"],
            participants=data["participants"],
            systems=[by_code[c] for c in data["systems"]],
            units=[units[c] for c in data["units"]],
        )
        for finding, action, unit, owner, due, status, done in data["findings"]:
            item = services.finding_create(
                drill=drill,
                finding=finding,
                action=action,
                action_unit=units[unit],
                action_owner=owner,
                due_on=due,
            )
            if status != "plan":
                services.finding_set_status(finding=item, status=status, on=done)


def _file_server(organisation, systems) -> None:
    server = next(s for s in systems if s.name == "共有ファイルサーバ")
    if ServiceProfile.objects.filter(system=server).exists():
        return
    services.service_profile_save(
        system=server, shared_file_server=True, service_start_hour=0, service_end_hour=24
    )
    outages = [
        # FY2014: a disk failure, monthly planned maintenance, a power cut over the year end
        (
            _at(2014, 6, 12, 9, 10),
            _at(2014, 6, 12, 13, 40),
            False,
            "ディスク障害（RAIDコントローラ交換）",
        ),
        (_at(2014, 9, 27, 8), _at(2014, 9, 27, 20), True, "定期保守（ファームウェア更新）"),
        (_at(2014, 12, 26, 18), _at(2014, 12, 27, 6), True, "年末定期保守"),
        (
            _at(2015, 1, 20, 10, 5),
            _at(2015, 1, 20, 21, 35),
            False,
            "ウイルス対策ソフトの定義更新不具合",
        ),
        (_at(2015, 3, 31, 22), _at(2015, 4, 1, 3), False, "庁舎停電（電気設備工事の不具合）"),
        # FY2015: the server is renewed (planned), one network fault
        (_at(2015, 8, 8, 8), _at(2015, 8, 9, 20), True, "サーバ更新に伴うデータ移行"),
        (_at(2015, 11, 4, 13), _at(2015, 11, 4, 15, 30), False, "基幹スイッチ障害"),
        # FY2016: the Kumamoto earthquake's lesson: a failover test (planned) and a short fault
        (_at(2016, 5, 21, 9), _at(2016, 5, 21, 17), True, "遠隔地への切替試験"),
        (_at(2017, 2, 2, 10), _at(2017, 2, 2, 11), False, "認証サーバ連携の一時停止"),
    ]
    for start, end, planned, cause in outages:
        services.outage_create(
            system=server, started_at=start, ended_at=end, planned=planned, cause=cause
        )
    sections = list(
        OrgUnit.objects.filter(organisation=organisation, kind="section").order_by("tree_key")
    )
    rng = random.Random("fileserver")
    for index, unit in enumerate(sections):
        # Most 本庁 sections joined when the server came (January 2010); the rest follow the
        # plan's push for all-department use (3.3.3) in FY2015 and FY2016.
        if index % 9 == 4:
            since = datetime.date(2016, 4, 1)
        elif index % 7 == 3:
            since = datetime.date(2015, rng.choice((6, 10)), 1)
        else:
            since = datetime.date(2010, 1, 4)
        services.usage_save(system=server, unit=unit, since=since)


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None:
        return
    systems = list(
        InformationSystem.objects.filter(organisation=organisation)
        .select_related("owner_unit", "organisation")
        .order_by("code")
    )
    _standards(organisation)
    _backups(organisation, systems)
    _bcps(systems)
    _drills(organisation, systems)
    _file_server(organisation, systems)
    if stdout is not None:
        stdout.write(
            _(
                "Continuity: %(backups)d backup configurations, %(bcps)d ICT-BCPs, %(drills)d "
                "drills, %(outages)d outages."
            )
            % {
                "backups": BackupConfig.objects.filter(system__organisation=organisation).count(),
                "bcps": BcpPlan.objects.filter(system__organisation=organisation).count(),
                "drills": Drill.objects.filter(organisation=organisation).count(),
                "outages": Outage.objects.filter(system__organisation=organisation).count(),
            }
        )
