"""The standard 費目: the sections (節) of the expenditure budget that IT costs are budgeted
under, kept as data (``data/cost_items.yaml``), and what a new item named in a file belongs to."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from daicho.registry.models import CostItem, cost_item_key

DATA = Path(__file__).parent / "data" / "cost_items.yaml"


@dataclass(frozen=True)
class StandardItem:
    """One 節 of the seed list: its code, name, number and the endings of finer items' names."""

    code: str
    name: str
    number: int
    endings: tuple[str, ...]

    @property
    def sort_order(self) -> int:
        return self.number * 10


@functools.cache
def standard_items() -> tuple[StandardItem, ...]:
    """The 費目 `daicho init` gives a new organisation, in the budget's order."""
    rows = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(
        StandardItem(
            code=str(row["code"]),
            name=str(row["name"]),
            number=int(row["number"]),
            endings=tuple(str(e) for e in row.get("endings") or (row["name"],)),
        )
        for row in rows
    )


@functools.cache
def _endings() -> list[tuple[str, StandardItem]]:
    """(ending as a key, 節) of every ending, the longest first."""
    pairs = [(cost_item_key(e), item) for item in standard_items() for e in item.endings]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def budget_section_of(name: str) -> StandardItem | None:
    """The 節 a 費目 of this name is budgeted under (運用保守委託料 → 委託料), if its name says."""
    key = cost_item_key(name)
    return next((item for ending, item in _endings() if key.endswith(ending)), None)


def new_item_defaults(name: str, items: Iterable[CostItem]) -> dict[str, object]:
    """The 節 and sort order of a new item named ``name`` beside the organisation's ``items``:
    right after its 節 when the name tells it, else at the end of the list."""
    items = list(items)
    section = budget_section_of(name)
    if section is None:
        last = max((i.sort_order for i in items), default=0)
        return {"budget_section": "", "sort_order": last + 10}
    same = [i for i in items if cost_item_key(i.name) == cost_item_key(section.name)]
    base = same[0].sort_order if same else section.sort_order
    return {"budget_section": section.name, "sort_order": base + 1}
