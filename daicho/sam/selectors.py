"""Reads of the SAM ledger: the compliance position, unmatched names, expiring licences.

The position reconciles entitlements with inventoried installations the way a SAM auditor does:

* consumption is counted in the database per title, version and unit (distinct devices for
  device licences, distinct users for user licences, server cores for core licences, a declared
  peak for concurrent licences), over the devices in use on the as-of date;
* only licences valid on that date count; a unit's licences cover that unit and its sub-units,
  organisation licences everyone: demand is served by the nearest unit's licences first and what
  is left climbs the unit tree up to the organisation's licences;
* a licence for version v with downgrade rights also covers earlier versions of the title
  (versions ordered numerically where they are numbers, by the title's release order otherwise),
  without them only its own version; a licence without a version covers every version;
* free titles never show a shortfall; licensable titles without a licence show their whole
  count as shortfall; the cost to close a shortfall uses the title's known unit price.

The aggregation over installations runs in the database; the allocation then works on those
few aggregated rows (titles × versions × units), never on the installations themselves.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.db.models import Count, Q

from daicho.core.models import Organisation, OrgUnit
from daicho.sam.models import (
    Device,
    Installation,
    Licence,
    LicenceMetric,
    SoftwareTitle,
)

INFINITE = 10**12


@dataclass
class PositionEntry:
    """One line of the position: a title (and version) with its counts."""

    title_id: int
    title: str
    publisher: str
    version: str
    metric: str
    free: bool
    entitled: int = 0
    consumed: int = 0
    covered: int = 0
    shortfall: int = 0
    surplus: int = 0
    site: bool = False
    unit_price: int | None = None
    cost_to_close: int | None = None
    downgrade_in: int = 0  # installations of this version covered by newer licences

    @property
    def metric_label(self) -> str:
        return str(LicenceMetric(self.metric).label)

    def as_dict(self) -> dict:
        data = asdict(self)
        return data


def version_key(title: SoftwareTitle | None):
    """A sort key for the title's versions: release order, else numeric, else text."""
    order = [
        v.strip().lower() for v in (title.release_order if title else "").split(",") if v.strip()
    ]

    def key(version: str):
        text = (version or "").strip().lower()
        if text in order:
            return (1, order.index(text), ())
        numbers = re.findall(r"\d+", text)
        if numbers and re.fullmatch(r"[\d.\s]+(?:r\d+)?", text):
            return (2, 0, tuple(int(n) for n in numbers))
        return (3, 0, (text,))

    return key


@dataclass
class _Pool:
    """Licences held at one place (a unit or the organisation) for one title."""

    exact: dict[str, int] = field(default_factory=dict)  # version -> quantity (no downgrade)
    downgrade: dict[str, int] = field(default_factory=dict)  # version -> quantity
    any_version: int = 0
    site: bool = False


def _serve(
    pool: _Pool, demand: dict[str, int], key, used: dict, downgraded: dict
) -> dict[str, int]:
    """Serve `demand` (version -> count) from `pool`; returns what is left unmet.

    Newest demand first; each version takes its exact licences, then downgrade licences of the
    nearest newer version, then licences without a version (the allocation is optimal because a
    licence covers all versions up to its own)."""
    left: dict[str, int] = {}
    if pool.site:
        for version, count in demand.items():
            used[("site", version)] = used.get(("site", version), 0) + count
        return left
    downgrade_versions = sorted(pool.downgrade, key=key)
    for version in sorted(demand, key=key, reverse=True):
        need = demand[version]
        for bucket in (pool.exact, pool.downgrade):
            take = min(need, bucket.get(version, 0))
            if take:
                bucket[version] -= take
                need -= take
                used[version] = used.get(version, 0) + take
        if need:
            for newer in downgrade_versions:
                if key(newer) <= key(version) or not pool.downgrade[newer]:
                    continue
                take = min(need, pool.downgrade[newer])
                pool.downgrade[newer] -= take
                need -= take
                used[newer] = used.get(newer, 0) + take
                downgraded[version] = downgraded.get(version, 0) + take
                if not need:
                    break
        if need and pool.any_version:
            take = min(need, pool.any_version)
            pool.any_version -= take
            need -= take
            used[""] = used.get("", 0) + take
        if need:
            left[version] = need
    return left


def _metric_of(licences: list[Licence]) -> str:
    """The metric a title's consumption is counted in: that of its (non-site) licences."""
    counts: dict[str, int] = defaultdict(int)
    for licence in licences:
        if licence.metric != LicenceMetric.SITE:
            counts[licence.metric] += licence.quantity or 1
    return max(counts, key=counts.get) if counts else LicenceMetric.DEVICE


def _device_counts(devices, organisation, *, free: bool, by_unit: bool = False, exclude=()):
    """Distinct devices per title and version (and unit) among ``devices``, over the free or
    the licensable titles of the organisation.

    Installations are first reduced to distinct (title, version, device) — dozens of runtime
    entries on one PC count once — and only then joined to the devices in use: the database
    reads the installations once, without a lookup per row."""
    table = Installation._meta.db_table
    device_table = Device._meta.db_table
    device_sql, device_params = devices.values("pk").query.sql_with_params()
    # The titles as a list of ids (not a subquery): the planner then sees how few rows the
    # licensable titles have and reads them through the (title, version, device) index.
    title_ids = sorted(
        set(
            SoftwareTitle.objects.filter(organisation=organisation, free=free).values_list(
                "pk", flat=True
            )
        )
        - set(exclude)
    )
    if not title_ids:
        return []
    unit = ", d.unit_id" if by_unit else ""
    sql = (
        f"SELECT x.title_id, x.version{unit}, COUNT(*) FROM ("  # noqa: S608
        f"SELECT DISTINCT title_id, version, device_id FROM {table} WHERE title_id IN "
        f"({', '.join(['%s'] * len(title_ids))})) x JOIN {device_table} d ON d.id = x.device_id "
        f"WHERE x.device_id IN ({device_sql}) GROUP BY x.title_id, x.version{unit}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*title_ids, *device_params])
        return cursor.fetchall()


def _consumption(
    organisation, as_of, titles_by_metric: dict[str, set[int] | None], unit, *, free: bool = True
):
    """{(title, version, unit): count} per metric, counted in the database (the free titles'
    too unless ``free`` is False)."""
    devices = Device.objects.filter(organisation=organisation).in_use_on(as_of)
    if unit is not None:
        devices = devices.filter(unit__path__startswith=unit.path)
    installs = Installation.objects.filter(title__isnull=False, device__in=devices)
    result: dict[tuple[int, str, int], int] = {}
    # Free titles (most installations: runtimes, browsers, readers) never fall short: they are
    # counted per title and version only, without the unit split the allocation needs.
    if free:
        for title_id, version, count in _device_counts(devices, organisation, free=True):
            result[(title_id, version, None)] = count
    special: set[int] = set()
    for metric in (LicenceMetric.USER, LicenceMetric.CORE, LicenceMetric.CONCURRENT):
        special |= titles_by_metric.get(metric, set())
    for title_id, version, unit_id, count in _device_counts(
        devices, organisation, free=False, by_unit=True, exclude=special
    ):
        result[(title_id, version, unit_id)] = count
    users = titles_by_metric.get(LicenceMetric.USER, set())
    if users:
        for title_id, version, unit_id, count in (
            installs.filter(title_id__in=users)
            .exclude(device__user_name="")
            .values_list("title_id", "version", "device__unit_id")
            .annotate(n=Count("device__user_name", distinct=True))
            .values_list("title_id", "version", "device__unit_id", "n")
            .order_by()
        ):
            result[(title_id, version, unit_id)] = count
    cores = titles_by_metric.get(LicenceMetric.CORE, set())
    if cores:
        seen = set()
        for title_id, version, unit_id, device_id, n in (
            installs.filter(title_id__in=cores)
            .values_list("title_id", "version", "device__unit_id", "device_id", "device__cores")
            .distinct()
            .order_by()
        ):
            if (title_id, version, device_id) in seen:
                continue
            seen.add((title_id, version, device_id))
            key = (title_id, version, unit_id)
            result[key] = result.get(key, 0) + max(n or 1, 1)
    concurrent = titles_by_metric.get(LicenceMetric.CONCURRENT, set())
    if concurrent:
        declared = dict(
            SoftwareTitle.objects.filter(
                pk__in=concurrent, declared_peak__isnull=False
            ).values_list("pk", "declared_peak")
        )
        for title_id, version, unit_id, count in (
            installs.filter(title_id__in=concurrent)
            .values_list("title_id", "version", "device__unit_id")
            .annotate(n=Count("device_id", distinct=True))
            .values_list("title_id", "version", "device__unit_id", "n")
            .order_by()
        ):
            if title_id not in declared:
                result[(title_id, version, unit_id)] = count
        for title_id, peak in declared.items():
            result[(title_id, "", None)] = peak  # a peak is the organisation's, not a unit's
    return result


def compliance_position(
    organisation: Organisation,
    *,
    as_of: datetime.date | None = None,
    unit: OrgUnit | None = None,
    title_id: int | None = None,
    free: bool = True,
) -> list[PositionEntry]:
    """The compliance position of ``organisation`` on ``as_of`` (see the module docstring);
    without the free titles' consumption when ``free`` is False (they never fall short: a
    summary of shortfalls and their cost does without that count over most installations)."""
    as_of = as_of or datetime.date.today()
    licences_qs = Licence.objects.filter(organisation=organisation).valid_on(as_of)
    if title_id:
        licences_qs = licences_qs.filter(title_id=title_id)
    units = {
        u.pk: u
        for u in OrgUnit.objects.filter(organisation=organisation).only("pk", "parent_id", "path")
    }
    if unit is not None:
        # The unit's own licences, those of its sub-units and those above that cover it.
        above = [int(p) for p in unit.path.strip("/").split("/") if p]
        licences_qs = licences_qs.filter(
            Q(unit__isnull=True) | Q(unit__path__startswith=unit.path) | Q(unit_id__in=above)
        )
    licences = list(licences_qs)
    by_title: dict[int, list[Licence]] = defaultdict(list)
    for licence in licences:
        by_title[licence.title_id].append(licence)
    metrics = {t: _metric_of(ls) for t, ls in by_title.items()}
    titles_by_metric: dict[str, set[int]] = defaultdict(set)
    for t, metric in metrics.items():
        titles_by_metric[metric].add(t)
    demand_rows = _consumption(organisation, as_of, titles_by_metric, unit, free=free)
    if title_id:
        demand_rows = {k: n for k, n in demand_rows.items() if k[0] == title_id}
    title_ids = {k[0] for k in demand_rows} | set(by_title)
    titles = SoftwareTitle.objects.in_bulk(title_ids)
    demand: dict[int, dict[int | None, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for (t, version, unit_id), count in demand_rows.items():
        demand[t][unit_id][version] = demand[t][unit_id].get(version, 0) + count

    def depth(unit_id):
        return units[unit_id].path.count("/") if unit_id in units else 0

    entries: list[PositionEntry] = []
    for t in sorted(title_ids, key=lambda i: (titles[i].name, titles[i].edition)):
        title = titles[t]
        key = version_key(title)
        pools: dict[int | None, _Pool] = defaultdict(_Pool)
        entitled: dict[str, int] = defaultdict(int)
        prices: dict[str, int] = {}
        site = False
        for licence in by_title.get(t, []):
            pool = pools[licence.unit_id]
            if licence.metric == LicenceMetric.SITE:
                # A site licence covers every installation in its scope (of its version and,
                # with downgrade rights, earlier ones; without a version, all).
                pool.site = True
                site = True
                continue
            if not licence.version:
                pool.any_version += licence.quantity
            elif licence.downgrade_rights:
                pool.downgrade[licence.version] = (
                    pool.downgrade.get(licence.version, 0) + licence.quantity
                )
            else:
                pool.exact[licence.version] = pool.exact.get(licence.version, 0) + licence.quantity
            entitled[licence.version] += licence.quantity
            if licence.unit_price is not None:
                prices[licence.version] = max(prices.get(licence.version, 0), licence.unit_price)
        consumed: dict[str, int] = defaultdict(int)
        for per_unit in demand[t].values():
            for version, count in per_unit.items():
                consumed[version] += count
        used: dict = {}
        downgraded: dict[str, int] = {}
        unmet: dict[str, int] = defaultdict(int)
        pending: dict[int | None, dict[str, int]] = {u: dict(d) for u, d in demand[t].items()}
        # Deepest units first; what a unit's licences leave unmet climbs to its parent.
        order = sorted((u for u in pending if u is not None), key=depth, reverse=True)
        while order:
            unit_id = order.pop(0)
            need = pending.pop(unit_id)
            left = _serve(pools[unit_id], need, key, used, downgraded) if unit_id in pools else need
            parent = units[unit_id].parent_id if unit_id in units else None
            target = pending.setdefault(parent, {})
            for version, count in left.items():
                target[version] = target.get(version, 0) + count
            if parent is not None and parent not in order:
                order.append(parent)
                order.sort(key=depth, reverse=True)
        need = pending.pop(None, {})
        left = _serve(pools[None], need, key, used, downgraded) if None in pools else need
        for version, count in left.items():
            unmet[version] += count
        versions = set(consumed) | set(entitled)
        for version in sorted(versions, key=key, reverse=True):
            e = PositionEntry(
                title_id=t,
                title=str(title),
                publisher=title.publisher,
                version=version,
                metric=metrics.get(t, LicenceMetric.DEVICE),
                free=title.free,
                entitled=entitled.get(version, 0),
                consumed=consumed.get(version, 0),
                site=site,
                downgrade_in=downgraded.get(version, 0),
            )
            if title.free:
                e.covered = e.consumed
            else:
                e.shortfall = unmet.get(version, 0)
                e.covered = e.consumed - e.shortfall
                e.surplus = max(e.entitled - used.get(version, 0), 0)
                if site:
                    e.entitled = max(e.entitled, e.covered)
                price = prices.get(version) or (max(prices.values()) if prices else None)
                e.unit_price = price
                if e.shortfall and price is not None:
                    e.cost_to_close = e.shortfall * price
            entries.append(e)
    return entries


def position_totals(entries: list[PositionEntry]) -> dict[str, int]:
    """Totals over a position: entitled, consumed, shortfall, surplus, cost to close."""
    return {
        "entitled": sum(e.entitled for e in entries),
        "consumed": sum(e.consumed for e in entries),
        "shortfall": sum(e.shortfall for e in entries),
        "surplus": sum(e.surplus for e in entries),
        "cost_to_close": sum(e.cost_to_close or 0 for e in entries),
        "titles_short": len({e.title_id for e in entries if e.shortfall}),
    }


def unmatched_names(organisation: Organisation, *, limit: int = 500):
    """Raw names no rule matched, with how many installations carry each (most first)."""
    return list(
        Installation.objects.filter(device__organisation=organisation, title__isnull=True)
        .values("raw_name", "publisher")
        .annotate(installations=Count("id"), devices=Count("device_id", distinct=True))
        .order_by("-installations", "raw_name")[:limit]
    )


def licences_expiring(organisation: Organisation, *, today: datetime.date, days: int = 90):
    """Licences whose validity ends within ``days`` of ``today`` (and not already ended)."""
    return (
        Licence.objects.filter(
            organisation=organisation,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        .select_related("title", "unit")
        .order_by("valid_until", "title__name")
    )


@dataclass
class VolumeOption:
    """For one title: what the current OEM/package mix costs against a volume agreement or a
    subscription for the same need, over a horizon in years (integer yen)."""

    title_id: int
    title: str
    need: int  # installations to cover, counted as the position counts them
    oem: int
    package: int
    volume: int
    subscription: int
    package_price: int | None  # the highest known OEM/package unit price
    current_cost: int | None  # the mix held (quantity × unit price) + its shortfall at that price
    volume_price: int | None
    volume_cost: int | None
    subscription_price: int | None  # per unit and year
    subscription_cost: int | None
    cheapest: str = ""
    saving: int | None = None  # current cost − cheapest alternative (positive: cheaper)


def volume_analysis(
    organisation: Organisation,
    *,
    as_of: datetime.date | None = None,
    prices: dict[int, tuple[int | None, int | None]] | None = None,
    years: int = 5,
) -> list[VolumeOption]:
    """The decision of the plan's 3.3.4: keep buying OEM/packages, or move to a volume or
    subscription agreement. Prices default to those of the title's volume and subscription
    licences already held; the current mix is valued at its known unit prices."""
    as_of = as_of or datetime.date.today()
    prices = prices or {}
    entries = compliance_position(organisation, as_of=as_of)
    need: dict[int, int] = defaultdict(int)
    shortfall: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for e in entries:
        if e.free:
            continue
        need[e.title_id] += e.consumed
        shortfall[e.title_id] += e.shortfall
        names[e.title_id] = e.title
    held: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    spent: dict[int, int] = defaultdict(int)
    known: dict[int, dict[str, int]] = defaultdict(dict)
    for licence in Licence.objects.filter(organisation=organisation, title_id__in=need).valid_on(
        as_of
    ):
        held[licence.title_id][licence.type] += licence.quantity
        if licence.unit_price is not None:
            price = known[licence.title_id].get(licence.type, 0)
            known[licence.title_id][licence.type] = max(price, licence.unit_price)
            if licence.type in ("oem", "package"):
                spent[licence.title_id] += licence.quantity * licence.unit_price
    options = []
    for t in sorted(need, key=lambda i: names[i]):
        package_price = (
            max((known[t].get("package") or 0, known[t].get("oem") or 0), default=0) or None
        )
        volume_price, subscription_price = prices.get(t, (None, None))
        volume_price = volume_price if volume_price is not None else known[t].get("volume")
        if subscription_price is None:
            subscription_price = known[t].get("subscription")
        current = spent[t] + shortfall[t] * package_price if package_price is not None else None
        option = VolumeOption(
            title_id=t,
            title=names[t],
            need=need[t],
            oem=held[t]["oem"],
            package=held[t]["package"],
            volume=held[t]["volume"],
            subscription=held[t]["subscription"],
            package_price=package_price,
            current_cost=current,
            volume_price=volume_price,
            volume_cost=need[t] * volume_price if volume_price is not None else None,
            subscription_price=subscription_price,
            subscription_cost=need[t] * subscription_price * years
            if subscription_price is not None
            else None,
        )
        alternatives = {
            k: v
            for k, v in (("volume", option.volume_cost), ("subscription", option.subscription_cost))
            if v is not None
        }
        if alternatives:
            option.cheapest = min(alternatives, key=alternatives.get)
            if current is not None:
                if current <= alternatives[option.cheapest]:
                    option.cheapest = "current"
                option.saving = current - min(alternatives.values())
        options.append(option)
    return options
