"""Summaries each area gives of a fiscal year, shown on the plan's dashboard and in the annual
report's risk sections (server consolidation, end of support, backups and drills, SAM, …).

The plan never imports the areas: each registers a function here in its ``AppConfig.ready()``
returning a small table — headers, rows, a note and a link to the records — or None when it has
nothing to say for that year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SummaryTable:
    """What one area says about a fiscal year, as a table a committee can read."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""
    url: str = ""
    highlights: list[tuple[str, Any]] = field(default_factory=list)  # (label, figure) up top


@dataclass(frozen=True)
class Summary:
    key: str
    compute: Callable[..., SummaryTable | None]  # (organisation, fiscal_year) -> table or None
    order: int


_summaries: dict[str, Summary] = {}


def register(key: str, *, compute: Callable[..., SummaryTable | None], order: int) -> None:
    _summaries[key] = Summary(key=key, compute=compute, order=order)


def tables(organisation, fiscal_year: int) -> list[SummaryTable]:
    """Every area's table for the year, in order (areas with nothing to say are left out)."""
    out = []
    for summary in sorted(_summaries.values(), key=lambda s: s.order):
        table = summary.compute(organisation, fiscal_year)
        if table is not None:
            out.append(table)
    return out
