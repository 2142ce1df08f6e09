"""End-of-support risk: every device, server, VM and system component whose release is past its
end of support on a date, or reaches it within N months.

The records live in other areas (sam, infra); each registers an `EolSource` — a queryset of its
records in use on a date, annotated with the columns the listing shows — so this module depends
on none of them and the listing runs in the database, one query per source.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.urls import reverse

from daicho.lifecycle.horizon import horizon_end

_PK = "987654321"


@dataclass(frozen=True)
class EolSource:
    """A kind of record that runs software with an end of support.

    ``rows(organisation, as_of)`` returns the records in use on ``as_of`` annotated with
    ``item_name``, ``unit_name``, ``unit_path``, ``system_code``, ``system_name`` and with a
    ``release`` foreign key; ``url_name`` is the page of one record (it takes the pk).
    """

    kind: str
    label: Any
    rows: Callable[[Any, datetime.date], QuerySet]
    url_name: str


_sources: dict[str, EolSource] = {}


def register_source(source: EolSource) -> None:
    _sources[source.kind] = source


def sources() -> dict[str, EolSource]:
    return dict(_sources)


@dataclass(frozen=True, slots=True)
class EolItem:
    """One record at risk, as the listing shows it."""

    kind: str
    kind_label: str
    pk: int
    name: str
    unit: str
    system_code: str
    system_name: str
    product: str
    release: str
    eol: datetime.date
    extended_support_end: datetime.date | None
    status: str  # "past" or "within"
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "unit": self.unit,
            "system": self.system_code,
            "system_name": self.system_name,
            "product": self.product,
            "release": self.release,
            "end_of_support": self.eol.isoformat(),
            "extended_support_end": (
                self.extended_support_end.isoformat() if self.extended_support_end else None
            ),
            "status": self.status,
        }


def effective_date(organisation, field: str = "eol", release: str = "release"):
    """The organisation's date ``field`` of the release that ``release`` names on a row: its own
    override (a ReleaseOverride with the date set) over the shared, global date."""
    from daicho.lifecycle.models import ReleaseOverride

    own = ReleaseOverride.objects.filter(
        organisation=organisation, release=OuterRef(release), **{f"{field}__isnull": False}
    ).values(field)[:1]
    return Coalesce(Subquery(own), F(f"{release}__{field}"))


def with_row_end_of_support(qs: QuerySet) -> QuerySet:
    """``qs`` (rows with an ``organisation`` and a ``release``: devices, servers) annotated with
    ``end_of_support``: each row's organisation's date — its override over the shared one — so a
    list or API read by a member of several organisations shows each row as its owner goes by."""
    return qs.annotate(end_of_support=effective_date(OuterRef("organisation"), "eol"))


def with_effective_dates(qs: QuerySet, organisation) -> QuerySet:
    """``qs`` (rows with a ``release``) annotated with the organisation's ``end_of_support`` and
    ``extended_end``: every end-of-support figure of an organisation is computed from these."""
    return qs.annotate(
        end_of_support=effective_date(organisation, "eol"),
        extended_end=effective_date(organisation, "extended_support_end"),
    )


def _at_risk(source: EolSource, organisation, as_of, within_months, unit) -> QuerySet:
    qs = with_effective_dates(source.rows(organisation, as_of), organisation).filter(
        end_of_support__isnull=False, end_of_support__lte=horizon_end(as_of, within_months)
    )
    if unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    return qs.order_by().annotate(
        eol_status=Case(
            When(end_of_support__lt=as_of, then=Value("past")),
            default=Value("within"),
            output_field=CharField(),
        )
    )


_COLUMNS = (
    "pk",
    "item_name",
    "unit_name",
    "system_code",
    "system_name",
    "release__product__name",
    "release__label",
    "end_of_support",
    "extended_end",
    "eol_status",
)


def _listing(organisation, as_of, within_months, unit, kinds, status):
    """(kind, source, rows) for each source asked for: its at-risk rows, not yet read."""
    for kind, source in _sources.items():
        if kinds and kind not in kinds:
            continue
        qs = _at_risk(source, organisation, as_of, within_months, unit)
        if status:
            qs = qs.filter(eol_status=status)
        yield kind, source, qs


def _items(kind, source, rows) -> list[EolItem]:
    label = str(source.label)
    pattern = reverse(source.url_name, args=[_PK])  # once, not once per row
    return [
        EolItem(
            kind,
            label,
            pk,
            name or "",
            unit or "",
            code or "",
            system or "",
            product,
            release,
            end,
            extended,
            state,
            pattern.replace(_PK, str(pk)),
        )
        for pk, name, unit, code, system, product, release, end, extended, state in rows
    ]


def _in_order(item: EolItem):
    """The listing's order: end date, kind, name, and the pk for a stable order among equals."""
    return (item.eol, item.kind, item.name, item.pk)


def eol_items(
    *,
    organisation,
    as_of: datetime.date,
    within_months: int = 12,
    unit=None,
    kinds: list[str] | None = None,
    status: str | None = None,
) -> list[EolItem]:
    """Records past end of support on ``as_of`` or reaching it within ``within_months``."""
    items: list[EolItem] = []
    for kind, source, qs in _listing(organisation, as_of, within_months, unit, kinds, status):
        items.extend(_items(kind, source, qs.values_list(*_COLUMNS)))
    items.sort(key=_in_order)
    return items


def eol_items_slice(
    *,
    organisation,
    as_of: datetime.date,
    within_months: int = 12,
    unit=None,
    kinds: list[str] | None = None,
    status: str | None = None,
    start: int = 0,
    stop: int = 100,
) -> list[EolItem]:
    """``eol_items(...)[start:stop]`` reading no more than ``stop`` rows of each source: each
    source's first rows in the listing's order, merged (a page of the listing, not all of it)."""
    items: list[EolItem] = []
    for kind, source, qs in _listing(organisation, as_of, within_months, unit, kinds, status):
        ordered = qs.order_by("end_of_support", F("item_name").asc(nulls_first=True), "pk")
        items.extend(_items(kind, source, ordered.values_list(*_COLUMNS)[:stop]))
    items.sort(key=_in_order)
    return items[start:stop]


def eol_counts(*, organisation, as_of: datetime.date, within_months: int = 12, unit=None):
    """Counts computed in the database: per unit and status, per quarter of end date and per
    kind and status — one GROUP BY per source."""
    by_unit: Counter = Counter()
    by_quarter: Counter = Counter()
    by_kind: Counter = Counter()
    for kind, source in _sources.items():
        qs = _at_risk(source, organisation, as_of, within_months, unit)
        groups = (
            qs.values(
                "unit_name",
                "eol_status",
                year=ExtractYear("end_of_support"),
                quarter=ExtractQuarter("end_of_support"),
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in groups:
            by_unit[(row["unit_name"] or "", row["eol_status"])] += row["n"]
            by_kind[(kind, row["eol_status"])] += row["n"]
            by_quarter[(row["year"], row["quarter"])] += row["n"]
    return by_unit, by_quarter, by_kind


def release_ends(organisation, release_ids) -> dict[int, datetime.date | None]:
    """Each release's end of support for the organisation — its own override over the shared
    date — in one query for all of them."""
    from daicho.lifecycle.models import ProductRelease, ReleaseOverride

    own = ReleaseOverride.objects.filter(
        organisation=organisation, release=OuterRef("pk"), eol__isnull=False
    ).values("eol")[:1]
    return dict(
        ProductRelease.objects.filter(pk__in=release_ids)
        .annotate(end=Coalesce(Subquery(own), F("eol")))
        .values_list("pk", "end")
    )


def eol_counts_by_kind(*, organisation, as_of: datetime.date, within_months: int = 12) -> Counter:
    """(kind, status) → count: what a summary needs of `eol_counts`. Each kind's records in use
    are counted per release in the database (one GROUP BY per kind), and each release's date is
    read once (`release_ends`) — not worked out again for every record."""
    horizon = horizon_end(as_of, within_months)
    per_release = {
        kind: list(
            source.rows(organisation, as_of)
            .filter(release__isnull=False)
            .order_by()
            .values_list("release")
            .annotate(n=Count("pk"))
        )
        for kind, source in _sources.items()
    }
    ends = release_ends(organisation, {r for rows in per_release.values() for r, _n in rows})
    by_kind: Counter = Counter()
    for kind, rows in per_release.items():
        for release_id, n in rows:
            end = ends.get(release_id)
            if end is not None and end <= horizon:
                by_kind[(kind, "past" if end < as_of else "within")] += n
    return by_kind


def past_count(*, organisation, as_of: datetime.date) -> int:
    """How many records are past end of support on ``as_of`` (the home page warning)."""
    by_kind = eol_counts_by_kind(organisation=organisation, as_of=as_of, within_months=0)
    return sum(n for (_kind, status), n in by_kind.items() if status == "past")
