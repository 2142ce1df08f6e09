"""The demo's software assets (idempotent): installations inventoried on a sample of the PCs in
use, the prefecture's licences (a volume agreement for Office, packages bought per unit, an
anti-virus subscription) with a few shortfalls, this year's 棚卸 under way, and last year's SAM
audit with its findings."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core.demo import import_rows
from daicho.core.models import Organisation, OrgUnit
from daicho.sam import services
from daicho.sam.models import (
    CheckResult,
    Device,
    Installation,
    InventoryCampaign,
    LicenceMetric,
    LicenceType,
    SoftwareTitle,
)

SAMPLE = 2400  # PCs whose inventory the demo holds (the sam officer's unit always among them)

# (raw name as Programs and Features shows it, version, publisher, share of PCs)
SOFTWARE = [
    ("Microsoft Office Standard 2019", "16.0.10396.20017", "Microsoft Corporation", 0.62),
    ("Microsoft Office Standard 2016", "16.0.4266.1001", "Microsoft Corporation", 0.30),
    ("Microsoft Office Standard 2013", "15.0.4569.1506", "Microsoft Corporation", 0.08),
    ("Microsoft Visio Professional 2016", "16.0.4266.1001", "Microsoft Corporation", 0.02),
    ("Microsoft Project Standard 2019", "16.0.10396.20017", "Microsoft Corporation", 0.01),
    ("一太郎2022", "32.0.2", "JustSystems Corporation", 0.35),
    ("一太郎2019", "29.0.1", "JustSystems Corporation", 0.18),
    ("ATOK 2017 for Windows", "30.0.4", "JustSystems Corporation", 0.20),
    ("花子2022", "32.0.1", "JustSystems Corporation", 0.05),
    ("Adobe Acrobat Reader DC - Japanese", "23.008.20470", "Adobe Inc.", 0.97),
    ("Adobe Acrobat DC (64-bit)", "23.008.20470", "Adobe Inc.", 0.06),
    (
        "ウイルスバスター コーポレートエディション クライアント",
        "14.0.12932",
        "Trend Micro Inc.",
        0.99,
    ),
    ("DocuWorks 9", "9.1.4", "FUJIFILM Business Innovation Corp.", 0.12),
    ("Lhaplus", "1.74", "Schezo", 0.55),
    ("秀丸エディタ (64bit)", "9.22", "斉藤秀夫", 0.04),
    ("Google Chrome", "131.0.6778.86", "Google LLC", 0.40),
    ("Mozilla Firefox (x64 ja)", "133.0", "Mozilla", 0.10),
    ("Java 8 Update 351", "8.0.3510.10", "Oracle Corporation", 0.01),
    ("CubePDF", "3.0.1", "CubeSoft", 0.15),
    ("電子申請受付端末ツール", "2.1", "岡山県", 0.03),
    ("統計処理マクロ集 Ver.5", "5.0", "岡山県統計分析課", 0.02),
]


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None or SoftwareTitle.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    in_use = Device.objects.filter(organisation=organisation).in_use_on(today)
    sam_unit = OrgUnit.objects.filter(organisation=organisation, code="D04-S04").first()
    rng = random.Random(334)
    ids = list(in_use.values_list("pk", "name", "unit_id").order_by("pk"))
    if not ids:
        return
    chosen = [d for d in ids if sam_unit and d[2] == sam_unit.pk]
    rest = [d for d in ids if not sam_unit or d[2] != sam_unit.pk]
    chosen += rng.sample(rest, min(SAMPLE - len(chosen), len(rest)))
    rows = []
    for _pk, name, _unit in chosen:
        office = rng.random()
        for raw, version, publisher, share in SOFTWARE:
            if raw.startswith("Microsoft Office Standard"):
                # One Office per PC: the newest for most, older ones where PCs were kept.
                year = raw[-4:]
                band = {"2019": (0, 0.62), "2016": (0.62, 0.92), "2013": (0.92, 1.01)}[year]
                if not band[0] <= office < band[1]:
                    continue
            elif rng.random() >= share:
                continue
            day = today - datetime.timedelta(days=rng.randrange(30, 1500))
            rows.append(
                {
                    "device": name,
                    "software": raw,
                    "version": version,
                    "publisher": publisher,
                    "installed_on": day.isoformat(),
                }
            )
    import_rows("installations", rows, organisation=organisation, name="demo-inventory.csv")
    _licences(organisation, today)
    _campaign(organisation, today, sam_unit)
    _audit(organisation, today)
    if stdout is not None:
        stdout.write(
            _("Software: %(installations)d installations on %(pcs)d PCs.")
            % {
                "installations": Installation.objects.filter(
                    device__organisation=organisation
                ).count(),
                "pcs": len(chosen),
            }
        )


def _title(organisation, name, edition=""):
    return SoftwareTitle.objects.get(organisation=organisation, name=name, edition=edition)


def _licences(organisation, today) -> None:
    office = _title(organisation, "Microsoft Office", "Standard")
    units = {u.code: u for u in OrgUnit.objects.filter(organisation=organisation)}
    fy = today.year if today.month >= 4 else today.year - 1
    rows = [
        # The volume agreement of FY2019 covers Office 2019 and, by downgrade, 2016 and 2013;
        # bought for fewer PCs than now run Office: a shortfall.
        dict(title=office, version="2019", quantity=2330, type=LicenceType.VOLUME,
             downgrade_rights=True, valid_from=datetime.date(2019, 4, 1),
             certificate="MS-VL-2019-0001", unit_price=38_000),
        dict(title=office, version="2013", quantity=40, type=LicenceType.OEM,
             certificate="OEM-2014-PC", unit_price=28_000),
        dict(title=_title(organisation, "一太郎"), version="2022", quantity=1300,
             type=LicenceType.VOLUME, downgrade_rights=True, certificate="JS-2022-0420",
             unit_price=9_800),
        dict(title=_title(organisation, "ATOK"), version="2017", quantity=460,
             type=LicenceType.PACKAGE, certificate="JS-ATOK-2017", unit_price=7_500),
        dict(title=_title(organisation, "花子"), version="2022", quantity=150,
             type=LicenceType.PACKAGE, certificate="JS-HNK-2022", unit_price=12_000),
        dict(title=_title(organisation, "Adobe Acrobat", "DC"), version="DC", quantity=140,
             type=LicenceType.SUBSCRIPTION, metric=LicenceMetric.USER,
             valid_from=datetime.date(fy, 4, 1), valid_until=datetime.date(fy + 1, 3, 31),
             certificate=f"ADB-VIP-{fy}", unit_price=23_760),
        dict(title=_title(organisation, "ウイルスバスター コーポレートエディション"),
             metric=LicenceMetric.SITE, quantity=0, type=LicenceType.SUBSCRIPTION,
             valid_from=today - datetime.timedelta(days=300),
             valid_until=today + datetime.timedelta(days=65), certificate="TM-CORP-SITE"),
        dict(title=_title(organisation, "DocuWorks"), version="9", quantity=300,
             type=LicenceType.PACKAGE, certificate="FB-DW9", unit_price=14_000),
        dict(title=_title(organisation, "秀丸エディタ"), quantity=40, type=LicenceType.PACKAGE,
             unit=units.get("D01-S01"), certificate="HM-2020", unit_price=4_000),
        dict(title=_title(organisation, "秀丸エディタ"), quantity=60, type=LicenceType.PACKAGE,
             certificate="HM-2022", unit_price=4_000),
        dict(title=_title(organisation, "Microsoft Visio", "Professional"), version="2016",
             quantity=20, type=LicenceType.PACKAGE, unit=units.get("D01-S01"),
             certificate="MS-VISIO-2016", unit_price=68_000),
        dict(title=_title(organisation, "Microsoft Visio", "Professional"), version="2016",
             quantity=18, type=LicenceType.PACKAGE, certificate="MS-VISIO-2016-B",
             unit_price=68_000),
        dict(title=_title(organisation, "Microsoft Project", "Standard"), version="2019",
             quantity=20, type=LicenceType.PACKAGE, certificate="MS-PRJ-2019",
             unit_price=92_000),
    ]  # fmt: skip
    for row in rows:
        services.licence_create(organisation=organisation, **row)


def _campaign(organisation, today, sam_unit) -> None:
    fy = today.year if today.month >= 4 else today.year - 1
    units = list(
        OrgUnit.objects.filter(organisation=organisation, parent__isnull=False, is_active=True)
        .filter(devices__isnull=False)
        .distinct()
        .order_by("tree_key")
    )
    if not units:
        return
    campaign = services.campaign_open(
        organisation=organisation,
        fiscal_year=fy,
        deadline=today + datetime.timedelta(days=28),
        units=units,
        opened_on=today - datetime.timedelta(days=21),
    )
    rng = random.Random(26)
    for confirmation in campaign.confirmations.select_related("unit").order_by("unit__tree_key"):
        if confirmation.unit_id == getattr(sam_unit, "pk", None) or rng.random() > 0.6:
            continue
        services.inventory_confirm(
            confirmation=confirmation,
            unchecked=CheckResult.PRESENT,
            reason="資産管理ツールの稼働記録（直近30日）で確認",
        )
    InventoryCampaign.objects.filter(pk=campaign.pk).update(name=f"{fy}年度 ソフトウェア棚卸")


def _audit(organisation, today) -> None:
    fy = (today.year if today.month >= 4 else today.year - 1) - 1
    units = {u.code: u for u in OrgUnit.objects.filter(organisation=organisation)}
    audit_record = services.sam_audit_create(
        organisation=organisation,
        fiscal_year=fy,
        name=f"{fy}年度 ソフトウェア資産管理監査",
        held_on=datetime.date(fy + 1, 1, 22),
        auditor="情報政策課・監査委員事務局",
    )
    findings = [
        ("D01-S01", "Visio のインストール数が保有ライセンスを超過",
         "不要端末からのアンインストールと追加購入の要否判断", True),
        ("D04-S04", "ライセンス証書の保管場所が不明",
         "証書を情報政策課へ提出し台帳に証書番号を登録", False),
        ("D02-S01", "私物ソフトウェア（フリーソフト）の無断導入",
         "導入申請手続の周知と削除", False),
    ]  # fmt: skip
    for code, description, action, done in findings:
        if code not in units:
            continue
        finding = services.finding_add(
            audit_record=audit_record,
            unit=units[code],
            description=description,
            action=action,
            due_on=datetime.date(fy + 1, 3, 31),
        )
        if done:
            services.finding_done(finding=finding)
