"""The demo organisation gets the seed's plan (okayama-2014)."""

from __future__ import annotations

from daicho.core.models import Organisation
from daicho.plan import services


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None:
        return
    path = services.BUILTIN["okayama-2014"]
    plan = services.plan_import(
        organisation=organisation, data=services.plan_data(path.read_text(encoding="utf-8"))
    )
    if stdout is not None:
        stdout.write(f"{plan.title}: {plan.start_year}–{plan.end_year}")
