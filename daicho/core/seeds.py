"""What a new organisation starts with, registered by each app (core never imports them).

`daicho init` runs every seed on the organisation it creates or finds; a seed adds only what the
organisation lacks, so running it again adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Seed:
    name: str
    label: Any  # what the seed adds, as `init` reports it (e.g. "cost items")
    seed: Callable[..., list]  # seed(organisation=…) -> the records it added
    order: int


_seeds: dict[str, Seed] = {}


def register(name: str, seed: Callable[..., list], *, label: Any, order: int) -> None:
    """Register an app's seed; ``seed(organisation=…)`` returns what it added (idempotent)."""
    _seeds[name] = Seed(name=name, label=label, seed=seed, order=order)


def seeds() -> list[Seed]:
    return sorted(_seeds.values(), key=lambda s: s.order)


def seed_organisation(organisation) -> list[tuple[Seed, list]]:
    """Run every seed on ``organisation``: (seed, the records it added) in order."""
    return [(s, s.seed(organisation=organisation)) for s in seeds()]
