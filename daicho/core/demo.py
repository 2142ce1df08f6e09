"""The demo organisation is assembled by loaders each app registers (core never imports them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[..., None]
    order: int


_loaders: dict[str, DemoLoader] = {}


def register(name: str, load: Callable[..., None], *, order: int) -> None:
    """Register an app's demo loader; ``load(organisation=…, stdout=…)`` must be idempotent."""
    _loaders[name] = DemoLoader(name=name, load=load, order=order)


def loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda loader: loader.order)
