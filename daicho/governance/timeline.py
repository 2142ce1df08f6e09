"""What governance adds to a system's カルテ: consultations, gate decisions, evaluations."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core import timeline
from daicho.core.money import format_yen
from daicho.core.timeline import Entry, as_datetime
from daicho.governance.models import Consultation, DecisionAction, Evaluation, GateDecision


def _dates(queryset, name, start, end):
    if start:
        queryset = queryset.filter(**{f"{name}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{name}__lte": end})
    return queryset


def consultation_entries(system, *, user, start=None, end=None, limit=500):
    rows = _dates(
        Consultation.objects.visible_to(user).filter(system=system), "consulted_on", start, end
    ).select_related("unit", "handled_by")[:limit]
    result = []
    for c in rows:
        body = c.result
        if c.cost_saving:
            body += "\n" + _("Cost saving: %(amount)s yen a year") % {
                "amount": format_yen(c.cost_saving)
            }
        result.append(
            Entry(
                time=as_datetime(c.consulted_on),
                kind="consultation",
                title=f"{c.get_topic_display()} · {c.subject}",
                body=body.strip(),
                actor=f"{c.unit.name} / {c.handled_by.get_username() if c.handled_by else ''}",
                tone="success" if c.cost_saving else "info",
            )
        )
    return result


TONES = {
    DecisionAction.APPROVE: "success",
    DecisionAction.RETURN: "danger",
    DecisionAction.WITHDRAW: "dark",
    DecisionAction.SUBMIT: "warning",
    DecisionAction.COMPLETE: "success",
}


def decision_entries(system, *, user, start=None, end=None, limit=500):
    rows = GateDecision.objects.visible_to(user).filter(case__system=system)
    if start:
        rows = rows.filter(decided_at__gte=as_datetime(start))
    if end:
        rows = rows.filter(decided_at__lte=as_datetime(end, end=True))
    rows = rows.select_related("case").order_by("-decided_at")[:limit]
    return [
        Entry(
            time=d.decided_at,
            kind="case",
            title=f"{d.case.code} {d.case.title} · {d.get_stage_display()} · "
            f"{d.get_action_display()}",
            body=d.comment,
            actor=d.actor_name,
            url=d.case.get_absolute_url(),
            tone=TONES.get(d.action, "secondary"),
        )
        for d in rows
    ]


def evaluation_entries(system, *, user, start=None, end=None, limit=500):
    rows = _dates(
        Evaluation.objects.visible_to(user).filter(system=system), "evaluated_on", start, end
    ).select_related("evaluated_by")[:limit]
    return [
        Entry(
            time=as_datetime(e.evaluated_on),
            kind="evaluation",
            title=_("Evaluation of FY%(year)s: %(conclusion)s")
            % {"year": e.fiscal_year, "conclusion": e.get_conclusion_display()},
            body="\n".join(x for x in (e.findings, e.follow_up) if x),
            actor=e.evaluated_by.get_username() if e.evaluated_by else "",
            url=e.get_absolute_url(),
            tone="primary",
        )
        for e in rows
    ]


def register() -> None:
    timeline.register(
        "consultation",
        label=gettext_lazy("Consultations"),
        fetch=consultation_entries,
        order=30,
    )
    timeline.register(
        "case", label=gettext_lazy("Cases and gate decisions"), fetch=decision_entries, order=40
    )
    timeline.register(
        "evaluation", label=gettext_lazy("Evaluations"), fetch=evaluation_entries, order=50
    )
