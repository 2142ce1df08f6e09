"""The unit trees of the organisations a user reads, as plain rows kept in memory per process.

Every list kept per unit offers its units in the filter form and checks the code given against
them, on every request. Units change a few times a year, so each process keeps an
organisation's tree under the organisation's ``units_version``, which the user's scope reads in
the query it makes anyway (`permissions.MEMBERSHIP_COLUMNS`); any write of a unit gives that
version a new value in the same transaction, and the next request reads the tree again.
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from daicho.core.models import Organisation, OrgUnit


class UnitRow(NamedTuple):
    """What a unit filter needs of a unit."""

    pk: int
    code: str
    name: str
    path: str
    parent_id: int | None
    sort_order: int


_FIELDS = UnitRow._fields
_trees: dict[int, tuple[int, tuple[UnitRow, ...]]] = {}  # organisation id → (version, units)


def unit_rows(scope) -> list[UnitRow]:
    """The units of the organisations ``scope`` reads: by organisation, each in tree order."""
    versions = dict(scope.unit_versions)
    trees: dict[int, tuple[UnitRow, ...]] = {}
    missing = []
    for organisation_id in scope.read_org_ids:
        kept = _trees.get(organisation_id)
        if (
            kept is not None
            and organisation_id in versions
            and kept[0] == versions[organisation_id]
        ):
            trees[organisation_id] = kept[1]
        else:
            missing.append(organisation_id)
    if missing:
        read: dict[int, list[UnitRow]] = {pk: [] for pk in missing}
        rows = (
            OrgUnit.objects.filter(organisation_id__in=missing)
            .order_by("path")
            .values_list("organisation_id", *_FIELDS)
        )
        for organisation_id, *values in rows:
            read[organisation_id].append(UnitRow(*values))
        for organisation_id, units in read.items():
            trees[organisation_id] = tuple(units)
            if organisation_id in versions:
                _trees[organisation_id] = (versions[organisation_id], trees[organisation_id])
    return [unit for organisation_id in sorted(trees) for unit in trees[organisation_id]]


def units_changed(organisation_id: int) -> None:
    """Give the organisation's unit tree a new version (in the caller's transaction)."""
    Organisation.objects.filter(pk=organisation_id).update(units_version=secrets.randbits(62))


@receiver(post_save, sender=OrgUnit)
@receiver(post_delete, sender=OrgUnit)
def _unit_written(sender, instance: OrgUnit, **kwargs) -> None:
    units_changed(instance.organisation_id)
