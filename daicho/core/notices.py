"""What waits for a user: each app registers a source of notices (cases to approve, cases
returned, evaluations due; later licence renewals, drills, inventories …). The in-app list and the
e-mail digest (`daicho notify`) read every source; each user chooses which kinds they receive.

    from daicho.core import notices
    notices.register("inventory", label=_("Inventories to confirm"), collect=fn, order=40)

``collect(user, organisation)`` returns the `Notice` objects for the user, already limited to
what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class NoticeSource:
    kind: str
    label: Any
    collect: Callable[..., list[Notice]]
    order: int


_sources: dict[str, NoticeSource] = {}


def register(kind: str, *, label, collect: Callable[..., list[Notice]], order: int) -> None:
    _sources[kind] = NoticeSource(kind=kind, label=label, collect=collect, order=order)


def sources() -> list[NoticeSource]:
    return sorted(_sources.values(), key=lambda s: s.order)


def notices_for(user, organisation, *, kinds=None) -> list[tuple[NoticeSource, list[Notice]]]:
    """Every source's notices for the user (only the chosen kinds), in source order."""
    result = []
    for source in sources():
        if kinds is not None and source.kind not in kinds:
            continue
        result.append((source, list(source.collect(user, organisation))))
    return result
