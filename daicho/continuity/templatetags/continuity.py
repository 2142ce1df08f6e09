"""The continuity section of a system's page (included by registry/system_detail.html)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from daicho.continuity import selectors
from daicho.continuity.models import BcpPlan

register = template.Library()


@register.simple_tag
def continuity_status(system) -> dict:
    """The system's compliance with the backup standard and its ICT-BCP readiness."""
    _standard, results = selectors.backup_compliance(
        organisation=system.organisation,
        systems=selectors.systems_in_operation(system.organisation, timezone.localdate()).filter(
            pk=system.pk
        ),
    )
    plan = BcpPlan.objects.filter(system=system).first()
    contradictions = 0
    if plan is not None:
        plan = selectors.bcp_list().get(pk=plan.pk)
        contradictions = sum(1 for i in selectors.readiness(plan) if i.contradiction)
    return {
        "result": results[0] if results else None,
        "plan": plan,
        "contradictions": contradictions,
    }
