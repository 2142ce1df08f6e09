"""The budget review sums each system's operation costs with an indexed look-up per figure, so
a case page and the review page stay fast and show the same figures (issue #18)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daicho.governance import selectors
from daicho.registry.models import CostLine
from tests.factories import CostItemFactory, CostLineFactory, SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def costs(world):
    """Several lines a year of every basis and category, so that only the right ones add up."""
    systems = [world.system_a, *(SystemFactory(owner_unit=world.section_b) for _ in range(4))]
    items = [CostItemFactory(organisation=world.org, code=code) for code in ("hosyu", "shiyo")]
    for n, system in enumerate(systems):
        for fy in range(2011, 2016):
            for basis in ("budget", "actual"):
                for category in ("operation", "initial"):
                    for part, item in enumerate(items, start=1):
                        CostLineFactory(
                            system=system,
                            fiscal_year=fy,
                            basis=basis,
                            category=category,
                            amount=1_000_000 * part + 10_000 * n + 100 * fy,
                            item=item,
                        )
    # no costs at all; "N" codes: no factory sequence reaches them, whatever ran before
    SystemFactory(owner_unit=world.section_b, code="N0999")
    return systems


def _by_hand(system, fy, basis):
    amounts = [
        line.amount
        for line in CostLine.objects.filter(system=system)
        if (line.fiscal_year, line.basis, line.category) == (fy, basis, "operation")
    ]
    return sum(amounts) if amounts else None


def test_cost_figures_are_the_sums_of_each_systems_operation_lines(world, costs):
    figures = {
        s.code: s for s in selectors.system_cost_figures(organisation=world.org, fiscal_year=2015)
    }
    for system in costs:
        row = figures[system.code]
        assert (
            row.request,
            row.previous_budget,
            row.actual_1,
            row.actual_2,
            row.actual_3,
        ) == (
            _by_hand(system, 2015, "budget"),
            _by_hand(system, 2014, "budget"),
            _by_hand(system, 2014, "actual"),
            _by_hand(system, 2013, "actual"),
            _by_hand(system, 2012, "actual"),
        )
    empty = figures["N0999"]
    assert (empty.request, empty.actual_1) == (None, None)


def test_the_case_page_shows_its_review_in_a_fixed_number_of_queries(
    client, world, case, costs, django_assert_max_num_queries
):
    client.force_login(world.viewer)
    url = reverse("governance:case_detail", args=[case.pk])
    client.get(url)  # the session's first request does its own bookkeeping
    with django_assert_max_num_queries(20) as few:
        page = client.get(url).content.decode()
    review = page.split('id="budget-review"')[1].split("</table>")[0]
    row = selectors.case_review(case)
    last_year = _by_hand(world.system_a, 2014, "budget")  # the world's line and the two above
    assert row.previous_budget == last_year
    assert f"{last_year:,}" in review and f"{row.past_actual_average:,}" in review
    for n in range(10):
        SystemFactory(owner_unit=world.section_b, code=f"N{n:04}")
    with django_assert_max_num_queries(len(few)):
        client.get(url)
