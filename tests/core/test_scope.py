"""The permission vocabulary (daicho/core/scope.py): a user's scope, `Scope.may_own` for a unit in
hand, and the `Scoped` declaration every model with row permissions makes."""

from __future__ import annotations

import pytest
from django.apps import apps

from daicho.core.models import Role
from daicho.core.scope import Scoped, ScopedQuerySet, may_edit, scope_of


def test_may_own_follows_the_unit_tree(world):
    """An owner keeps the units at and below its own; IT policy keeps every unit of its
    organisation; nobody keeps another organisation's units."""
    other_unit = world.system_other.owner_unit
    owner_a = scope_of(world.owner_a)  # owner of department A
    assert owner_a.may_own(world.dept_a) and owner_a.may_own(world.section_a)
    assert not owner_a.may_own(world.section_b)
    assert not scope_of(world.owner_b).may_own(world.dept_b)  # a section does not own its dept
    policy = scope_of(world.policy)
    assert policy.may_own(world.section_b) and not policy.may_own(other_unit)
    assert not scope_of(world.viewer).may_own(world.section_a)
    assert not owner_a.may_own(None)


def test_may_own_names_the_roles_that_keep_a_unit(world):
    """A SAM officer keeps its unit's devices, not its systems."""
    sam = scope_of(world.sam)
    assert not sam.may_own(world.section_b)
    assert sam.may_own(world.section_b, (Role.OWNER, Role.SAM_OFFICER))
    assert sam.may_own(world.section_b, (Role.SAM_OFFICER,))
    assert not sam.may_own(world.section_a, (Role.SAM_OFFICER,))


def test_only_unit_roles_edit_the_rows_of_a_unit():
    with pytest.raises(ValueError, match="viewer"):
        Scoped(unit="unit", editors=(Role.VIEWER,))


def test_every_model_with_row_permissions_declares_them():
    """A model whose manager reads ``scoped`` declares it (else its lists fail at the first
    request), and one whose ``scoped`` nothing reads has none to mislead a reader."""
    for model in apps.get_models():
        manager = model._default_manager
        reads = isinstance(manager.get_queryset(), ScopedQuerySet)
        declared = isinstance(getattr(model, "scoped", None), Scoped)
        assert reads == declared, model


def test_editable_rows_are_the_rows_may_own_allows(world):
    """The SQL of `Scoped.editable_q` and the Python of `Scope.may_own` agree, unit by unit."""
    from daicho.registry.models import InformationSystem

    for user in (world.owner_a, world.owner_b, world.policy, world.viewer, world.outsider):
        editable = set(InformationSystem.objects.editable_by(user))
        scope = scope_of(user)
        for system in InformationSystem.objects.select_related("owner_unit"):
            assert (system in editable) == scope.may_own(system.owner_unit), (user, system)


def test_may_edit_answers_for_one_record_as_editable_by_does_for_many(world):
    """A system: its owner section's department and the IT policy division edit it; another
    section's owner, a viewer and another organisation's IT policy division do not."""
    system = world.system_a  # kept by section A
    assert may_edit(system, world.owner_a) and may_edit(system, world.policy)
    assert not may_edit(system, world.owner_b)
    assert not may_edit(system, world.viewer)
    assert not may_edit(system, world.outsider)
