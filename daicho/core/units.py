"""The unit trees of the organisations a user reads, as plain rows kept per process.

Every list kept per unit offers its units in the filter form and checks the code given against
them, on every request. Units change a few times a year, so each process keeps an
organisation's tree in the "memo" cache under the organisation's ``units_version``, which the
user's scope reads in the query it makes anyway (`permissions.MEMBERSHIP_COLUMNS`); any write of
a unit gives that version a new value in the same transaction, and every process reads the tree
again at its next request.
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from django.core.cache import caches
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from daicho.core.models import Organisation, OrgUnit, Role
from daicho.core.scope import scope_of


class UnitRow(NamedTuple):
    """What a unit filter needs of a unit."""

    pk: int
    code: str
    name: str
    path: str
    parent_id: int | None
    sort_order: int


_FIELDS = UnitRow._fields


def _tree(organisation_id: int) -> tuple[UnitRow, ...]:
    """The organisation's units in tree order, siblings by their sort order (``tree_key``)."""
    return tuple(
        UnitRow(*values)
        for values in OrgUnit.objects.filter(organisation_id=organisation_id)
        .order_by("tree_key")
        .values_list(*_FIELDS)
    )


def unit_rows(scope) -> list[UnitRow]:
    """The units of the organisations ``scope`` reads: by organisation, each in tree order."""
    versions = dict(scope.unit_versions)
    memo = caches["memo"]
    units: list[UnitRow] = []
    for organisation_id in sorted(scope.read_org_ids):
        if organisation_id in versions:
            units += memo.get_or_set(
                f"units:{organisation_id}",
                lambda pk=organisation_id: _tree(pk),
                version=versions[organisation_id],
            )
        else:
            units += _tree(organisation_id)
    return units


def units_changed(organisation_id: int) -> None:
    """Give the organisation's unit tree a new version (in the caller's transaction)."""
    Organisation.objects.filter(pk=organisation_id).update(units_version=secrets.randbits(62))


@receiver(post_save, sender=OrgUnit)
@receiver(post_delete, sender=OrgUnit)
def _unit_written(sender, instance: OrgUnit, **kwargs) -> None:
    units_changed(instance.organisation_id)


def ownable_units(user, editors: tuple[str, ...] = (Role.OWNER,)):
    """Units the user may record systems (and cases, incidents) for: all of its organisations'
    for IT policy, else those where it holds one of ``editors`` (owners; SAM officers too for
    devices and licences) and the units below — the units :meth:`Scope.may_own` allows."""
    scope = scope_of(user)
    return (
        OrgUnit.objects.filter(
            scope.unit_q("", scope.paths(editors)) | Q(organisation_id__in=scope.policy_org_ids)
        )
        .filter(organisation_id__in=scope.read_org_ids)
        .order_by("tree_key")
    )
