"""Columns of the continuity lists, and the rows of its reports as the tables read them.

The reports (backup compliance, ICT-BCP readiness, availability) compute their rows in Python;
each row is a dict with the system's ``id`` (the link's key) and what its columns show.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from daicho.continuity.models import DrillKind
from daicho.core import exports
from daicho.core.html import esc
from daicho.core.tables import Column
from daicho.core.templatetags.daicho import jdate


def _system(row: dict) -> str:
    return f"{row['code']} {row['name']}"


# --- backup compliance --------------------------------------------------------------------------


def compliance_rows(results, editable: set[int]) -> list[dict]:
    """Each system's result as a row: its section (under its department), levels and reasons."""
    rows = []
    for result in results:
        system = result.system
        unit, department = system.owner_unit, system.owner_unit.department
        rows.append(
            {
                "id": system.pk,
                "code": system.code,
                "name": system.name,
                "unit": f"{department.name} › {unit.name}"
                if department and department.pk != unit.pk
                else unit.name,
                "unit_key": unit.tree_key,
                "result": result,
                "compliant": result.compliant,
                "editable": system.pk in editable,
            }
        )
    return rows


def _levels(row: dict) -> str:
    return format_html_join(
        " ",
        '<span class="badge text-bg-light border">{}</span>',
        ((lv.name,) for lv in row["result"].levels),
    )


def _reasons(row: dict) -> str:
    result = row["result"]
    if result.compliant:
        html = format_html('<span class="text-success">✓ {}</span>', _("Meets the standard"))
    else:
        html = format_html(
            '<ul class="mb-0 ps-3">{}</ul>',
            format_html_join(
                "",
                "<li>{}</li>",
                (
                    (
                        format_html("<strong>{}</strong>: {}", s.rule, s.message)
                        if s.rule
                        else s.message,
                    )
                    for s in result.shortfalls
                ),
            ),
        )
    return html


def compliance_row_attrs(row: dict) -> str:
    state = "compliant" if row["compliant"] else "failing"
    return f'class="{state}" data-system="{esc(row["code"])}"'


COMPLIANCE_COLUMNS = [
    Column(
        "system",
        _("System"),
        _system,
        sort=("code",),
        link="continuity:system_backup",
        optional=False,
    ),
    Column("unit", _("Owner section"), sort=("unit_key", "code")),
    Column("levels", _("Levels"), _levels),
    Column("reasons", _("Reasons"), _reasons, optional=False),
]

# The spreadsheet for the committee: the rows shown on the page, with every reason.
COMPLIANCE_EXPORT = exports.ExportKind(
    "backup_compliance",
    _("Backup compliance"),
    [
        exports.Column("system", "システムID", lambda r: r.system.code),
        exports.Column("name", "システム名", lambda r: r.system.name),
        exports.Column("owner_unit", "所管課", lambda r: r.system.owner_unit.name),
        exports.Column("levels", "区分", lambda r: " ".join(lv.name for lv in r.levels)),
        exports.Column("compliant", "基準適合", lambda r: r.compliant),
        exports.Column(
            "reasons",
            "不適合の理由",
            lambda r: "\n".join(
                f"{s.rule}: {s.message}" if s.rule else s.message for s in r.shortfalls
            ),
        ),
    ],
    None,
)


# --- the standard -------------------------------------------------------------------------------


def _in_force(in_force: bool) -> str:
    return (
        format_html('<span class="badge text-bg-success">{}</span>', _("In force"))
        if in_force
        else ""
    )


STANDARD_COLUMNS = [
    Column("version", _("Version"), link="continuity:standard_detail", optional=False),
    Column("title", _("Title")),
    Column("effective_from", _("Effective from"), format=jdate),
    Column("scheme", _("Classification scheme"), format=str, sort=("scheme__name",)),
    Column("rule_count", _("Rules"), numeric=True),
    Column("in_force", _("In force"), format=_in_force, sort=()),
]


# --- ICT-BCP ------------------------------------------------------------------------------------


def bcp_rows(plans, readiness) -> list[dict]:
    """Each plan as a row with its readiness issues (``readiness(plan)``)."""
    rows = []
    for plan in plans:
        issues = readiness(plan)
        system = plan.system
        rows.append(
            {
                "id": system.pk,
                "code": system.code,
                "name": system.name,
                "unit": system.owner_unit.name,
                "unit_key": system.owner_unit.tree_key,
                "priority_work": plan.priority_work,
                "recovery_priority": plan.recovery_priority,
                "rto_hours": plan.rto_hours,
                "rpo_hours": plan.rpo_hours,
                "issues": issues,
                "contradictions": sum(1 for i in issues if i.contradiction),
            }
        )
    return rows


def _readiness(row: dict) -> str:
    if not row["issues"]:
        return format_html('<span class="text-success">✓ {}</span>', _("No contradictions"))
    return format_html_join(
        "",
        '<div class="{}">{} {}</div>',
        (
            ("text-danger", "✗", i.message)
            if i.contradiction
            else ("text-warning-emphasis", "!", i.message)
            for i in row["issues"]
        ),
    )


def _hours(value) -> str:
    return f"{value}h"


BCP_COLUMNS = [
    Column(
        "system", _("System"), _system, sort=("code",), link="continuity:system_bcp", optional=False
    ),
    Column("unit", _("Owner section"), sort=("unit_key", "code")),
    Column("priority_work", _("Priority work"), format=lambda v: "✓" if v else ""),
    Column("recovery_priority", _("Recovery priority")),
    Column("rto_hours", "RTO", format=_hours, numeric=True),
    Column("rpo_hours", "RPO", format=_hours, numeric=True),
    Column(
        "readiness",
        _("Readiness"),
        _readiness,
        sort=("-contradictions", "code"),
        optional=False,
    ),
]


# --- drills -------------------------------------------------------------------------------------

DRILL_COLUMNS = [
    Column("held_on", _("Held on"), format=jdate),
    Column("title", _("Title"), link="continuity:drill_detail", optional=False),
    Column("kind", _("Kind"), choices=DrillKind),
    Column("participants", _("Participants"), numeric=True),
    Column("systems", _("Systems"), lambda d: "、".join(s.name for s in d.systems.all())),
    Column("finding_count", _("Findings"), numeric=True),
]


# --- availability -------------------------------------------------------------------------------


def availability_rows(systems, profiles: dict, outages: dict, fiscal_year: int, availability):
    """Each system's availability in the fiscal year, with its service hours."""
    rows = []
    for system in systems:
        profile = profiles.get(system.pk)
        result = availability(
            profile=profile, outages=outages.get(system.pk, []), fiscal_year=fiscal_year
        )
        rows.append(
            {
                "id": system.pk,
                "code": system.code,
                "name": system.name,
                "fiscal_year": fiscal_year,
                "shared_file_server": bool(profile and profile.shared_file_server),
                "profile": profile,
                "outages": result.outages,
                "downtime_hours": round(result.downtime_minutes / 60),
                "planned_hours": round(result.planned_minutes / 60),
                "percent": result.percent,
            }
        )
    return rows


def _availability_system(row: dict) -> str:
    badge = (
        format_html(' <span class="badge text-bg-info">{}</span>', _("shared file server"))
        if row["shared_file_server"]
        else ""
    )
    url = reverse("continuity:system_availability", args=[row["id"]])
    return format_html('<a href="{}?fy={}">{}</a>{}', url, row["fiscal_year"], _system(row), badge)


def _service_hours(row: dict) -> str:
    profile = row["profile"]
    if profile is None:
        return "0:00–24:00"
    hours = f"{profile.service_start_hour}:00–{profile.service_end_hour}:00"
    return f"{hours} {_('weekdays')}" if profile.weekdays_only else hours


AVAILABILITY_COLUMNS = [
    Column(
        "system",
        _("System"),
        _availability_system,
        sort=("code",),
        optional=False,
    ),
    Column("service_hours", _("Service hours"), _service_hours),
    Column("outages", _("Outages"), numeric=True),
    Column("downtime_hours", _("Downtime (h)"), numeric=True),
    Column("planned_hours", _("Planned maintenance (h)"), numeric=True),
    Column(
        "percent",
        _("Availability"),
        format=lambda p: f"{p}%" if p is not None else "",
        numeric=True,
    ),
]
