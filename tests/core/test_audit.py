"""Every write is audited in the same transaction, whatever the channel."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from daicho.core import services as core_services
from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent, JournalEntry
from daicho.registry import services
from daicho.registry.models import CostLine, InformationSystem


def test_system_create_update_delete_each_write_one_event_with_before_and_after(world, as_user):
    with as_user(world.policy):
        system = services.system_create(
            organisation=world.org, owner_unit=world.section_a, code="S0100", name="新財務システム"
        )
        services.system_update(system=system, data={"hosting": "cloud", "name": "新財務システム"})
        pk = system.pk
        services.system_delete(system=system)
    events = list(
        AuditEvent.objects.filter(
            object_id=str(pk), content_type__model="informationsystem"
        ).order_by("time", "pk")
    )
    assert [e.action for e in events] == ["create", "update", "delete"]
    create, update, delete = events
    assert create.after["name"] == "新財務システム" and create.before is None
    assert update.before == {"hosting": "on_premises"} and update.after == {"hosting": "cloud"}
    assert delete.before["code"] == "S0100"
    assert {e.actor for e in events} == {world.policy}
    assert {e.channel for e in events} == {"web"}
    assert {e.organisation for e in events} == {world.org}


def test_an_update_that_changes_nothing_writes_no_event(world, as_user):
    with as_user(world.policy):
        services.system_update(system=world.system_a, data={"name": world.system_a.name})
    assert not AuditEvent.objects.filter(action="update").exists()


def test_a_decimal_set_again_with_another_scale_is_no_change(world, as_user):
    from decimal import Decimal

    from daicho.registry.services import co_use_set

    with as_user(world.policy):
        co_use_set(system=world.system_a, co_user=world.other_org, share_percent=Decimal("25"))
        co_use_set(system=world.system_a, co_user=world.other_org, share_percent=Decimal("25.0"))
        co_use_set(system=world.system_a, co_user=world.other_org, share_percent=Decimal("30"))
    events = AuditEvent.objects.filter(content_type__model="systemcouse").order_by("pk")
    assert [
        (e.action, (e.before or {}).get("share_percent"), e.after["share_percent"]) for e in events
    ] == [
        ("create", None, "25.00"),
        ("update", "25.00", "30.00"),
    ]


def test_a_failed_write_leaves_neither_the_change_nor_an_event(world, as_user):
    with as_user(world.policy), pytest.raises(ValidationError):
        services.system_update(system=world.system_a, data={"status": "retired"})  # no date
    assert InformationSystem.objects.get(pk=world.system_a.pk).status == "operating"
    assert not AuditEvent.objects.exists()


def test_a_refused_change_leaves_the_record_in_hand_as_it_was(world, as_user):
    """A retry with the same object (a form shown again) must see the change still to make."""
    system = world.system_a
    with as_user(world.policy), pytest.raises(ValidationError):
        services.system_update(system=system, data={"status": "retired", "name": "旧システム"})
    assert system.status == "operating" and system.name != "旧システム"
    with as_user(world.policy):
        services.system_update(
            system=system, data={"status": "retired", "retired_on": datetime.date(2026, 3, 31)}
        )
    assert InformationSystem.objects.get(pk=system.pk).status == "retired"
    assert AuditEvent.objects.get().after["status"] == "retired"


def test_bulk_update_is_all_or_nothing(world, as_user):
    """One bad system in the selection: none of them changes, no event is kept."""
    with as_user(world.policy), pytest.raises(ValidationError), transaction.atomic():
        services.system_bulk_update(
            systems=[world.system_a, world.system_b],
            data={"owner_unit": world.section_b, "status": "retired"},
        )
    assert InformationSystem.objects.get(pk=world.system_a.pk).status == "operating"
    assert not AuditEvent.objects.exists()


def test_services_refuse_a_user_without_rights_and_write_nothing(world, as_user):
    with as_user(world.owner_b), pytest.raises(PermissionDenied):
        services.system_update(system=world.system_a, data={"name": "x"})
    with as_user(world.viewer), pytest.raises(PermissionDenied):
        services.system_create(
            organisation=world.org, owner_unit=world.section_a, code="S9", name="x"
        )
    assert not AuditEvent.objects.exists()


def test_cli_writes_are_audited_as_cli(world):
    with audit_context(actor=None, channel=Channel.CLI):
        services.vendor_create(organisation=world.org, code="V900", name="株式会社CLI")
    event = AuditEvent.objects.get(content_type__model="vendor")
    assert event.channel == "cli" and event.actor is None and event.actor_name == "cli"


def test_cost_line_events_belong_to_the_systems_karte(world, as_user):
    with as_user(world.owner_a):
        line = services.cost_line_create(
            system=world.system_a,
            fiscal_year=2015,
            basis="budget",
            category="operation",
            item=world.item,
            amount=9_000_000,
        )
    event = AuditEvent.objects.get(content_type__model="costline", object_id=str(line.pk))
    assert event.root_type.model == "informationsystem"
    assert event.root_id == str(world.system_a.pk)


def test_notes_are_audited_and_need_edit_rights(world, as_user):
    with as_user(world.owner_a):
        note = core_services.note_add(target=world.system_a, text="保守業者と定例会議")
    assert JournalEntry.objects.get(pk=note.pk).author == world.owner_a
    assert AuditEvent.objects.filter(content_type__model="journalentry").count() == 1


def test_cost_sheet_save_writes_only_changed_cells_each_audited(world, as_user):
    a, b = world.system_a, world.system_b
    with as_user(world.policy):
        counts = services.cost_sheet_save(
            organisation=world.org,
            fiscal_year=2014,
            basis="budget",
            category="operation",
            amounts={
                (a.pk, world.item.pk): 10_500_000,  # unchanged
                (b.pk, world.item.pk): 2_000_000,  # new
            },
        )
    assert counts == {"created": 1, "updated": 0, "deleted": 0}
    assert AuditEvent.objects.filter(content_type__model="costline").count() == 1
    with as_user(world.policy):
        counts = services.cost_sheet_save(
            organisation=world.org,
            fiscal_year=2014,
            basis="budget",
            category="operation",
            amounts={(a.pk, world.item.pk): 11_000_000, (b.pk, world.item.pk): None},
        )
    assert counts == {"created": 0, "updated": 1, "deleted": 1}
    assert (
        CostLine.objects.get(system=a, fiscal_year=2014, category="operation").amount == 11_000_000
    )
    assert not CostLine.objects.filter(system=b).exists()


def test_cost_sheet_refuses_a_cell_of_another_section_and_saves_nothing(world, as_user):
    with as_user(world.owner_a), pytest.raises(PermissionDenied), transaction.atomic():
        services.cost_sheet_save(
            organisation=world.org,
            fiscal_year=2014,
            basis="budget",
            category="operation",
            amounts={(world.system_a.pk, world.item.pk): 1, (world.system_b.pk, world.item.pk): 2},
        )
    assert CostLine.objects.get(system=world.system_a, fiscal_year=2014).amount == 10_500_000
    assert not AuditEvent.objects.exists()


def test_an_owner_scope_reaches_the_sections_below_its_department(world, as_user):
    """owner_a is owner of the department D01: it edits its section's systems."""
    assert InformationSystem.objects.editable_by(world.owner_a).filter(pk=world.system_a.pk)
    assert not InformationSystem.objects.editable_by(world.owner_a).filter(pk=world.system_b.pk)
    assert InformationSystem.objects.editable_by(world.policy).count() == 2
    assert InformationSystem.objects.visible_to(world.viewer).count() == 2
    assert not InformationSystem.objects.editable_by(world.viewer).exists()
    assert not InformationSystem.objects.visible_to(None).exists()


def test_record_many_leaves_out_updated_at_stamps_as_record_does(world, as_user):
    """A bulk update whose only change is the "updated at" stamp writes no event; one with a
    real change records that change alone."""
    from daicho.core import audit
    from tests.sam.factories import DeviceFactory

    device = DeviceFactory(organisation=world.org, unit=world.section_b, name="PC-0001")
    stamp = {"updated_at": "2014-04-01T09:00:00+09:00", "cores": 2}
    later = {"updated_at": "2014-04-02T09:00:00+09:00", "cores": 2}
    moved = {"updated_at": "2014-04-02T09:00:00+09:00", "cores": 4}
    before = AuditEvent.objects.count()
    with as_user(world.policy):
        written = audit.record_many(
            [("update", device, stamp, later), ("update", device, stamp, moved)]
        )
    assert written == 1
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.before == {"cores": 2} and event.after == {"cores": 4}
