"""Reads of the lifecycle data: products with their releases, raw names nobody has mapped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from daicho.lifecycle.matching import Resolver
from daicho.lifecycle.models import ProductRelease, ReleaseOverride, SoftwareProduct
from daicho.lifecycle.services import targets


def product_list():
    """Products with their releases (two queries)."""
    return SoftwareProduct.objects.prefetch_related(
        Prefetch("releases", queryset=ProductRelease.objects.order_by("-released_on", "cycle"))
    ).order_by("category", "name")


@dataclass(frozen=True)
class Unmatched:
    """A raw name no rule resolves, how many records carry it, and why it did not match."""

    raw: str
    count: int
    kinds: tuple[str, ...]
    reason: str


def unmatched_names(*, organisation) -> list[Unmatched]:
    """Raw OS and product names of the organisation's records that resolve to no release."""
    counts: Counter = Counter()
    kinds: dict[str, set[str]] = {}
    for target in targets():
        rows = (
            target.model.objects.filter(**{target.organisation_path: organisation})
            .filter(**{f"{target.release_field}__isnull": True})
            .exclude(**{target.raw_field: ""})
            .values(target.raw_field)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            raw = row[target.raw_field]
            counts[raw] += row["n"]
            kinds.setdefault(raw, set()).add(str(target.model._meta.verbose_name))
    resolver = Resolver(organisation)
    return [
        Unmatched(raw, n, tuple(sorted(kinds[raw])), resolver.resolve(raw).reason)
        for raw, n in counts.most_common()
    ]


def as_seen_by(releases, organisation):
    """``releases`` (ProductRelease objects, None skipped) with the overrides of ``organisation``
    (an Organisation or its id) applied in memory, so a page shows and judges the dates the
    organisation goes by; each overridden release gets ``overridden`` (the names of its
    overridden fields). One query."""
    releases = [r for r in releases if r is not None]
    if organisation is None or not releases:
        return releases
    overrides = ReleaseOverride.objects.filter(
        organisation=organisation, release_id__in={r.pk for r in releases}
    )
    by_release = {o.release_id: o for o in overrides}
    for release in releases:
        override = by_release.get(release.pk)
        release.override = override
        release.overridden = []
        if override is None:
            continue
        for name in ("active_support_end", "eol", "extended_support_end"):
            value = getattr(override, name)
            if value is not None:
                setattr(release, name, value)
                release.overridden.append(name)
    return releases
