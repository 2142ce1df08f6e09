"""The demo organisation gets the seed's plan (okayama-2014); the municipality whose
standardisation the demo records (倉敷市) gets the builtin standardisation-2025."""

from __future__ import annotations

from daicho.core.models import Organisation
from daicho.plan import services
from daicho.plan.models import IndicatorResult


def load(*, stdout=None) -> None:
    organisation = Organisation.objects.filter(code="330001").first()
    if organisation is None:
        return
    path = services.BUILTIN["okayama-2014"]
    plan = services.plan_import(
        organisation=organisation, data=services.plan_data(path.read_text(encoding="utf-8"))
    )
    # The committee has seen FY2014 and FY2015: their figures are published (frozen).
    published = set(
        IndicatorResult.objects.filter(indicator__measure__plan=plan, published=True).values_list(
            "fiscal_year", flat=True
        )
    )
    for fiscal_year in (2014, 2015):
        if fiscal_year not in published:
            services.year_publish(plan=plan, fiscal_year=fiscal_year)
    if stdout is not None:
        stdout.write(f"{plan.title}: {plan.start_year}–{plan.end_year}")
    municipality = Organisation.objects.filter(code="332020").first()
    if municipality is not None:
        source = services.BUILTIN["standardisation-2025"].read_text(encoding="utf-8")
        services.plan_import(organisation=municipality, data=services.plan_data(source))
