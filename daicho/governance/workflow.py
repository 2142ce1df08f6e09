"""The procurement gates as a state machine in code: one table of transitions, one checklist per
gate (from the procurement guideline, 調達ガイドライン). Services read these tables; nothing here
writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from daicho.governance.models import (
    STAGE_ORDER,
    CaseKind,
    CaseState,
    DecisionAction,
    GateDecision,
    ProcurementCase,
    Stage,
)
from daicho.registry.models import Hosting

OWNER = "owner"  # whoever may edit the case: its owner section (and above), or IT policy
POLICY = "policy"  # the IT policy division of the case's organisation only

GATED = frozenset(
    {Stage.PLANNING, Stage.BUDGET, Stage.PROCUREMENT, Stage.OPERATION}
)  # the stages that end in an approval


@dataclass(frozen=True)
class Transition:
    """An action allowed from some states of some stages, by someone, with what it needs."""

    action: str
    sources: frozenset[str]
    target: str
    by: str
    stages: frozenset[str] = GATED
    advances: bool = False  # the case moves on to the next gate
    needs_comment: bool = False
    needs_checklist: bool = False  # the owner's checklist and required fields complete
    needs_review: bool = False  # the IT policy division's own review checks complete


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            DecisionAction.SUBMIT,
            sources=frozenset({CaseState.DRAFT, CaseState.RETURNED}),
            target=CaseState.SUBMITTED,
            by=OWNER,
            needs_checklist=True,
        ),
        Transition(
            DecisionAction.APPROVE,
            sources=frozenset({CaseState.SUBMITTED}),
            target=CaseState.DRAFT,
            by=POLICY,
            advances=True,
            needs_checklist=True,
            needs_review=True,
        ),
        Transition(
            DecisionAction.RETURN,
            sources=frozenset({CaseState.SUBMITTED}),
            target=CaseState.RETURNED,
            by=POLICY,
            needs_comment=True,
        ),
        Transition(
            DecisionAction.WITHDRAW,
            sources=frozenset({CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED}),
            target=CaseState.WITHDRAWN,
            by=OWNER,
            stages=frozenset(STAGE_ORDER),
            needs_comment=True,
        ),
        Transition(
            DecisionAction.COMPLETE,
            sources=frozenset({CaseState.DRAFT}),
            target=CaseState.COMPLETED,
            by=OWNER,
            stages=frozenset({Stage.EVALUATION}),
        ),
    )
}


def next_stage(stage: str) -> str:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[min(index + 1, len(STAGE_ORDER) - 1)]


def allowed(case: ProcurementCase, action: str) -> bool:
    """Whether ``action`` may happen to the case in its present stage and state (not who)."""
    transition = TRANSITIONS.get(action)
    return (
        transition is not None
        and case.stage in transition.stages
        and case.state in transition.sources
    )


# --- checklists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    applies: Callable[[ProcurementCase], bool] = lambda case: True


def _cloud(case: ProcurementCase) -> bool:
    return case.kind == CaseKind.CLOUD or (
        case.system_id is not None and case.system.hosting in (Hosting.CLOUD, Hosting.GOV_CLOUD)
    )


def _personal(case: ProcurementCase) -> bool:
    return case.system_id is not None and case.system.personal_data


CHECKLISTS: dict[str, list[CheckItem]] = {
    Stage.PLANNING: [
        CheckItem("purpose", _("Purpose, expected effect and cost-effectiveness are stated")),
        CheckItem("cloud_first", _("Cloud services were considered first")),
        CheckItem(
            "shared_use",
            _("Existing systems, shared platforms and joint use were considered"),
        ),
        CheckItem(
            "business_review", _("The business process was reviewed before computerising it")
        ),
    ],
    Stage.BUDGET: [
        CheckItem("quotes", _("Reference quotes were obtained from several vendors")),
        CheckItem("breakdown", _("Initial and recurring costs are broken down by item")),
        CheckItem(
            "cost_compared",
            _("Recurring costs were compared with past years and similar systems"),
        ),
    ],
    Stage.PROCUREMENT: [
        CheckItem(
            "competition",
            _("Vendor chosen by competition, or the reason for a negotiated contract recorded"),
        ),
        CheckItem("security", _("Security requirements are stated in the specification")),
        CheckItem(
            "product_support",
            _("The proposed products are supported for the whole contract period"),
        ),
        CheckItem("green", _("Green procurement criteria were applied to equipment")),
        CheckItem(
            "cloud_exit",
            _("Exit terms for the cloud contract: data return, deletion and migration"),
            _cloud,
        ),
        CheckItem(
            "personal_data",
            _("The contract has clauses on handling personal information"),
            _personal,
        ),
    ],
    Stage.OPERATION: [
        CheckItem("acceptance", _("Acceptance tests are complete")),
        CheckItem("handover", _("Operation manuals and handover documents were received")),
        CheckItem("continuity", _("Backup and ICT-BCP arrangements were confirmed")),
        CheckItem("ledger", _("The ledger (system, contract, costs) is up to date")),
    ],
    Stage.EVALUATION: [],
}


def checklist_items(case: ProcurementCase, stage: str | None = None) -> list[CheckItem]:
    """The checklist items that apply to the case at ``stage`` (its current one by default)."""
    return [item for item in CHECKLISTS[stage or case.stage] if item.applies(case)]


def checklist_missing(case: ProcurementCase) -> list[CheckItem]:
    """Items of the current gate not yet ticked."""
    ticked = case.checklist.get(case.stage, {})
    return [item for item in checklist_items(case) if not ticked.get(item.key)]


# The IT policy division's own checks before it approves a gate (its review, recorded apart
# from the owner's checklist so both are visible and neither can tick the other's).
REVIEW_CHECKS: dict[str, list[CheckItem]] = {
    Stage.PLANNING: [
        CheckItem("plan_fit", _("Consistent with the IT plan and its optimisation policy")),
        CheckItem("no_overlap", _("No overlap with existing systems or shared platforms")),
    ],
    Stage.BUDGET: [
        CheckItem(
            "cost_reviewed",
            _("The quotes were compared with past actuals and similar systems"),
        ),
    ],
    Stage.PROCUREMENT: [
        CheckItem(
            "specification_reviewed",
            _("The specification was reviewed (security, support period, exit terms)"),
        ),
        CheckItem(
            "contract_reviewed", _("The procurement method and contract terms were reviewed")
        ),
    ],
    Stage.OPERATION: [
        CheckItem(
            "ledger_reviewed", _("The ledger entries (system, contract, costs) were checked")
        ),
        CheckItem("continuity_reviewed", _("Backup and ICT-BCP arrangements were checked")),
    ],
    Stage.EVALUATION: [],
}


def review_items(case: ProcurementCase, stage: str | None = None) -> list[CheckItem]:
    return [item for item in REVIEW_CHECKS[stage or case.stage] if item.applies(case)]


def review_missing(case: ProcurementCase) -> list[CheckItem]:
    """The IT policy division's review checks of the current gate not yet recorded."""
    done = case.review_checks.get(case.stage, {})
    return [item for item in review_items(case) if not done.get(item.key)]


def gate_problems(case: ProcurementCase, *, review: bool = False) -> list[str]:
    """What stops the current gate, as people read it: the checklist items not ticked, the
    required fields still empty and, for approval, the review checks not recorded."""
    problems = []
    missing = checklist_missing(case)
    if missing:
        problems.append(
            gettext("The checklist is not complete: %(items)s")
            % {"items": "; ".join(str(i.label) for i in missing)}
        )
    fields = fields_missing(case)
    if fields:
        labels = [str(ProcurementCase._meta.get_field(f).verbose_name) for f in fields]
        problems.append(gettext("Fill in first: %(fields)s") % {"fields": ", ".join(labels)})
    if review:
        pending = review_missing(case)
        if pending:
            problems.append(
                gettext("The IT policy review is not complete: %(items)s")
                % {"items": "; ".join(str(i.label) for i in pending)}
            )
    return problems


# Fields the owner must fill in before the gate is submitted and approved.
REQUIRED_FIELDS: dict[str, list[str]] = {
    Stage.PLANNING: ["purpose"],
    Stage.BUDGET: ["recurring_cost"],
    Stage.PROCUREMENT: [
        "vendor",
        "contract_code",
        "contract_kind",
        "contract_start_on",
        "contract_end_on",
        "contract_amount",
    ],
    Stage.OPERATION: [],
    Stage.EVALUATION: [],
}


def fields_missing(case: ProcurementCase) -> list[str]:
    """Names of required fields of the current gate that are still empty."""
    missing = []
    for name in REQUIRED_FIELDS[case.stage]:
        value = getattr(case, name)
        if value in (None, "") or (name == "procurement_method" and value == "undecided"):
            missing.append(name)
    if case.stage == Stage.PROCUREMENT and case.procurement_method == "undecided":
        missing.append("procurement_method")
    return missing


def part_labels(lists: dict[str, list[CheckItem]]) -> Callable[[tuple[str, ...]], str | None]:
    """How a part of a per-stage list (the checklist or the IT policy review) reads in the audit
    log: 企画 / 目的・効果… (the stage and the item), from its stored path (stage, item key)."""

    def label(path: tuple[str, ...]) -> str | None:
        if not path or path[0] not in Stage.values:
            return None
        stage = Stage(path[0])
        if len(path) == 1:
            return str(stage.label)
        items = {item.key: item.label for item in lists.get(stage, [])}
        return f"{stage.label} / {items.get(path[1], path[1])}"

    return label


def register_checklist_labels() -> None:
    from daicho.core import changes

    for model in (ProcurementCase, GateDecision):
        changes.register_parts(model, "checklist", part_labels(CHECKLISTS))
        changes.register_parts(model, "review_checks", part_labels(REVIEW_CHECKS))
