"""Columns of the governance lists."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from daicho.core import wareki
from daicho.core.tables import Column, label
from daicho.core.templatetags.daicho import jdate, yen
from daicho.governance.models import (
    CaseKind,
    CaseState,
    Conclusion,
    ConsultationChannel,
    ConsultationTopic,
    GreenStatus,
    Stage,
)

STATE_BADGES = {
    CaseState.DRAFT: "secondary",
    CaseState.SUBMITTED: "warning",
    CaseState.RETURNED: "danger",
    CaseState.WITHDRAWN: "dark",
    CaseState.COMPLETED: "success",
}


def state_badge(case) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATE_BADGES.get(case.state, "secondary"),
        label(CaseState, case.state),
    )


CASE_COLUMNS = [
    Column(
        "code",
        _("Case ID"),
        lambda c: c.code,
        sort=("code",),
        link="governance:case_detail",
        optional=False,
    ),
    Column(
        "title",
        _("Title"),
        lambda c: c.title,
        sort=("title",),
        link="governance:case_detail",
        optional=False,
    ),
    Column(
        "system", _("System"), lambda c: f"{c.system.code} {c.system.name}", sort=("system__code",)
    ),
    Column(
        "owner_unit",
        _("Owner section"),
        lambda c: c.owner_unit.name,
        sort=("owner_unit__tree_key",),
    ),
    Column("kind", _("Kind"), lambda c: label(CaseKind, c.kind), sort=("kind",)),
    Column(
        "fiscal_year",
        _("Budget fiscal year"),
        lambda c: wareki.format_fiscal_year(c.fiscal_year, style="western"),
        sort=("fiscal_year",),
    ),
    Column("stage", _("Gate"), lambda c: label(Stage, c.stage), sort=("stage",)),
    Column("state", _("State"), state_badge, sort=("state",)),
    Column(
        "recurring_cost",
        _("Recurring cost per year (yen)"),
        lambda c: yen(c.recurring_cost),
        sort=("recurring_cost",),
        numeric=True,
    ),
    Column(
        "initial_cost",
        _("Initial cost (yen)"),
        lambda c: yen(c.initial_cost),
        sort=("initial_cost",),
        numeric=True,
        default=False,
    ),
    Column("green", _("Green procurement"), lambda c: label(GreenStatus, c.green), default=False),
    Column(
        "updated_at",
        _("Updated"),
        lambda c: c.updated_at.strftime("%Y-%m-%d %H:%M"),
        sort=("updated_at",),
    ),
]

CONSULTATION_COLUMNS = [
    Column(
        "consulted_on",
        _("Date"),
        lambda c: jdate(c.consulted_on),
        sort=("consulted_on",),
        link="governance:consultation_edit",
        optional=False,
    ),
    Column(
        "subject",
        _("Subject"),
        lambda c: c.subject,
        sort=("subject",),
        link="governance:consultation_edit",
        optional=False,
    ),
    Column("unit", _("Section"), lambda c: c.unit.name, sort=("unit__tree_key",)),
    Column(
        "system",
        _("System"),
        lambda c: f"{c.system.code} {c.system.name}" if c.system else "",
        sort=("system__code",),
    ),
    Column("topic", _("Topic"), lambda c: label(ConsultationTopic, c.topic), sort=("topic",)),
    Column(
        "channel", _("Channel"), lambda c: label(ConsultationChannel, c.channel), sort=("channel",)
    ),
    Column(
        "cost_saving",
        _("Cost saving (yen)"),
        lambda c: yen(c.cost_saving) if c.cost_saving else "",
        sort=("cost_saving",),
        numeric=True,
    ),
    Column(
        "handled_by",
        _("Handled by"),
        lambda c: c.handled_by.get_full_name() or c.handled_by.username if c.handled_by else "",
        default=False,
    ),
    Column("result", _("Result"), lambda c: c.result[:80], default=False),
]

EVALUATION_COLUMNS = [
    Column(
        "evaluated_on",
        _("Evaluated on"),
        lambda e: jdate(e.evaluated_on),
        sort=("evaluated_on",),
        link="governance:evaluation_detail",
        optional=False,
    ),
    Column(
        "system",
        _("System"),
        lambda e: f"{e.system.code} {e.system.name}",
        sort=("system__code",),
        link="governance:evaluation_detail",
        optional=False,
    ),
    Column(
        "fiscal_year",
        _("Fiscal year evaluated"),
        lambda e: wareki.format_fiscal_year(e.fiscal_year, style="western"),
        sort=("fiscal_year",),
    ),
    Column(
        "conclusion",
        _("Conclusion"),
        lambda e: label(Conclusion, e.conclusion),
        sort=("conclusion",),
    ),
    Column("expected_cost", _("Expected cost (yen)"), lambda e: yen(e.expected_cost), numeric=True),
    Column("actual_cost", _("Actual cost (yen)"), lambda e: yen(e.actual_cost), numeric=True),
    Column(
        "follow_up_due",
        _("Follow-up due"),
        lambda e: jdate(e.follow_up_due),
        sort=("follow_up_due",),
    ),
    Column("case", _("Case"), lambda e: e.case.code if e.case else "", default=False),
]
