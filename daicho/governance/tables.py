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


def _fiscal_year(fiscal_year: int) -> str:
    return wareki.format_fiscal_year(fiscal_year, style="western")


def _system(record) -> str:
    system = record.system
    return f"{system.code} {system.name}" if system else ""


CASE_COLUMNS = [
    Column("code", _("Case ID"), link="governance:case_detail", optional=False),
    Column("title", _("Title"), link="governance:case_detail", optional=False),
    Column("system", _("System"), _system, sort=("system__code",)),
    Column(
        "owner_unit", _("Owner section"), field="owner_unit__name", sort=("owner_unit__tree_key",)
    ),
    Column("kind", _("Kind"), choices=CaseKind),
    Column("fiscal_year", _("Budget fiscal year"), format=_fiscal_year),
    Column("stage", _("Gate"), choices=Stage),
    Column("state", _("State"), state_badge, sort=("state",)),
    Column("recurring_cost", _("Recurring cost per year (yen)"), format=yen, numeric=True),
    Column("initial_cost", _("Initial cost (yen)"), format=yen, numeric=True, default=False),
    Column("green", _("Green procurement"), choices=GreenStatus, sort=(), default=False),
    Column("updated_at", _("Updated"), format=lambda t: t.strftime("%Y-%m-%d %H:%M")),
]

CONSULTATION_COLUMNS = [
    Column(
        "consulted_on",
        _("Date"),
        format=jdate,
        link="governance:consultation_edit",
        optional=False,
    ),
    Column("subject", _("Subject"), link="governance:consultation_edit", optional=False),
    Column("unit", _("Section"), field="unit__name", sort=("unit__tree_key",)),
    Column("system", _("System"), _system, sort=("system__code",)),
    Column("topic", _("Topic"), choices=ConsultationTopic),
    Column("channel", _("Channel"), choices=ConsultationChannel),
    Column(
        "cost_saving",
        _("Cost saving (yen)"),
        format=lambda amount: yen(amount) if amount else "",
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
        format=jdate,
        link="governance:evaluation_detail",
        optional=False,
    ),
    Column(
        "system",
        _("System"),
        _system,
        sort=("system__code",),
        link="governance:evaluation_detail",
        optional=False,
    ),
    Column("fiscal_year", _("Fiscal year evaluated"), format=_fiscal_year),
    Column("conclusion", _("Conclusion"), choices=Conclusion),
    Column("expected_cost", _("Expected cost (yen)"), format=yen, sort=(), numeric=True),
    Column("actual_cost", _("Actual cost (yen)"), format=yen, sort=(), numeric=True),
    Column("follow_up_due", _("Follow-up due"), format=jdate),
    Column("case", _("Case"), field="case__code", sort=(), default=False),
]
