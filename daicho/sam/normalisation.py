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
from dataclasses import dataclass

from daicho.lifecycle.patterns import compile_pattern
from daicho.sam.data.rules import SHIPPED_RULES
from daicho.sam.models import NormalisationRule
from daicho.sam.patterns import expand, normalise

__all__ = ["Normalised", "Normaliser"]


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


class Normaliser:
    """The rules of one organisation (its own, then the shipped ones), loaded once."""

    def __init__(self, organisation=None, *, shipped: bool = True):
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
                title=expand(match, rule.title),
                edition=expand(match, rule.edition),
                version=expand(match, rule.version)[:50],
                free=rule.free,
            )
            if found.title:
                break
            found = Normalised()
        self._cache[key] = found
        return found
