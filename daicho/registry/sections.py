"""Sections other areas add to a system's page (infrastructure, backup, cases…).

The registry never imports those areas: each registers a template and a context function here
in its `AppConfig.ready()`, and the system page includes them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    context: Callable  # (request, system) -> dict, shown as `section` in the template
    order: int
    column: str = "left"  # "left" (beside the overview) or "right" (beside the costs)


_sections: dict[str, Section] = {}


def register(
    name: str, *, template: str, context: Callable, order: int, column: str = "left"
) -> None:
    _sections[name] = Section(name, template, context, order, column)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)
