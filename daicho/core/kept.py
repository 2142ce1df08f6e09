"""Per-process memos of HTML and rows that depend only on version stamps, values and the
language (the page frame, filter fields, select options, saved views, translated labels)."""

from __future__ import annotations

from typing import Any


class Kept(dict):
    """A memo that forgets everything once it holds ``limit`` entries: keyed by version stamps
    and typed values, it would otherwise grow for as long as the process lives."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def keep(self, key: Any, value: Any) -> Any:
        """Keep ``value`` under ``key`` and return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
