"""Import (and export) kinds of the continuity area: backup configurations, restore tests, ICT-BCP
entries, drills, drill findings and outages. Each lists its columns once, so an export imports
back with zero changes; every write goes through the services (permissions, audit)."""

from __future__ import annotations

import datetime
import re
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.continuity import services
from daicho.continuity.models import (
    ActionStatus,
    BackupConfig,
    BackupMethod,
    BcpPlan,
    CopyLocation,
    Drill,
    DrillFinding,
    DrillKind,
    Frequency,
    Outage,
    RecoveryPriority,
    RestoreResult,
    RestoreTest,
)
from daicho.core import wareki
from daicho.core.exports import iso
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, Field, Kind, Row, differences, register
from daicho.core.importing.keys import text_key
from daicho.core.importing.refs import unit_resolver
from daicho.core.importing.rows import many, present, words, write
from daicho.core.importing.values import CellError
from daicho.core.models import OrgUnit
from daicho.registry.importers import system_columns_check, system_lookup, system_named
from daicho.registry.models import InformationSystem

_TIME = re.compile(r"^(.*?)[\sT　]+(\d{1,2})[:：時](\d{2})?分?$")


_key = text_key  # codes and names as keys compare them (NFKC, case, spaces)


def _local(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


def date_time(value: str) -> datetime.datetime | None:
    """A date and time: 2014-07-01 08:30, 平成26年7月1日 8:30, H26.7.1 8時 (local time)."""
    text = value.strip()
    if not text:
        return None
    match = _TIME.match(text)
    try:
        if match:
            day = wareki.parse_date(match.group(1))
            hour, minute = int(match.group(2)), int(match.group(3) or 0)
        else:
            day, hour, minute = wareki.parse_date(text), 0, 0
        if hour == 24 and minute == 0:
            day, hour = day + datetime.timedelta(days=1), 0
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    except (wareki.WarekiError, ValueError):
        raise CellError(
            _("Not a date and time: %(value)s (write 2014-04-01 10:30 or H26.4.1 10:30).")
            % {"value": value}
        ) from None


def _many_units(ctx: Context, row: Row, column: str) -> list[OrgUnit] | None:
    """The units a cell lists (codes, paths or names, separated like other lists)."""
    if column not in row.values:
        return None
    units = unit_resolver(ctx)
    found = [units.find(row, column, w) for w in words(row.values[column])]
    return None if None in found else found


def _system(ctx: Context, row: Row) -> InformationSystem | None:
    """The system a row names by its システムID, else by its システム名."""
    named = system_named(row.values)
    system = system_lookup(ctx).get(_key(named))
    if system is None:
        column = "system_name" if named and not row.values.get("system") else "system"
        ctx.reject(
            row,
            column,
            _("No such system: %(system)s") % {"system": named}
            if named
            else _("Give the system's ID or name."),
        )
    return system


class _SystemRecordImport(Kind):
    """A kind whose rows belong to a system named by its ID or, in a ledger kept by name, by
    its name."""

    def check(self, headers):
        return system_columns_check(headers)


def _system_field():
    return Field(
        "system",
        "システムID",
        v.code(200),
        aliases=("system_code",),
        get=lambda r: r.system.code,
        example="S0001",
    )


def _system_name_field():
    return Field(
        "system_name",
        "システム名",
        v.text(200),
        get=lambda r: r.system.name,
        example="住民記録システム",
    )


class BackupImport(_SystemRecordImport):
    """Backup configurations: one per system, upserted by system ID.

    Natural key: システムID (or システム名).
    """

    name = "backups"
    title = gettext_lazy("Backup configurations")
    fields = [
        _system_field(),
        _system_name_field(),
        Field(
            "method",
            "方式",
            v.choice(BackupMethod.choices, synonyms="backups.method"),
            get=lambda b: b.method,
            example="増分",
        ),
        Field(
            "target",
            "対象データ",
            v.text(200),
            get=lambda b: b.target,
            example="住民記録データベース",
        ),
        Field(
            "frequency",
            "取得頻度",
            v.choice(Frequency.choices, synonyms="backups.frequency"),
            required=True,
            get=lambda b: b.frequency,
            example="日次",
        ),
        Field(
            "generations",
            "保存世代数",
            v.integer,
            required=True,
            get=lambda b: b.generations,
            example="7",
        ),
        Field(
            "copy_location",
            "保管場所",
            v.choice(CopyLocation.choices, synonyms="backups.copy_location"),
            required=True,
            get=lambda b: b.copy_location,
            example="遠隔地",
        ),
        Field("encrypted", "暗号化", v.boolean, get=lambda b: b.encrypted, example="あり"),
        Field(
            "last_success_on",
            "最終成功日",
            v.date,
            get=lambda b: iso(b.last_success_on),
            fmt="date",
            example="2024-10-01",
        ),
        Field("note", "備考", v.text(500), get=lambda b: b.note, example="週1回フルバックアップ"),
    ]
    names = (
        "method",
        "target",
        "frequency",
        "generations",
        "copy_location",
        "encrypted",
        "last_success_on",
        "note",
    )

    def key(self, values):
        return _key(system_named(values))

    def export_queryset(self, user):
        return (
            BackupConfig.objects.visible_to(user).select_related("system").order_by("system__code")
        )

    def process(self, rows, ctx):
        existing = {
            b.system_id: b
            for b in BackupConfig.objects.filter(system__organisation=ctx.organisation)
        }
        for row in rows:
            system = _system(ctx, row)
            if system is None:
                continue
            data = present(row.values, self.names, text=("target", "note"))
            if "last_success_on" in row.values and row.values["last_success_on"] is None:
                data["last_success_on"] = None
            write(
                ctx,
                row,
                partial(
                    ctx.upsert,
                    existing.get(system.pk),
                    data,
                    row=row,
                    update=lambda data, s=system: services.backup_config_save(system=s, **data),
                    create=partial(services.backup_config_save, system=system, **data),
                ),
            )


class RestoreTestImport(_SystemRecordImport):
    """Restore tests: upserted on system + date.

    Natural key: システムID (or システム名) + 実施日.
    """

    name = "restore_tests"
    title = gettext_lazy("Restore tests")
    fields = [
        _system_field(),
        _system_name_field(),
        Field(
            "tested_on",
            "実施日",
            v.date,
            required=True,
            get=lambda t: iso(t.tested_on),
            fmt="date",
            example="2024-11-15",
        ),
        Field(
            "result",
            "結果",
            v.choice(RestoreResult.choices, synonyms="restore_tests.result"),
            required=True,
            get=lambda t: t.result,
            example="成功",
        ),
        Field(
            "duration_minutes",
            "復旧所要時間（分）",
            v.integer,
            required=True,
            get=lambda t: t.duration_minutes,
            example="90",
        ),
        Field(
            "data_restored",
            "復元したデータ",
            v.text(300),
            get=lambda t: t.data_restored,
            example="住民記録データベース（前日分）",
        ),
        Field("note", "備考", v.text(500), get=lambda t: t.note, example="検証環境に復元"),
    ]

    def key(self, values):
        return (_key(system_named(values)), values["tested_on"])

    def export_queryset(self, user):
        return (
            RestoreTest.objects.visible_to(user)
            .select_related("system")
            .order_by("system__code", "tested_on")
        )

    def process(self, rows, ctx):
        existing = {
            (t.system_id, t.tested_on): t
            for t in RestoreTest.objects.filter(system__organisation=ctx.organisation)
        }
        for row in rows:
            system = _system(ctx, row)
            if system is None:
                continue
            values = row.values
            data = {"result": values["result"], "duration_minutes": values["duration_minutes"]}
            data.update(present(values, ("data_restored", "note"), text=("data_restored", "note")))
            found = existing.get((system.pk, values["tested_on"]))
            test = write(
                ctx,
                row,
                partial(
                    ctx.upsert,
                    found,
                    data,
                    row=row,
                    update=partial(services.restore_test_update, test=found),
                    create=partial(
                        services.restore_test_create,
                        system=system,
                        tested_on=values["tested_on"],
                        **data,
                    ),
                ),
            )
            if test is not None:
                existing[(system.pk, values["tested_on"])] = test


class BcpImport(_SystemRecordImport):
    """ICT-BCP entries: one per system, upserted by system ID.

    Natural key: システムID (or システム名).
    """

    name = "bcp"
    title = gettext_lazy("ICT-BCP entries")
    fields = [
        _system_field(),
        _system_name_field(),
        Field(
            "priority_work",
            "非常時優先業務",
            v.boolean,
            get=lambda p: p.priority_work,
            example="あり",
        ),
        Field(
            "recovery_priority",
            "復旧優先度",
            v.choice(RecoveryPriority.choices, synonyms="bcp.recovery_priority"),
            required=True,
            get=lambda p: p.recovery_priority,
            example="A（最優先で復旧）",
        ),
        Field(
            "rto_hours",
            "RTO（時間）",
            v.hours,
            required=True,
            get=lambda p: p.rto_hours,
            example="24",
        ),
        Field(
            "rpo_hours",
            "RPO（時間）",
            v.hours,
            required=True,
            get=lambda p: p.rpo_hours,
            example="24",
        ),
        Field(
            "established_on",
            "策定日",
            v.date,
            required=True,
            get=lambda p: iso(p.established_on),
            fmt="date",
            example="2023-04-01",
        ),
        Field(
            "reviewed_on",
            "最終見直し日",
            v.date,
            get=lambda p: iso(p.reviewed_on),
            fmt="date",
            example="2024-04-01",
        ),
        Field(
            "staff_contact",
            "職員連絡先",
            v.text(200),
            get=lambda p: p.staff_contact,
            example="市民課 内線1234",
        ),
        Field(
            "vendor_contact",
            "事業者連絡先",
            v.text(200),
            get=lambda p: p.vendor_contact,
            example="株式会社吉備情報システム 086-000-0000",
        ),
        Field(
            "dependencies",
            "依存システムID",
            v.text(),
            get=lambda p: " ".join(s.code for s in p.dependencies.all()),
        ),
        Field(
            "alternate_procedure",
            "代替手段",
            v.text(),
            get=lambda p: p.alternate_procedure,
            example="紙の申請書で受け付け、復旧後に入力する",
        ),
    ]
    names = (
        "priority_work",
        "recovery_priority",
        "rto_hours",
        "rpo_hours",
        "established_on",
        "reviewed_on",
        "staff_contact",
        "vendor_contact",
        "alternate_procedure",
    )

    def key(self, values):
        return _key(system_named(values))

    def export_queryset(self, user):
        return (
            BcpPlan.objects.visible_to(user)
            .select_related("system")
            .prefetch_related("dependencies")
            .order_by("system__code")
        )

    def process(self, rows, ctx):
        existing = {
            p.system_id: p
            for p in BcpPlan.objects.filter(system__organisation=ctx.organisation).prefetch_related(
                "dependencies"
            )
        }
        by_code = {_key(s.code): s for s in system_lookup(ctx).values()}
        for row in rows:
            system = _system(ctx, row)
            dependencies = many(ctx, row, "dependencies", by_code)
            if system is None or ctx.is_rejected(row):
                continue
            data = present(
                row.values,
                self.names,
                text=("staff_contact", "vendor_contact", "alternate_procedure"),
            )
            if "reviewed_on" in row.values and row.values["reviewed_on"] is None:
                data["reviewed_on"] = None
            plan = existing.get(system.pk)
            if plan is not None:
                before, after = differences(plan, data, {"dependencies": dependencies})
                if not after:
                    ctx.counts["unchanged"] += 1
                    continue
                label = str(plan)
                changes = {k: val for k, val in after.items() if k in data}
                if (
                    write(
                        ctx,
                        row,
                        partial(
                            services.bcp_save,
                            system=system,
                            dependencies=after.get("dependencies"),
                            **changes,
                        ),
                    )
                    is not None
                ):
                    ctx.count_updated(row, plan, before, after, label=label)
            elif (
                created := write(
                    ctx,
                    row,
                    partial(
                        services.bcp_save, system=system, dependencies=dependencies or [], **data
                    ),
                )
            ) is not None:
                ctx.count_created(row, created)


class DrillImport(Kind):
    """ICT-BCP drills: upserted on date + title.

    Natural key: 実施日 + 訓練名.
    """

    name = "drills"
    title = gettext_lazy("ICT-BCP drills")
    fields = [
        Field(
            "held_on",
            "実施日",
            v.date,
            required=True,
            get=lambda d: iso(d.held_on),
            fmt="date",
            example="2024-11-20",
        ),
        Field(
            "title",
            "訓練名",
            v.text(200),
            required=True,
            get=lambda d: d.title,
            example="住民記録システム障害対応訓練",
        ),
        Field(
            "kind",
            "訓練の種類",
            v.choice(DrillKind.choices, synonyms="drills.kind"),
            required=True,
            get=lambda d: d.kind,
            example="机上訓練",
        ),
        Field("participants", "参加人数", v.integer, get=lambda d: d.participants, example="12"),
        Field(
            "systems",
            "対象システムID",
            v.text(),
            get=lambda d: " ".join(s.code for s in d.systems.all()),
            example="S0001",
        ),
        Field(
            "units",
            "参加所属",
            v.text(),
            get=lambda d: " ".join(u.code for u in d.units.all()),
            example="市民課",
        ),
        Field(
            "scenario",
            "想定シナリオ",
            v.text(),
            get=lambda d: d.scenario,
            example="データセンターの停電でシステムが停止",
        ),
        Field(
            "summary",
            "概要",
            v.text(),
            get=lambda d: d.summary,
            example="連絡体制と代替手段を確認した",
        ),
    ]

    def key(self, values):
        return (values["held_on"], _key(values["title"]))

    def export_queryset(self, user):
        return (
            Drill.objects.visible_to(user)
            .prefetch_related("systems", "units")
            .order_by("held_on", "title")
        )

    def process(self, rows, ctx):
        existing = {
            (d.held_on, _key(d.title)): d
            for d in Drill.objects.filter(organisation=ctx.organisation).prefetch_related(
                "systems", "units"
            )
        }
        by_code = {_key(s.code): s for s in system_lookup(ctx).values()}
        for row in rows:
            values = row.values
            systems = many(ctx, row, "systems", by_code)
            unit_list = _many_units(ctx, row, "units")
            if ctx.is_rejected(row):
                continue
            data = present(
                values,
                ("kind", "participants", "scenario", "summary"),
                text=("scenario", "summary"),
            )
            drill = existing.get((values["held_on"], _key(values["title"])))
            if drill is None:
                created = write(
                    ctx,
                    row,
                    partial(
                        services.drill_create,
                        organisation=ctx.organisation,
                        held_on=values["held_on"],
                        title=values["title"],
                        systems=systems or [],
                        units=unit_list or [],
                        **data,
                    ),
                )
                if created is not None:
                    existing[(created.held_on, _key(created.title))] = created
                    ctx.count_created(row, created)
                continue
            before, after = differences(drill, data, {"systems": systems, "units": unit_list})
            if not after:
                ctx.counts["unchanged"] += 1
                continue
            label = str(drill)
            if (
                write(
                    ctx,
                    row,
                    partial(
                        services.drill_update,
                        drill=drill,
                        data={k: val for k, val in after.items() if k in data},
                        systems=after.get("systems"),
                        units=after.get("units"),
                    ),
                )
                is not None
            ):
                ctx.count_updated(row, drill, before, after, label=label)


class FindingImport(Kind):
    """Drill findings and their actions: upserted on drill (date + title) + finding.

    Natural key: 訓練実施日 + 訓練名 + 課題.
    """

    name = "drill_findings"
    title = gettext_lazy("Drill findings and actions")
    fields = [
        Field(
            "drill_held_on",
            "訓練実施日",
            v.date,
            required=True,
            get=lambda f: iso(f.drill.held_on),
            fmt="date",
            example="2024-11-20",
        ),
        Field(
            "drill_title",
            "訓練名",
            v.text(200),
            required=True,
            get=lambda f: f.drill.title,
            example="住民記録システム障害対応訓練",
        ),
        Field(
            "finding",
            "課題",
            v.text(),
            required=True,
            get=lambda f: f.finding,
            example="事業者の緊急連絡先が古かった",
        ),
        Field(
            "action",
            "改善策",
            v.text(),
            required=True,
            get=lambda f: f.action,
            example="連絡網を更新し、年2回確認する",
        ),
        Field(
            "action_unit",
            "担当所属",
            v.text(100),
            required=True,
            get=lambda f: f.action_unit.code,
            example="市民課",
        ),
        Field(
            "action_owner", "担当者", v.text(100), get=lambda f: f.action_owner, example="山田 太郎"
        ),
        Field(
            "due_on",
            "期限",
            v.date,
            required=True,
            get=lambda f: iso(f.due_on),
            fmt="date",
            example="2025-03-31",
        ),
        Field(
            "status",
            "状況",
            v.choice(ActionStatus.choices, synonyms="drill_findings.status"),
            get=lambda f: f.status,
            example="計画(P)",
        ),
        Field("done_on", "完了日", v.date, get=lambda f: iso(f.done_on), fmt="date"),
    ]

    def key(self, values):
        return (values["drill_held_on"], _key(values["drill_title"]), _key(values["finding"]))

    def export_queryset(self, user):
        return (
            DrillFinding.objects.visible_to(user)
            .select_related("drill", "action_unit")
            .order_by("drill__held_on", "pk")
        )

    def process(self, rows, ctx):
        drills = {
            (d.held_on, _key(d.title)): d
            for d in Drill.objects.filter(organisation=ctx.organisation)
        }
        existing = {
            (f.drill_id, _key(f.finding)): f
            for f in DrillFinding.objects.filter(drill__organisation=ctx.organisation)
        }
        units = unit_resolver(ctx)
        for row in rows:
            values = row.values
            drill = drills.get((values["drill_held_on"], _key(values["drill_title"])))
            if drill is None:
                ctx.reject(
                    row,
                    "drill_title",
                    _("No such drill: %(date)s %(title)s")
                    % {"date": values["drill_held_on"], "title": values["drill_title"]},
                )
                continue
            unit = units.find(row, "action_unit", values["action_unit"])
            if unit is None:
                continue
            data = {"action": values["action"], "action_unit": unit, "due_on": values["due_on"]}
            data.update(present(values, ("action_owner",), text=("action_owner",)))
            found = existing.get((drill.pk, _key(values["finding"])))
            status = values.get("status")
            if found is None:

                def create(drill=drill, data=data, status=status, values=values):
                    with transaction.atomic():
                        finding = services.finding_create(
                            drill=drill, finding=values["finding"], **data
                        )
                        if status and status != finding.status:
                            services.finding_set_status(
                                finding=finding, status=status, on=values.get("done_on")
                            )
                        return finding

                finding = write(ctx, row, create)
                if finding is not None:
                    existing[(drill.pk, _key(finding.finding))] = finding
                    ctx.count_created(row, finding)
                continue
            before, changes = differences(found, data)
            moved = bool(status) and status != found.status
            after = dict(changes)
            if moved:
                before["status"], after["status"] = found.status, status
                if values.get("done_on") and values["done_on"] != found.done_on:
                    before["done_on"], after["done_on"] = found.done_on, values["done_on"]
            label = str(found)

            def update(found=found, changes=changes, moved=moved, status=status, values=values):
                with transaction.atomic():
                    if changes:
                        services.finding_update(finding=found, data=changes)
                    if moved:
                        services.finding_set_status(
                            finding=found, status=status, on=values.get("done_on")
                        )
                    return found

            if not changes and not moved:
                ctx.counts["unchanged"] += 1
            elif write(ctx, row, update) is not None:
                ctx.count_updated(row, found, before, after, label=label)


class OutageImport(_SystemRecordImport):
    """Outages: upserted on system + start.

    Natural key: システムID (or システム名) + 停止開始 (to the minute).
    """

    name = "outages"
    title = gettext_lazy("Outages")
    fields = [
        _system_field(),
        _system_name_field(),
        Field(
            "started_at",
            "停止開始",
            date_time,
            required=True,
            get=lambda o: _local(o.started_at),
            example="2024-08-10 09:00",
        ),
        Field(
            "ended_at",
            "停止終了",
            date_time,
            get=lambda o: _local(o.ended_at),
            example="2024-08-10 11:30",
        ),
        Field("planned", "計画停止", v.boolean, get=lambda o: o.planned, example="なし"),
        Field(
            "cause",
            "原因",
            v.text(200),
            required=True,
            get=lambda o: o.cause,
            example="ストレージ装置の障害",
        ),
        Field("note", "備考", v.text(), get=lambda o: o.note, example="窓口で2時間半の待ち"),
    ]

    def key(self, values):
        return (_key(system_named(values)), values["started_at"])

    def export_queryset(self, user):
        return (
            Outage.objects.visible_to(user)
            .select_related("system")
            .order_by("system__code", "started_at")
        )

    def process(self, rows, ctx):
        # Files give the start to the minute (as exports write it); a start recorded with
        # seconds (through the API) is still the same outage.
        existing = {
            (o.system_id, o.started_at.replace(second=0, microsecond=0)): o
            for o in Outage.objects.filter(system__organisation=ctx.organisation)
        }
        for row in rows:
            system = _system(ctx, row)
            if system is None:
                continue
            values = row.values
            data = {"cause": values["cause"]}
            data.update(present(values, ("planned", "note"), text=("note",)))
            if "ended_at" in values:
                data["ended_at"] = values["ended_at"]
            found = existing.get((system.pk, values["started_at"].replace(second=0, microsecond=0)))
            outage = write(
                ctx,
                row,
                partial(
                    ctx.upsert,
                    found,
                    data,
                    row=row,
                    update=partial(services.outage_update, outage=found),
                    create=partial(
                        services.outage_create,
                        system=system,
                        started_at=values["started_at"],
                        **data,
                    ),
                ),
            )
            if outage is not None:
                existing[(system.pk, outage.started_at)] = outage


def register_kinds() -> None:
    for kind in (
        BackupImport(),
        RestoreTestImport(),
        BcpImport(),
        DrillImport(),
        FindingImport(),
        OutageImport(),
    ):
        register(kind)
