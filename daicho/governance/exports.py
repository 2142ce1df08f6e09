"""Export kinds of the governance area (`daicho export cases|consultations|evaluations`, the
export buttons of the lists) and the budget review's workbook."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core import exports
from daicho.core.exports import Column, ExportKind, iso
from daicho.governance import selectors
from daicho.governance.models import (
    CaseKind,
    CaseState,
    Conclusion,
    GreenStatus,
    ProcurementMethod,
    Stage,
)


def _labels(choices):
    return dict(choices.choices)


CASE_EXPORT = ExportKind(
    "cases",
    _("Procurement cases"),
    [
        Column("code", _("Case ID"), lambda c: c.code),
        Column("title", _("Title"), lambda c: c.title),
        Column("system", _("System ID"), lambda c: c.system.code),
        Column("system_name", _("System name"), lambda c: c.system.name),
        Column("owner_unit", _("Owner section"), lambda c: c.owner_unit.code),
        Column("kind", _("Kind"), lambda c: c.kind, labels=_labels(CaseKind)),
        Column("fiscal_year", _("Budget fiscal year"), lambda c: c.fiscal_year, "int"),
        Column("stage", _("Gate"), lambda c: c.stage, labels=_labels(Stage)),
        Column("state", _("State"), lambda c: c.state, labels=_labels(CaseState)),
        Column("initial_cost", _("Estimated initial cost (yen)"), lambda c: c.initial_cost, "yen"),
        Column(
            "recurring_cost",
            _("Estimated recurring cost per year (yen)"),
            lambda c: c.recurring_cost,
            "yen",
        ),
        Column(
            "procurement_method",
            _("Procurement method"),
            lambda c: c.procurement_method,
            labels=_labels(ProcurementMethod),
        ),
        Column("green", _("Green procurement"), lambda c: c.green, labels=_labels(GreenStatus)),
        Column("contract_code", _("Contract ID"), lambda c: c.contract_code),
        Column(
            "contract_start_on", _("Contract start"), lambda c: iso(c.contract_start_on), "date"
        ),
        Column("contract_end_on", _("Contract end"), lambda c: iso(c.contract_end_on), "date"),
        Column(
            "contract_amount",
            _("Contract yearly amount (yen)"),
            lambda c: c.contract_amount,
            "yen",
        ),
    ],
    lambda user: selectors.case_list(user=user).order_by("code"),
)

EVALUATION_EXPORT = ExportKind(
    "evaluations",
    _("Post-implementation evaluations"),
    [
        Column("system", _("System ID"), lambda e: e.system.code),
        Column("system_name", _("System name"), lambda e: e.system.name),
        Column("case", _("Case ID"), lambda e: e.case.code if e.case else ""),
        Column("fiscal_year", _("Fiscal year evaluated"), lambda e: e.fiscal_year, "int"),
        Column("evaluated_on", _("Evaluated on"), lambda e: iso(e.evaluated_on), "date"),
        Column("expected_cost", _("Expected cost (yen)"), lambda e: e.expected_cost, "yen"),
        Column("actual_cost", _("Actual cost (yen)"), lambda e: e.actual_cost, "yen"),
        Column("expected_usage", _("Expected usage"), lambda e: e.expected_usage),
        Column("actual_usage", _("Actual usage"), lambda e: e.actual_usage),
        Column(
            "expected_staff_hours_saved",
            _("Expected staff hours saved"),
            lambda e: e.expected_staff_hours_saved,
        ),
        Column(
            "actual_staff_hours_saved",
            _("Actual staff hours saved"),
            lambda e: e.actual_staff_hours_saved,
        ),
        Column("conclusion", _("Conclusion"), lambda e: e.conclusion, labels=_labels(Conclusion)),
        Column("findings", _("Findings"), lambda e: e.findings),
        Column("follow_up", _("Follow-up actions"), lambda e: e.follow_up),
        Column("follow_up_due", _("Follow-up due"), lambda e: iso(e.follow_up_due), "date"),
    ],
    lambda user: selectors.evaluation_list(user=user).order_by("evaluated_on", "pk"),
)


def review_kind() -> ExportKind:
    """The budget review of one fiscal year as a file (rows come from the selector)."""
    return ExportKind(
        "budget_review",
        _("Budget review"),
        [
            Column("system", _("System ID"), lambda r: r.system.code),
            Column("system_name", _("System name"), lambda r: r.system.name),
            Column("owner_unit", _("Owner section"), lambda r: r.system.owner_unit.name),
            Column("case", _("Case ID"), lambda r: r.case.code if r.case else ""),
            Column("request", _("Requested operation cost (yen)"), lambda r: r.request, "yen"),
            Column(
                "previous_budget",
                _("Last year's budget (yen)"),
                lambda r: r.previous_budget,
                "yen",
            ),
            Column(
                "past_actual_average",
                _("Average actual of the past three years (yen)"),
                lambda r: r.past_actual_average,
                "yen",
            ),
            Column(
                "peer_upper",
                _("Upper quartile of similar systems (yen)"),
                lambda r: r.peer_upper,
                "yen",
            ),
            Column("flags", _("Flags"), lambda r: " / ".join(text for _c, text in r.flags)),
        ],
        lambda user: [],
    )


def register() -> None:
    # Consultations are exported by their import kind (the same columns both ways).
    for kind in (CASE_EXPORT, EVALUATION_EXPORT):
        exports.register(kind)
