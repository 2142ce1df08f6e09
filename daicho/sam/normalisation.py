"""Raw installed names, as inventories write them, to software titles.

    "Microsoft Office Professional Plus 2013"  ──►  Microsoft Office / Professional Plus / 2013

A rule is a regular expression on the normalised raw name (NFKC, single spaces; case ignored), an
optional expression on the publisher, and the resulting publisher, title, edition and version, in
which ``\\1`` takes a group. The organisation's rules are tried first (by priority), then the
shipped ones (daicho/sam/data/rules.py). A name no rule matches stays without a title and is
listed for mapping.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from daicho.lifecycle.matching import compile_pattern

__all__ = ["Normalised", "Normaliser", "check_rule", "normalise"]

_MARKS = re.compile(r"\((?:tm|r)\)|[™®]", re.IGNORECASE)


def normalise(raw: str) -> str:
    """NFKC (full-width to half-width), single spaces, no ™/® marks; case kept for the groups
    a rule takes (patterns ignore case)."""
    text = unicodedata.normalize("NFKC", raw or "")
    if "(" in text or "™" in text or "®" in text:
        text = _MARKS.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Normalised:
    """What a raw name normalises to (all blank when no rule matches)."""

    publisher: str = ""
    title: str = ""
    edition: str = ""
    version: str = ""
    free: bool = False

    @property
    def matched(self) -> bool:
        return bool(self.title)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.publisher, self.title, self.edition)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern
    publisher_pattern: re.Pattern | None
    publisher: str
    title: str
    edition: str
    version: str
    free: bool


def _expand(match: re.Match, template: str) -> str:
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


class Normaliser:
    """The rules of one organisation (its own, then the shipped ones), loaded once."""

    def __init__(self, organisation=None, *, shipped: bool = True):
        from daicho.sam.data.rules import SHIPPED_RULES
        from daicho.sam.models import NormalisationRule

        rules: list[_Rule] = []
        if organisation is not None:
            for r in NormalisationRule.objects.filter(organisation=organisation).order_by(
                "priority", "pk"
            ):
                rules.append(
                    _Rule(
                        compile_pattern(r.pattern),
                        compile_pattern(r.publisher_pattern) if r.publisher_pattern else None,
                        r.publisher,
                        r.title,
                        r.edition,
                        r.version,
                        r.free,
                    )
                )
        if shipped:
            for pattern, publisher, title, edition, version, free in SHIPPED_RULES:
                rules.append(
                    _Rule(compile_pattern(pattern), None, publisher, title, edition, version, free)
                )
        self.rules = rules
        self._cache: dict[tuple[str, str], Normalised] = {}

    def __call__(self, raw: str, publisher: str = "") -> Normalised:
        key = (raw, publisher)
        found = self._cache.get(key)
        if found is not None:
            return found
        text = normalise(raw)
        publisher_text = normalise(publisher)
        found = Normalised()
        for rule in self.rules:
            match = rule.pattern.search(text)
            if not match:
                continue
            if rule.publisher_pattern is not None and not rule.publisher_pattern.search(
                publisher_text
            ):
                continue
            found = Normalised(
                publisher=rule.publisher,
                title=_expand(match, rule.title),
                edition=_expand(match, rule.edition),
                version=_expand(match, rule.version)[:50],
                free=rule.free,
            )
            if found.title:
                break
            found = Normalised()
        self._cache[key] = found
        return found
