"""Panels of the home page, registered by each app (core never imports them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (request) -> dict
    order: int
    width: int = 6  # Bootstrap columns out of 12


_panels: dict[str, Panel] = {}


def register(name: str, *, template: str, context: Callable, order: int, width: int = 6) -> None:
    _panels[name] = Panel(name=name, template=template, context=context, order=order, width=width)


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: p.order)
