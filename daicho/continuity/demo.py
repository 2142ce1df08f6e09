"""Continuity data of the demo organisation 岡山県, following the seed's story (3.1.1, 3.1.2,
3.3.3): the IT policy division issues a backup and restore standard in FY2014 (a second version
in FY2016 asks for copies in another region after the Kumamoto earthquake), owners record their
backups and a yearly restore test, the important systems get an ICT-BCP, one drill a year finds
things to improve, and the shared file server's outages are recorded. Idempotent.

The owners' records are files under data/demo/ loaded through the import engine (backups,
restore tests, ICT-BCP, drills and their findings, outages); what has no import kind is written
by the services: the classification schemes, the backup standard and its rules, the file
server's service profile and the units that use it. What the files tell (the systems that miss
the standard and why) is checked in tests/continuity/test_demo_source.py."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

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
from daicho.core.demo import data_rows, import_rows
from daicho.core.models import Organisation, OrgUnit
from daicho.registry.models import InformationSystem

DATA = Path(__file__).parent / "data" / "demo"


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


def _new(rows: list[dict], column: str, have: set) -> list[dict]:
    """The rows whose ``column`` names nothing the ledger has yet (what exists is kept)."""
    return [row for row in rows if row[column] not in have]


def _backups(organisation) -> None:
    """Each operating system's backup and its yearly restore tests, as the owners' files give
    them. The demo's backups all last succeeded yesterday, and the restore tests run to FY2035:
    those after today are left for the years to come."""
    today = timezone.localdate()
    have = set(
        BackupConfig.objects.filter(system__organisation=organisation).values_list(
            "system__code", flat=True
        )
    )
    rows = _new(data_rows(DATA / "backups.csv"), "システムID", have)
    for row in rows:
        row["最終成功日"] = (today - datetime.timedelta(days=1)).isoformat()
    import_rows("backups", rows, organisation=organisation, name="demo-backups.csv")
    have = set(
        RestoreTest.objects.filter(system__organisation=organisation).values_list(
            "system__code", flat=True
        )
    )
    rows = [
        row
        for row in _new(data_rows(DATA / "restore_tests.csv"), "システムID", have)
        if row["実施日"] <= today.isoformat()
    ]
    import_rows("restore_tests", rows, organisation=organisation, name="demo-restore-tests.csv")


def _bcps(organisation) -> None:
    have = set(
        BcpPlan.objects.filter(system__organisation=organisation).values_list(
            "system__code", flat=True
        )
    )
    rows = _new(data_rows(DATA / "bcp.csv"), "システムID", have)
    import_rows("bcp", rows, organisation=organisation, name="demo-bcp.csv")


def _drills(organisation) -> None:
    have = set(Drill.objects.filter(organisation=organisation).values_list("title", flat=True))
    drills = _new(data_rows(DATA / "drills.csv"), "訓練名", have)
    import_rows("drills", drills, organisation=organisation, name="demo-drills.csv")
    findings = [
        row
        for row in data_rows(DATA / "drill_findings.csv")
        if row["訓練名"] in {d["訓練名"] for d in drills}
    ]
    import_rows(
        "drill_findings", findings, organisation=organisation, name="demo-drill-findings.csv"
    )


def _file_server(organisation, systems) -> None:
    server = next(s for s in systems if s.name == "共有ファイルサーバ")
    if ServiceProfile.objects.filter(system=server).exists():
        return
    services.service_profile_save(
        system=server, shared_file_server=True, service_start_hour=0, service_end_hour=24
    )
    import_rows(
        "outages",
        data_rows(DATA / "outages.csv"),
        organisation=organisation,
        name="demo-outages.csv",
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
    _backups(organisation)
    _bcps(organisation)
    _drills(organisation)
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
