"""HTML escaping for the hot paths of list pages (table cells, filter options).

Django's `conditional_escape` goes through the lazy-string wrapper on every call, which shows
when a page escapes thousands of values; this does the same for plain and safe values.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote_plus, urlencode


def esc(value: Any) -> str:
    """``value`` as HTML: escaped, or as is when it is already safe HTML (``__html__``)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def query_string(params, **changes: Any) -> str:
    """``params`` (a QueryDict) as a query string with some parameters replaced (None removes
    one); a replaced parameter keeps its place. Lists call this for every sort and page link,
    so it avoids copying the QueryDict."""
    items = []
    for key, values in params.lists():
        if key in changes:
            if changes[key] is not None:
                items.append((key, changes[key]))
        else:
            items.extend((key, value) for value in values)
    items.extend((k, v) for k, v in changes.items() if v is not None and k not in params)
    return urlencode(items)


_SLOT = "\x00slot\x00"


def query_string_with(params, key: str, **changes: Any) -> Callable[[Any], str]:
    """``lambda value: query_string(params, **changes, key=value)`` with the rest of the query
    encoded once: a list writes a link per page and per column."""
    parts = query_string(params, **changes, **{key: _SLOT}).split(quote_plus(_SLOT))
    if len(parts) != 2:  # the slot's text was in the query itself
        return lambda value: query_string(params, **changes, **{key: value})
    before, after = parts
    return lambda value: f"{before}{quote_plus(str(value))}{after}"
