"""How an import finds the record a row describes: by its natural key, on normalised text.

Every kind has a natural key (docs/import-keys.md lists them): its code when the file gives one,
else columns that name the record the way people do (a system by its name, an incident by date,
unit and title, …). Text in a key is compared as `text_key` makes it, so that 「税務 システム」,
「税務システム」 and 「税務システム 」 are one system, and importing a file twice changes nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)  # the same codes and names repeat on every row of a file
def text_key(text: str | None) -> str:
    """Text as keys compare it: NFKC (full width → ASCII, ㈱ → (株)), case folded, every space
    and line break removed."""
    if not text:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).casefold()
