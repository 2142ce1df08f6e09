"""The first run of a ledger: in which order to load an organisation's files, and how far it is.

The order is data (`STEPS`): a new import kind is placed in it with the file people usually have
for it; kinds not listed follow the list. Each step's state is read from the ledger: how many
records of the kind exist, the last import of the kind, and whether an import was applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from daicho.core.importing import engine
from daicho.core.models import ImportBatch, ImportStatus


@dataclass(frozen=True)
class Step:
    """A kind in the first-run order, with the file people usually have for it."""

    kind: str
    usual_file: Any  # a lazily translated sentence
    optional: bool = False  # the ledger works without it; never proposed as the next step


STEPS: list[Step] = [
    Step(
        "units",
        _(
            "The organisation chart (組織一覧) from the personnel or general affairs division: "
            "unit codes, names and the unit above each."
        ),
    ),
    Step(
        "systems",
        _(
            "The information system ledger (情報システム一覧) most bodies keep in Excel: one row "
            "per system with its department and section."
        ),
    ),
    Step(
        "cost-items",
        _(
            "Your own cost items (費目), only if the 節 the ledger starts with do not fit your "
            "budget books."
        ),
        optional=True,
    ),
    Step(
        "costs",
        _(
            "Budget and actual costs per system and fiscal year, from the budget request "
            "sheets (予算要求資料) or the settlement (決算)."
        ),
    ),
    Step(
        "vendors",
        _(
            "The vendor list (事業者一覧) of the contract division: names, corporate numbers "
            "and contacts."
        ),
    ),
    Step(
        "contracts",
        _(
            "The contract ledger (契約台帳): contract number, title, vendor, period and yearly "
            "amount."
        ),
    ),
    Step(
        "devices",
        _(
            "The PC and device ledger (機器台帳・PC管理台帳), or the device list of the asset "
            "management tool."
        ),
    ),
    Step(
        "installations",
        _(
            "The software inventory of SKYSEA Client View, LanScope Cat, AssetView or a "
            "PowerShell export: one row per PC and installed program."
        ),
    ),
    Step(
        "licences",
        _(
            "The licence ledger (ライセンス管理台帳): the licences bought, their quantity, type "
            "and validity."
        ),
    ),
    Step(
        "normalisation-rules",
        _(
            "Rules naming the software titles of raw program names, only where the built-in "
            "matching misses some."
        ),
        optional=True,
    ),
    Step(
        "servers",
        _(
            "The server list (サーバ一覧) of the infrastructure team: physical servers, "
            "virtualization hosts and virtual machines."
        ),
    ),
    Step(
        "cloud-services",
        _(
            "The cloud services in use (SaaS, IaaS, ガバメントクラウド) with their systems and "
            "yearly cost."
        ),
    ),
    Step(
        "vdi",
        _("The virtual desktops in use per pool, as counted by the VDI management console."),
    ),
    Step(
        "components",
        _(
            "The software each system is built on (OS, database, middleware), from its design "
            "documents."
        ),
    ),
    Step(
        "backups",
        _("Each system's backup settings, from its operations manual or the vendor's report."),
    ),
    Step("restore_tests", _("The restore tests held: date, result and time taken.")),
    Step(
        "bcp",
        _("Each system's ICT-BCP: priority work, recovery priority, RTO and RPO."),
    ),
    Step("drills", _("The ICT-BCP drills held: date, kind and participants.")),
    Step("drill_findings", _("What the drills found and the improvements agreed.")),
    Step("outages", _("System outages from the operations log: start, end and cause.")),
    Step(
        "incidents",
        _("The information security incident register (情報セキュリティ事故の報告)."),
    ),
    Step("training_attendance", _("The attendance lists of IT and security training.")),
    Step(
        "consultations",
        _("The record of support given to the sections (相談・支援の記録)."),
    ),
]


class State:
    DONE = "done"
    NEXT = "next"
    TODO = "todo"
    OPTIONAL = "optional"


@dataclass
class StepState:
    """One step as the first-run page shows it."""

    number: int
    kind: engine.Kind
    usual_file: Any
    optional: bool
    records: int
    last_batch: ImportBatch | None
    state: str = State.TODO


def ordered_steps() -> list[Step]:
    """The steps of the registered kinds: the listed order, then every other kind by name."""
    kinds = engine.kinds()
    listed = [step for step in STEPS if step.kind in kinds]
    named = {step.kind for step in STEPS}
    return listed + [Step(name, "") for name in kinds if name not in named]


def _records(kind: engine.Kind, user, organisation):
    """The organisation's records of a kind that the user may read."""
    rows = kind.export_queryset(user)
    if any(f.name == "organisation" for f in rows.model._meta.concrete_fields):
        rows = rows.filter(organisation=organisation)
    return rows.order_by()


def first_run_steps(*, user, organisation) -> list[StepState]:
    """Every step with its state: done (an import of the kind was applied, or — for a kind no
    other import creates — the ledger has its records), next (the first open step), to do."""
    kinds = engine.kinds()
    batches = ImportBatch.objects.filter(organisation=organisation).order_by()
    applied = set(
        batches.filter(status=ImportStatus.APPLIED).values_list("kind", flat=True).distinct()
    )
    visible = ImportBatch.objects.visible_to(user).filter(organisation=organisation).order_by()
    last_ids = visible.values("kind").annotate(last=Max("pk")).values("last")
    last = {b.kind: b for b in visible.filter(pk__in=last_ids)}
    steps = []
    for number, step in enumerate(ordered_steps(), start=1):
        kind = kinds[step.kind]
        records = _records(kind, user, organisation).count()
        done = step.kind in applied or (records > 0 and step.kind not in engine.REFERENCES)
        steps.append(
            StepState(
                number=number,
                kind=kind,
                usual_file=step.usual_file,
                optional=step.optional,
                records=records,
                last_batch=last.get(step.kind),
                state=State.DONE if done else State.OPTIONAL if step.optional else State.TODO,
            )
        )
    for step in steps:
        if step.state == State.TODO:
            step.state = State.NEXT
            break
    return steps


def ledger_is_new(*, user, organisation) -> bool:
    """Whether the organisation's ledger has no information system yet (the first run)."""
    kind = engine.kinds().get("systems")
    if not organisation or kind is None:  # (a lazy None for a user of no organisation)
        return False
    return not _records(kind, user, organisation).exists()


def first_run_panel(request) -> dict:
    """The home page's way in for a new ledger: where to start loading the organisation's files."""
    return {"new_ledger": ledger_is_new(user=request.user, organisation=request.organisation)}
