"""The metric registry: each area registers the indicators it can compute from the ledger.

A metric is a function (organisation, fiscal year, **params) → Measurement. The plan app reads
them; nothing else depends on the plan. A metric whose area does not exist yet is simply not
registered, and the plan shows "not available" — never a made-up number.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar


@dataclass(frozen=True)
class Measurement:
    """A computed value, how it was computed, and where the records behind it are."""

    value: Decimal | None
    detail: str = ""  # e.g. "2,380,600千円 / 3,387,700千円"
    records_url: str = ""  # a list page filtered to the records behind the number
    extra: dict[str, Any] = field(default_factory=dict)
    # The records counted, as a lazy queryset (evaluated only by the drill-down and when a year
    # is published): the systems on cloud at the year's end, the drills held in the year, …
    records: Any = None
    # Why there is no value (value None), in the users' words: derived from the data, e.g.
    # "no 棚卸 campaign in this fiscal year".
    reason: str = ""


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    unit: str
    compute: Callable[..., Measurement]


_metrics: dict[str, Metric] = {}


def register(key: str, *, name: str, unit: str, compute: Callable[..., Measurement]) -> None:
    _metrics[key] = Metric(key=key, name=name, unit=unit, compute=compute)


def metrics() -> dict[str, Metric]:
    return dict(_metrics)


T = TypeVar("T")
_shared: ContextVar[dict | None] = ContextVar("daicho_metrics_shared", default=None)


@contextlib.contextmanager
def sharing() -> Iterator[None]:
    """Within the block, `shared` computes each figure once: a page that shows an indicator, its
    trend and an area's summary of the same year asks for the same figure several times. (The
    plan dashboard computed the backup compliance three times, about 20 ms of Python each; the
    figures come from different registries, so no one caller can compute it once and pass it.)"""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per `sharing` block for the same key (every time outside one)."""
    memo = _shared.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
