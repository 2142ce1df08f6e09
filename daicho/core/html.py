"""HTML escaping for the hot paths of list pages (table cells, filter options).

Django's `conditional_escape` goes through the lazy-string wrapper on every call, which shows
when a page escapes thousands of values; this does the same for plain and safe values.
"""

from __future__ import annotations

from html import escape
from typing import Any


def esc(value: Any) -> str:
    """``value`` as HTML: escaped, or as is when it is already safe HTML (``__html__``)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))
