"""The metric registry: each area registers the indicators it can compute from the ledger.

A metric is a function (organisation, fiscal year, **params) → Measurement. The plan app reads
them; nothing else depends on the plan. A metric whose area does not exist yet is simply not
registered, and the plan shows "not available" — never a made-up number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Measurement:
    """A computed value, how it was computed, and where the records behind it are."""

    value: Decimal | None
    detail: str = ""  # e.g. "2,380,600千円 / 3,387,700千円"
    records_url: str = ""  # a list page filtered to the records behind the number
    extra: dict[str, Any] = field(default_factory=dict)


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
