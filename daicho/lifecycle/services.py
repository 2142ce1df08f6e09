"""Writes to the lifecycle data: the shipped snapshot, endoflife.date updates, local edits, rules.

Records that carry a raw name and a release (servers, VMs, devices, system components) register
themselves as *targets*; after the rules or releases change, `rematch` re-resolves them all in a
handful of queries (one per distinct raw name).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from daicho.core import audit
from daicho.core.models import Organisation
from daicho.core.permissions import scope_of
from daicho.core.services import (
    actor,
    object_create,
    object_delete,
    object_update,
    require,
    require_policy,
)
from daicho.lifecycle.matching import Resolver
from daicho.lifecycle.models import (
    MatchRule,
    ProductRelease,
    ReleaseOverride,
    SoftwareProduct,
    Source,
)

DATA = Path(__file__).resolve().parent / "data"
RELEASE_FIELDS = (
    "label",
    "released_on",
    "active_support_end",
    "eol",
    "extended_support_end",
    "lts",
)


# --- targets: records that point at a release ----------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A model whose rows name software by a raw string and keep the resolved release."""

    model: type[models.Model]
    raw_field: str
    release_field: str = "release"
    organisation_path: str = "organisation"


_targets: list[Target] = []


def register_target(target: Target) -> None:
    if target not in _targets:
        _targets.append(target)


def targets() -> list[Target]:
    return list(_targets)


def rematch(*, organisation: Organisation | None = None) -> int:
    """Re-resolve every target's raw names; returns how many rows changed release."""
    organisations = [organisation] if organisation else list(Organisation.objects.order_by("pk"))
    changed = 0
    for org in organisations:
        resolver = Resolver(org)
        for target in _targets:
            rows = target.model.objects.filter(**{target.organisation_path: org})
            raws = (
                rows.exclude(**{target.raw_field: ""})
                .values_list(target.raw_field, flat=True)
                .distinct()
            )
            for raw in list(raws):
                release_id = resolver.release_id(raw)
                changed += (
                    rows.filter(**{target.raw_field: raw})
                    .exclude(**{f"{target.release_field}_id": release_id})
                    .update(**{f"{target.release_field}_id": release_id})
                    if release_id is not None
                    else rows.filter(
                        **{target.raw_field: raw, f"{target.release_field}__isnull": False}
                    ).update(**{f"{target.release_field}_id": None})
                )
    return changed


# --- the shipped snapshot and endoflife.date files ------------------------------------------------


def _date(value) -> datetime.date | None:
    if value in (None, "", True, False):
        return None
    if isinstance(value, datetime.date):
        return value
    parsed = parse_date(str(value)[:10])
    if parsed is None:
        raise ValueError(_("Not a date: %(value)s") % {"value": value})
    return parsed


@dataclass
class UpdateReport:
    """What a data load did."""

    products_created: int = 0
    releases_created: int = 0
    releases_updated: int = 0
    releases_unchanged: int = 0
    kept_local: list[str] = field(default_factory=list)
    rematched: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "products_created": self.products_created,
            "releases_created": self.releases_created,
            "releases_updated": self.releases_updated,
            "releases_unchanged": self.releases_unchanged,
            "kept_local": self.kept_local,
            "rematched": self.rematched,
        }


def _upsert_release(
    product: SoftwareProduct, cycle: str, values: dict[str, Any], source: str, report: UpdateReport
) -> None:
    """Create or update one release; a data file's changes are audited, the snapshot's not."""
    cycle = str(cycle).strip().lower()
    release = ProductRelease.objects.filter(product=product, cycle=cycle).first()
    audited = source != Source.SNAPSHOT
    if release is None:
        values.setdefault("label", cycle)
        release = ProductRelease.objects.create(
            product=product, cycle=cycle, source=source, **values
        )
        if audited:
            audit.record(action=audit.Action.CREATE, obj=release, after=audit.snapshot(release))
        report.releases_created += 1
        return
    changes = {}
    for name, value in values.items():
        if getattr(release, name) == value:
            continue
        if name in release.local_fields:
            report.kept_local.append(f"{product.name} {release.label}: {name}")
            continue
        changes[name] = value
    if changes:
        before = audit.snapshot(release)
        for name, value in changes.items():
            setattr(release, name, value)
        release.source = source
        release.save()
        if audited:
            audit.record(
                action=audit.Action.UPDATE,
                obj=release,
                before=before,
                after=audit.snapshot(release),
            )
        report.releases_updated += 1
    else:
        report.releases_unchanged += 1


@transaction.atomic
def snapshot_load() -> UpdateReport:
    """Load the shipped products, releases and rules; local edits and local rules are kept."""
    report = UpdateReport()
    data = yaml.safe_load((DATA / "snapshot.yaml").read_text(encoding="utf-8"))
    products = {}
    for item in data["products"]:
        product, created = SoftwareProduct.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "vendor": item.get("vendor", ""),
                "category": item["category"],
                "source_url": item.get("source", "").split(";")[0].split(" ")[0][:300],
                "note": item.get("note", "") or item.get("source", ""),
            },
        )
        report.products_created += created
        products[product.slug] = product
        for r in item["releases"]:
            _upsert_release(
                product,
                r["cycle"],
                {
                    "label": str(r.get("label", r["cycle"])),
                    "released_on": _date(r.get("released")),
                    "active_support_end": _date(r.get("active")),
                    "eol": _date(r.get("eol")),
                    "extended_support_end": _date(r.get("extended")),
                    "lts": bool(r.get("lts", False)),
                    "note": r.get("note", ""),
                },
                Source.SNAPSHOT,
                report,
            )
    rules = yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8"))["rules"]
    wanted = [
        (r["p"], products[r["product"]].pk, str(r["cycle"]), int(r.get("priority", 100)))
        for r in rules
    ]
    shipped = MatchRule.objects.filter(organisation__isnull=True)
    have = sorted(shipped.values_list("pattern", "product_id", "cycle", "priority"))
    if have != sorted(wanted):
        shipped.delete()
        MatchRule.objects.bulk_create(
            MatchRule(pattern=p, product_id=product_id, cycle=c, priority=prio)
            for p, product_id, c, prio in wanted
        )
    return report


def snapshot_post_migrate(sender, using="default", **kwargs) -> None:
    """After `migrate`, make sure the shipped snapshot is loaded (cheap when it already is)."""
    from django.db import connections

    if "lifecycle_softwareproduct" not in connections[using].introspection.table_names():
        return
    with audit.audit_context(actor=None, channel=audit.Channel.SYSTEM):
        snapshot_load()


def _endoflife_releases(document: Any, default_product: str | None) -> dict[str, list[dict]]:
    """{product slug: [release dicts]} from an endoflife.date dump.

    Accepted: the v1 API's product document (``{"result": {"name": …, "releases": […]}}``), the
    legacy API's list of cycles for one product (the product from ``--product`` or the file name),
    or an object mapping product names to either.
    """
    if isinstance(document, dict) and "result" in document:
        result = document["result"]
        return {result["name"]: result.get("releases", [])}
    if isinstance(document, list):
        if not default_product:
            raise ValueError(_("This file lists releases of one product: name it with --product."))
        return {default_product: document}
    if isinstance(document, dict):
        out = {}
        for name, value in document.items():
            out.update(_endoflife_releases(value, name))
        return out
    raise ValueError(_("This is not an endoflife.date file."))


def _support_date(value) -> tuple[bool, datetime.date | None]:
    """(known, date) for a legacy field that is a date, true or false."""
    if isinstance(value, bool):
        return (False, None)
    return (True, _date(value))


def _release_values(r: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Our fields from one endoflife.date release (v1 or legacy format)."""
    if "name" in r and ("eolFrom" in r or "isEol" in r or "releaseDate" in r and "cycle" not in r):
        cycle = str(r["name"])
        values = {
            "label": str(r.get("label") or cycle),
            "released_on": _date(r.get("releaseDate")),
            "lts": bool(r.get("isLts", False)),
        }
        for ours, theirs in (
            ("active_support_end", "eoasFrom"),
            ("eol", "eolFrom"),
            ("extended_support_end", "eoesFrom"),
        ):
            if theirs in r:
                values[ours] = _date(r.get(theirs))
        latest = r.get("latest")
        if isinstance(latest, dict) and latest.get("name"):
            values["latest"] = str(latest["name"])[:60]
        return cycle, values
    # The legacy format: `eol` / `support` / `extendedSupport` are each a date or a boolean.
    # `support: true` means active support has NOT ended (the boolean is the negation of
    # end-of-active-support), `eol: false` that the release is not yet at end of life. A boolean
    # carries no date, so it only clears a date we hold when it says "not ended yet".
    cycle = str(r["cycle"])
    values = {
        "label": str(r.get("releaseLabel") or cycle),
        "released_on": _date(r.get("releaseDate")),
    }
    if "lts" in r:
        values["lts"] = bool(r["lts"])
    for ours, theirs, not_ended in (
        ("active_support_end", "support", True),
        ("eol", "eol", False),
        ("extended_support_end", "extendedSupport", False),
    ):
        if theirs not in r:
            continue
        value = r[theirs]
        if isinstance(value, bool):
            if value is not_ended:
                values[ours] = None
        else:
            values[ours] = _date(value)
    if r.get("latest"):
        values["latest"] = str(r["latest"])[:60]
    return cycle, values


@transaction.atomic
def endoflife_update(
    *, path: str | Path, product: str | None = None, create_products: bool = False
) -> UpdateReport:
    """Load an endoflife.date JSON dump into the global dates (a site administrator's task);
    fields edited globally are kept, and listed; organisations' overrides are separate rows."""
    require(is_site_administrator())
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(
            _("%(file)s: not a JSON file (%(error)s)") % {"file": path.name, "error": exc}
        ) from None
    default = product or path.stem
    try:
        by_product = _endoflife_releases(document, default)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"{path.name}: {exc}") from None
    report = UpdateReport()
    for name, releases in by_product.items():
        the_product = SoftwareProduct.objects.filter(slug=name).first()
        if the_product is None:
            if not create_products:
                raise ValidationError(
                    _(
                        "%(file)s: unknown product %(product)s (known: %(known)s); "
                        "add --create-products to add it."
                    )
                    % {
                        "file": path.name,
                        "product": name,
                        "known": ", ".join(SoftwareProduct.objects.values_list("slug", flat=True)),
                    }
                )
            the_product = SoftwareProduct.objects.create(
                slug=name,
                name=name,
                category="application",
                source_url="https://endoflife.date/" + name,
            )
            report.products_created += 1
        for number, r in enumerate(releases, start=1):
            try:
                cycle, values = _release_values(r)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValidationError(
                    _("%(file)s: %(product)s release %(number)d: %(error)s")
                    % {"file": path.name, "product": name, "number": number, "error": exc}
                ) from None
            _upsert_release(the_product, cycle, values, Source.ENDOFLIFE, report)
    report.rematched = rematch()
    return report


# --- local edits ----------------------------------------------------------------------------------


def is_site_administrator(user=None) -> bool:
    """The shared reference data (products, releases and their global dates) belongs to the site:
    a superuser, or the server's command line (which `require` trusts without an actor)."""
    user = actor() if user is None else user
    return bool(getattr(user, "is_superuser", False))


@transaction.atomic
def release_update(*, release: ProductRelease, data: dict[str, Any]) -> ProductRelease:
    """Correct a release's global dates (site administrator); a later data update keeps what
    was edited. Organisations record their own dates with `release_override_set`."""
    require(is_site_administrator())
    edited = [k for k, value in data.items() if getattr(release, k) != value]
    data = {**data, "local_fields": sorted(set(release.local_fields) | set(edited))}
    if edited:
        data["source"] = Source.LOCAL
    return object_update(obj=release, data=data)


@transaction.atomic
def release_create(*, product: SoftwareProduct, cycle: str, **fields: Any) -> ProductRelease:
    """Add a release the snapshot does not know (site administrator)."""
    require(is_site_administrator())
    release = ProductRelease(
        product=product,
        cycle=cycle.strip().lower(),
        source=Source.LOCAL,
        local_fields=sorted(k for k in fields if k in RELEASE_FIELDS),
        **fields,
    )
    release.label = release.label or cycle
    return object_create(obj=release)


OVERRIDE_FIELDS = ("active_support_end", "eol", "extended_support_end", "note")


@transaction.atomic
def release_override_set(
    *, organisation: Organisation, release: ProductRelease, data: dict[str, Any]
) -> ReleaseOverride | None:
    """The organisation's own support dates for ``release`` (its IT policy division), used over
    the global ones in every end-of-support figure of that organisation only. Blank dates mean
    the global date applies; with nothing left, the override is removed (returns None)."""
    require_policy(organisation)
    values = {name: data.get(name) or ("" if name == "note" else None) for name in OVERRIDE_FIELDS}
    override = ReleaseOverride.objects.filter(organisation=organisation, release=release).first()
    if not any(values.values()):
        if override is not None:
            object_delete(obj=override)
        return None
    if override is None:
        return object_create(
            obj=ReleaseOverride(organisation=organisation, release=release, **values)
        )
    return object_update(obj=override, data=values)


def _require_rules(organisation: Organisation) -> None:
    require(organisation.pk in scope_of(actor()).policy_org_ids)


@transaction.atomic
def rule_create(
    *, organisation: Organisation, pattern: str, product: SoftwareProduct, cycle: str, **fields
) -> MatchRule:
    """An organisation's own matching rule (tried before the shipped ones); rematches."""
    _require_rules(organisation)
    rule = object_create(
        obj=MatchRule(
            organisation=organisation, pattern=pattern, product=product, cycle=cycle, **fields
        )
    )
    rematch(organisation=organisation)
    return rule


@transaction.atomic
def rule_update(*, rule: MatchRule, data: dict[str, Any]) -> MatchRule:
    require(rule.organisation_id is not None)
    _require_rules(rule.organisation)
    object_update(obj=rule, data=data)
    rematch(organisation=rule.organisation)
    return rule


@transaction.atomic
def rule_delete(*, rule: MatchRule) -> None:
    require(rule.organisation_id is not None)
    _require_rules(rule.organisation)
    organisation = rule.organisation
    object_delete(obj=rule)
    rematch(organisation=organisation)


@transaction.atomic
def raw_name_map(*, organisation: Organisation, raw: str, release: ProductRelease) -> MatchRule:
    """Map one unmatched raw name to a release: a rule matching exactly that name."""
    import re

    from daicho.lifecycle.patterns import normalise

    return rule_create(
        organisation=organisation,
        pattern="^" + re.escape(normalise(raw)) + "$",
        product=release.product,
        cycle=release.cycle,
        priority=1,
        note=_("Mapped from the unmatched list"),
    )


def releases_for(raws: Iterable[str], organisation: Organisation) -> dict[str, int | None]:
    """{raw name: release id or None} for names about to be written (imports, services)."""
    resolver = Resolver(organisation)
    return {raw: resolver.release_id(raw) for raw in set(raws)}
