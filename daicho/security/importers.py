"""Import (and export) kinds of the security area: incidents and training attendance."""

from __future__ import annotations

import re
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core import wareki
from daicho.core.exports import iso
from daicho.core.importing import values as v
from daicho.core.importing.engine import Field, Kind, differences, register
from daicho.core.importing.keys import text_key
from daicho.core.importing.refs import unit_resolver
from daicho.core.importing.rows import many, present, write
from daicho.registry.importers import system_lookup
from daicho.security import services
from daicho.security.models import (
    Attendance,
    Incident,
    IncidentKind,
    IncidentStatus,
    Severity,
    TrainingSession,
    TrainingTopic,
)


class IncidentImport(Kind):
    """Security incidents: upserted by incident number (a row without one gets the next).

    Natural key: 事故番号; a row without one, 発生日 + 発生所属 (code or name) + 件名.
    """

    name = "incidents"
    title = gettext_lazy("Security incidents")
    fields = [
        Field("code", "事故番号", v.code(30), get=lambda i: i.code, example="R6-001"),
        Field(
            "occurred_on",
            "発生日",
            v.date,
            required=True,
            get=lambda i: iso(i.occurred_on),
            fmt="date",
            example="2024-06-03",
        ),
        Field(
            "title",
            "件名",
            v.text(200),
            required=True,
            get=lambda i: i.title,
            example="住民票の写しの誤送付",
        ),
        Field(
            "kind",
            "種別",
            v.choice(IncidentKind.choices, synonyms="incidents.kind"),
            required=True,
            get=lambda i: i.kind,
            example="メール・FAXの誤送信",
        ),
        Field(
            "severity",
            "重大度",
            v.choice(Severity.choices, synonyms="incidents.severity"),
            required=True,
            get=lambda i: i.severity,
            example="軽微",
        ),
        Field(
            "unit",
            "発生所属",
            v.text(100),
            required=True,
            get=lambda i: i.unit.code,
            example="市民課",
        ),
        Field(
            "systems",
            "関係システムID",
            v.text(),
            get=lambda i: " ".join(s.code for s in i.systems.all()),
            example="S0001",
        ),
        Field(
            "personal_data", "個人情報", v.boolean, get=lambda i: i.personal_data, example="あり"
        ),
        Field(
            "personal_records",
            "個人情報件数",
            v.integer,
            get=lambda i: i.personal_records,
            example="1",
        ),
        Field(
            "status",
            "状況",
            v.choice(IncidentStatus.choices, synonyms="incidents.status"),
            get=lambda i: i.status,
            example="終結",
        ),
        Field(
            "reported_to", "報告先", v.text(300), get=lambda i: i.reported_to, example="情報政策課"
        ),
        Field(
            "description",
            "概要",
            v.text(),
            get=lambda i: i.description,
            example="住民票の写しを別の請求者に郵送した",
        ),
        Field(
            "measures", "対策", v.text(), get=lambda i: i.measures, example="封入時の二人確認を徹底"
        ),
        Field(
            "closed_on",
            "終結日",
            v.date,
            get=lambda i: iso(i.closed_on),
            fmt="date",
            example="2024-06-10",
        ),
    ]
    names = (
        "occurred_on",
        "title",
        "kind",
        "severity",
        "personal_data",
        "personal_records",
        "reported_to",
        "description",
        "measures",
    )

    def key(self, values):
        if values.get("code"):
            return ("code", text_key(values["code"]))
        return (values["occurred_on"], text_key(values["unit"]), text_key(values["title"]))

    def export_queryset(self, user):
        return (
            Incident.objects.visible_to(user)
            .select_related("unit")
            .prefetch_related("systems")
            .order_by("occurred_on", "code")
        )

    def process(self, rows, ctx):
        incidents = list(
            Incident.objects.filter(organisation=ctx.organisation).prefetch_related("systems")
        )
        existing = {text_key(i.code): i for i in incidents}
        by_title: dict[tuple, list[Incident]] = {}  # (date, unit, title) -> incidents
        for incident in incidents:
            by_title.setdefault(_natural(incident), []).append(incident)
        units = unit_resolver(ctx)
        by_code = {text_key(s.code): s for s in system_lookup(ctx).values()}
        for row in rows:
            values = row.values
            unit = units.find(row, "unit", values["unit"])
            systems = many(ctx, row, "systems", by_code)
            if ctx.is_rejected(row):
                continue
            data = present(values, self.names, text=("reported_to", "description", "measures"))
            data["unit"] = unit
            if "personal_records" in values and values["personal_records"] is None:
                data["personal_records"] = None
            status = values.get("status")
            if values.get("code"):
                found = existing.get(text_key(values["code"]))
            else:
                matches = by_title.get(
                    (values["occurred_on"], unit.pk, text_key(values["title"])), []
                )
                if len(matches) > 1:
                    ctx.reject(
                        row,
                        "title",
                        _(
                            "%(count)d incidents of this date and unit have this title "
                            "(%(codes)s): give the incident number of the one meant."
                        )
                        % {
                            "count": len(matches),
                            "codes": "、".join(sorted(i.code for i in matches)),
                        },
                    )
                    continue
                found = matches[0] if matches else None
            if found is None:

                def create(data=data, systems=systems, values=values, status=status):
                    extra = {"status": status} if status else {}
                    if status == IncidentStatus.CLOSED:
                        extra["closed_on"] = values.get("closed_on") or values["occurred_on"]
                    return services.incident_create(
                        organisation=ctx.organisation,
                        code=values.get("code") or "",
                        systems=systems or [],
                        **data,
                        **extra,
                    )

                incident = write(ctx, row, create)
                if incident is not None:
                    existing[text_key(incident.code)] = incident
                    by_title.setdefault(_natural(incident), []).append(incident)
                    ctx.count_created(row, incident)
                continue
            before, after = differences(found, data, {"systems": systems})
            changes = {k: val for k, val in after.items() if k in data}
            same = "systems" not in after
            moved = bool(status) and status != found.status
            if moved:
                before["status"], after["status"] = found.status, status
            label = str(found)

            def update(
                found=found,
                changes=changes,
                same=same,
                systems=systems,
                moved=moved,
                status=status,
                values=values,
            ):
                with transaction.atomic():
                    if changes or not same:
                        services.incident_update(
                            incident=found, data=changes, systems=None if same else systems
                        )
                    if moved:
                        services.incident_move(
                            incident=found, status=status, on=values.get("closed_on")
                        )
                    return found

            if not after:
                ctx.counts["unchanged"] += 1
            elif write(ctx, row, update) is not None:
                ctx.count_updated(row, found, before, after, label=label)


def _natural(incident: Incident) -> tuple:
    return (incident.occurred_on, incident.unit_id, text_key(incident.title))


class AttendanceImport(Kind):
    """Training attendance: upserted on session + staff number. A session is named by its ID,
    or by its title and date; one the ledger lacks is created when the row gives its title,
    date and topic (with the next free ID of its fiscal year, T2014-03, when it has none).

    Natural key: 研修ID (or 研修名 + 実施日) + 職員番号.
    """

    name = "training_attendance"
    title = gettext_lazy("Training attendance")
    fields = [
        Field(
            "session",
            "研修ID",
            v.code(30),
            get=lambda a: a.session.code,
            example="R6-SEC-01",
        ),
        Field(
            "session_title",
            "研修名",
            v.text(200),
            get=lambda a: a.session.title,
            example="情報セキュリティ研修（新任職員）",
        ),
        Field(
            "held_on",
            "実施日",
            v.date,
            get=lambda a: iso(a.session.held_on),
            fmt="date",
            example="2024-05-15",
        ),
        Field(
            "topic",
            "分野",
            v.choice(TrainingTopic.choices, synonyms="training_attendance.topic"),
            get=lambda a: a.session.topic,
            example="情報セキュリティ",
        ),
        Field(
            "staff_id",
            "職員番号",
            v.code(20),
            required=True,
            get=lambda a: a.staff_id,
            example="012345",
        ),
        Field(
            "name", "氏名", v.text(100), required=True, get=lambda a: a.name, example="山田 太郎"
        ),
        Field(
            "unit", "所属", v.text(100), required=True, get=lambda a: a.unit.code, example="市民課"
        ),
        Field("attended", "出席", v.boolean, get=lambda a: a.attended, example="あり"),
    ]

    def check(self, headers):
        if "session" in headers or {"session_title", "held_on"} <= headers:
            return []
        return [
            _(
                "Required column missing: 研修ID [session], or 研修名 [session_title] and "
                "実施日 [held_on]"
            )
        ]

    def key(self, values):
        session = _session_key(values)
        return None if session is None else (session, text_key(values["staff_id"]))

    def export_queryset(self, user):
        return (
            Attendance.objects.visible_to(user)
            .select_related("session", "unit")
            .order_by("session__held_on", "session__code", "staff_id")
        )

    def process(self, rows, ctx):
        if "sessions" not in ctx.cache:
            sessions = list(TrainingSession.objects.filter(organisation=ctx.organisation))
            ctx.cache["sessions"] = {
                **{("title", s.held_on, text_key(s.title)): s for s in sessions},
                **{("code", text_key(s.code)): s for s in sessions},
            }
        sessions = ctx.cache["sessions"]
        existing = {
            (a.session_id, text_key(a.staff_id)): a
            for a in Attendance.objects.filter(session__organisation=ctx.organisation)
        }
        units = unit_resolver(ctx)
        for row in rows:
            values = row.values
            key = _session_key(values)
            if key is None:
                ctx.reject(
                    row,
                    "session",
                    _("Give the session's ID, or its title and date."),
                )
                continue
            session = sessions.get(key)
            if session is None:
                session = self._create_session(row, ctx, sessions)
                if session is None:
                    continue
            unit = units.find(row, "unit", values["unit"])
            if unit is None:
                continue
            data = {"name": values["name"], "unit": unit}
            if values.get("attended") is not None:
                data["attended"] = values["attended"]
            found = existing.get((session.pk, text_key(values["staff_id"])))
            record = write(
                ctx,
                row,
                partial(
                    ctx.upsert,
                    found,
                    data,
                    row=row,
                    update=lambda data, s=session, found=found: services.attendance_save(
                        session=s, staff_id=found.staff_id, **{**_current(found), **data}
                    ),
                    create=partial(
                        services.attendance_save,
                        session=session,
                        staff_id=values["staff_id"],
                        **data,
                    ),
                ),
            )
            if record is not None:
                existing[(session.pk, text_key(record.staff_id))] = record

    def _create_session(self, row, ctx, sessions: dict) -> TrainingSession | None:
        """The session a row names that the ledger lacks, created (and listed) when allowed."""
        values = row.values
        named = values.get("session") or values.get("session_title")
        if not ctx.may_create("sessions"):
            ctx.refuse_missing(
                row, "session" if values.get("session") else "session_title", "sessions", named
            )
            return None
        if not (values.get("session_title") and values.get("held_on") and values.get("topic")):
            ctx.reject(
                row,
                "session",
                _(
                    "No such training session: %(code)s (give its title, date and topic to "
                    "create it)."
                )
                % {"code": named},
            )
            return None
        session = write(
            ctx,
            row,
            partial(
                services.training_create,
                organisation=ctx.organisation,
                code=values.get("session") or _next_session_code(sessions, values["held_on"]),
                held_on=values["held_on"],
                title=values["session_title"],
                topic=values["topic"],
            ),
        )
        if session is not None:
            sessions[("code", text_key(session.code))] = session
            sessions[("title", session.held_on, text_key(session.title))] = session
            ctx.created("sessions", f"{session.code} {session.title}")
        return session


def _session_key(values: dict) -> tuple | None:
    """How a row names its session: by ID, else by date and title (None: it does not)."""
    if values.get("session"):
        return ("code", text_key(values["session"]))
    if values.get("session_title") and values.get("held_on"):
        return ("title", values["held_on"], text_key(values["session_title"]))
    return None


def _next_session_code(sessions: dict, held_on) -> str:
    """The next free session ID of the fiscal year of ``held_on``: T2014-01, T2014-02, …"""
    fy = wareki.fiscal_year_of(held_on)
    pattern = re.compile(rf"t{fy}-(\d+)")
    numbers = [
        int(m.group(1)) for key in sessions if key[0] == "code" and (m := pattern.fullmatch(key[1]))
    ]
    return f"T{fy}-{(max(numbers) + 1 if numbers else 1):02d}"


def _current(attendance: Attendance) -> dict:
    return {"name": attendance.name, "unit": attendance.unit, "attended": attendance.attended}


def register_kinds() -> None:
    register(IncidentImport())
    register(AttendanceImport())
