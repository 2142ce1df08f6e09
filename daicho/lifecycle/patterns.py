"""The pure helpers of matching raw names against rules: a leaf module (no model), which the
rules' models validate with and the resolvers (`lifecycle.matching`, `sam.normalisation`) match
with."""

from __future__ import annotations

import functools
import re
import unicodedata

from django.utils.translation import gettext as _


def normalise(raw: str) -> str:
    """NFKC (full-width to half-width), lower case, single spaces, no ™/® marks."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"\((?:tm|r)\)|[™®]", " ", text, flags=re.IGNORECASE)
    return " ".join(text.lower().split())


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(_("Not a valid regular expression: %(error)s") % {"error": exc}) from None
