"""Governance's notices: cases waiting for approval, cases returned, evaluations due."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core import notices, wareki
from daicho.core.notices import Notice
from daicho.core.permissions import scope_of
from daicho.governance import selectors, services


def approvals_waiting(user, organisation) -> list[Notice]:
    if organisation.pk not in scope_of(user).policy_org_ids:
        return []
    cases = selectors.cases_awaiting(user=user, organisation=organisation).order_by("submitted_at")
    return [
        Notice(
            "approvals",
            f"{c.code} {c.title}",
            c.get_absolute_url(),
            f"{c.get_stage_display()} · {c.owner_unit.name}",
        )
        for c in cases
    ]


def cases_returned(user, organisation) -> list[Notice]:
    cases = selectors.cases_returned(user=user).filter(organisation=organisation)
    return [
        Notice("returned", f"{c.code} {c.title}", c.get_absolute_url(), c.get_stage_display())
        for c in cases
    ]


def evaluations_due(user, organisation) -> list[Notice]:
    url = reverse("governance:evaluation_create")
    return [
        Notice(
            "evaluations",
            f"{c.system.code} {c.system.name}",
            f"{url}?case={c.pk}",
            _("in operation since %(date)s") % {"date": wareki.format_date(c.in_operation_on)},
        )
        for c in selectors.evaluations_due(user=user, organisation=organisation)
        if services.may_edit_case(c, user)
    ]


def follow_ups_due(user, organisation) -> list[Notice]:
    return [
        Notice(
            "follow_ups",
            f"{e.system.code} {e.system.name}",
            e.get_absolute_url(),
            _("follow-up due %(date)s: %(actions)s")
            % {"date": wareki.format_date(e.follow_up_due), "actions": e.follow_up[:60]},
        )
        for e in selectors.follow_ups_due(user=user, organisation=organisation)
    ]


def register() -> None:
    notices.register(
        "approvals", label=gettext_lazy("Cases to approve"), collect=approvals_waiting, order=10
    )
    notices.register(
        "returned", label=gettext_lazy("Cases returned to you"), collect=cases_returned, order=20
    )
    notices.register(
        "evaluations", label=gettext_lazy("Evaluations due"), collect=evaluations_due, order=30
    )
    notices.register(
        "follow_ups",
        label=gettext_lazy("Improvement actions due"),
        collect=follow_ups_due,
        order=35,
    )
