"""Resolve raw OS and product strings, as inventories write them, to product releases.

    "Microsoft Windows Server 2008 R2 Standard"  ──rules──►  Windows Server / 2008-r2

Rules are regular expressions tried in order (the organisation's own first, then shipped ones by
priority); the first that matches names the product and the cycle (``\\1`` takes a group). A
string no rule matches, or whose cycle has no release, stays unmatched and is listed for mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from daicho.lifecycle.models import MatchRule, ProductRelease
from daicho.lifecycle.patterns import compile_pattern, normalise


@dataclass(frozen=True)
class Resolution:
    """What a raw string resolved to: a release, or why not."""

    release_id: int | None
    rule_id: int | None = None
    product: str = ""
    cycle: str = ""
    reason: str = ""


class Resolver:
    """The rules and releases of one organisation, loaded once, for many strings."""

    def __init__(self, organisation=None):
        rules = MatchRule.objects.select_related("product")
        rules = (
            rules.for_organisation(organisation)
            if organisation
            else rules.filter(organisation__isnull=True)
        )
        self.rules = sorted(rules, key=lambda r: (r.organisation_id is None, r.priority, r.pk))
        self.releases = {
            (product_id, cycle.lower()): pk
            for pk, product_id, cycle in ProductRelease.objects.values_list(
                "pk", "product_id", "cycle"
            )
        }
        self._cache: dict[str, Resolution] = {}

    def resolve(self, raw: str | None) -> Resolution:
        if not raw or not raw.strip():
            return Resolution(None, reason="")
        if raw in self._cache:
            return self._cache[raw]
        text = normalise(raw)
        result = Resolution(None, reason=_("No rule matches this name."))
        for rule in self.rules:
            match = compile_pattern(rule.pattern).search(text)
            if not match:
                continue
            try:
                cycle = match.expand(rule.cycle).strip().lower().replace(" ", "-")
            except (re.error, IndexError):
                cycle = rule.cycle.lower()
            release_id = self.releases.get((rule.product_id, cycle))
            if release_id is None:
                result = Resolution(
                    None,
                    rule.pk,
                    rule.product.name,
                    cycle,
                    _("The rule names %(product)s %(cycle)s, which has no release here.")
                    % {"product": rule.product.name, "cycle": cycle},
                )
            else:
                result = Resolution(release_id, rule.pk, rule.product.name, cycle)
            break
        self._cache[raw] = result
        return result

    def release_id(self, raw: str | None) -> int | None:
        return self.resolve(raw).release_id
