"""Writes of the standardisation ledger: migrations, their phases, and who may read them.

Every write checks that the actor is the organisation's IT policy division, validates, and writes
its audit event in the same transaction (daicho.core.services)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from daicho.core.models import Organisation
from daicho.core.services import object_create, object_delete, object_update, require_policy
from daicho.registry.models import InformationSystem
from daicho.standardisation.models import Migration, MigrationPhase, MigrationShare, Phase


def _check_own_systems(organisation: Organisation, field: str, systems) -> None:
    others = [s for s in systems if s.organisation_id != organisation.pk]
    if others:
        raise ValidationError(
            {
                field: _("These systems are another organisation's: %(codes)s")
                % {"codes": "、".join(s.code for s in others)}
            }
        )


@transaction.atomic
def migration_create(
    *,
    organisation: Organisation,
    area: str,
    current_systems: Iterable[InformationSystem] = (),
    depends_on: Iterable[InformationSystem] = (),
    **fields: Any,
) -> Migration:
    """Start recording an area's migration (the IT policy division)."""
    require_policy(organisation)
    current_systems, depends_on = list(current_systems), list(depends_on)
    _check_own_systems(organisation, "current_systems", current_systems)
    migration = Migration(organisation=organisation, area=area, **fields)
    return object_create(
        obj=migration, m2m={"current_systems": current_systems, "depends_on": depends_on}
    )


@transaction.atomic
def migration_update(
    *,
    migration: Migration,
    data: dict[str, Any],
    current_systems: Iterable[InformationSystem] | None = None,
    depends_on: Iterable[InformationSystem] | None = None,
) -> Migration:
    """Change what is recorded of an area's migration; a phase changes through
    `migration_phase_enter`, so its date is kept."""
    require_policy(migration.organisation)
    if "phase" in data and data["phase"] != migration.phase:
        raise ValidationError({"phase": _("Record a new phase with its date.")})
    m2m = {}
    if current_systems is not None:
        m2m["current_systems"] = list(current_systems)
        _check_own_systems(migration.organisation, "current_systems", m2m["current_systems"])
    if depends_on is not None:
        m2m["depends_on"] = list(depends_on)
    return object_update(obj=migration, data=data, m2m=m2m)


@transaction.atomic
def migration_phase_plan(
    *, migration: Migration, phase: str, planned_on: datetime.date | None, note: str = ""
) -> MigrationPhase:
    """Plan the date a phase is to be reached (or clear it)."""
    require_policy(migration.organisation)
    row = MigrationPhase.objects.filter(migration=migration, phase=phase).first()
    if row is None:
        return object_create(
            obj=MigrationPhase(migration=migration, phase=phase, planned_on=planned_on, note=note)
        )
    return object_update(
        obj=row, data={"planned_on": planned_on, **({"note": note} if note else {})}
    )


@transaction.atomic
def migration_phase_enter(
    *,
    migration: Migration,
    phase: str,
    on: datetime.date,
    special_reason: str = "",
    special_target_on: datetime.date | None = None,
    note: str = "",
) -> Migration:
    """Record that the area reached ``phase`` on ``on``: the phase's actual date and the area's
    current phase (a 特定移行支援 designation with its reason and own target date)."""
    require_policy(migration.organisation)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Unknown phase %(phase)s.") % {"phase": phase}})
    later = MigrationPhase.objects.filter(migration=migration, actual_on__gt=on).first()
    if later is not None:
        raise ValidationError(
            {
                "on": _("The area already reached %(phase)s on %(date)s, after this date.")
                % {"phase": later.get_phase_display(), "date": later.actual_on.isoformat()}
            }
        )
    row = MigrationPhase.objects.filter(migration=migration, phase=phase).first()
    if row is None:
        object_create(obj=MigrationPhase(migration=migration, phase=phase, actual_on=on, note=note))
    else:
        object_update(obj=row, data={"actual_on": on, **({"note": note} if note else {})})
    data: dict[str, Any] = {"phase": phase}
    if phase == Phase.SPECIAL:
        data["special_reason"] = special_reason or migration.special_reason
        data["special_target_on"] = special_target_on or migration.special_target_on
    return object_update(obj=migration, data=data)


@transaction.atomic
def migration_delete(*, migration: Migration) -> None:
    """Remove an area's migration record and its phases (each audited)."""
    require_policy(migration.organisation)
    for row in migration.phases.all():
        object_delete(obj=row)
    object_delete(obj=migration)


@transaction.atomic
def migration_share(*, organisation: Organisation, reader: Organisation | None) -> MigrationShare:
    """Let ``reader`` (None: everyone, as open data) read the organisation's migration state."""
    require_policy(organisation)
    existing = MigrationShare.objects.filter(organisation=organisation, reader=reader).first()
    if existing is not None:
        return existing
    return object_create(obj=MigrationShare(organisation=organisation, reader=reader))


@transaction.atomic
def migration_unshare(*, share: MigrationShare) -> None:
    """Stop sharing the migration state with a reader (or as open data)."""
    require_policy(share.organisation)
    object_delete(obj=share)
