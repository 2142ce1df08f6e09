"""The pure helpers of normalisation rules: a leaf module (no model), which the rule model
validates with (`NormalisationRule.clean`) and the normaliser (`sam.normalisation`) applies."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from daicho.lifecycle.patterns import compile_pattern

_MARKS = re.compile(r"\((?:tm|r)\)|[™®]", re.IGNORECASE)


def normalise(raw: str) -> str:
    """NFKC (full-width to half-width), single spaces, no ™/® marks; case kept for the groups
    a rule takes (patterns ignore case)."""
    text = unicodedata.normalize("NFKC", raw or "")
    if "(" in text or "™" in text or "®" in text:
        text = _MARKS.sub(" ", text)
    return " ".join(text.split())


def expand(match: re.Match, template: str) -> str:
    """A rule's title, edition or version with the pattern's groups (``\\1``) filled in."""
    if "\\" not in template:
        return template
    try:
        return " ".join(match.expand(template).split())
    except (re.error, IndexError):
        return ""


def check_rule(pattern: str, publisher_pattern: str, title: str, edition: str, version: str):
    """Problems with a rule, by field (empty when it is usable)."""
    errors: dict[str, str] = {}
    compiled = None
    for name, text in (("pattern", pattern), ("publisher_pattern", publisher_pattern)):
        if not text:
            continue
        try:
            compiled_one = compile_pattern(text)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if name == "pattern":
            compiled = compiled_one
    if compiled is not None:
        for name, text in (("title", title), ("edition", edition), ("version", version)):
            for group in re.findall(r"\\(\d+)", text or ""):
                if int(group) > compiled.groups:
                    errors[name] = _(
                        "\\%(group)s takes a group the pattern does not have (it has %(count)d)."
                    ) % {"group": group, "count": compiled.groups}
    return errors
