"""The year's inventory-taking (棚卸) from opening to 100 %, reminders, and SAM audits."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from daicho.core.models import AuditEvent
from daicho.sam import services
from daicho.sam.metrics import sam_inventory_rate
from daicho.sam.models import CheckResult, ConfirmationStatus, Device, InventoryCheck
from tests.sam.factories import DeviceFactory

D = datetime.date


@pytest.fixture
def campaign(world, as_user):
    for i in range(3):
        DeviceFactory(unit=world.section_a, name=f"A-{i}")
        DeviceFactory(unit=world.section_b, name=f"B-{i}")
    with as_user(world.policy):
        return services.campaign_open(
            organisation=world.org,
            fiscal_year=2025,
            deadline=D(2025, 12, 26),
            units=[world.section_a, world.section_b],
            opened_on=D(2025, 10, 1),
        )


def part(campaign, unit):
    return campaign.confirmations.get(unit=unit)


def confirm_all(confirmation, **fields):
    """Confirm, deciding the devices nobody checked as present (with the reason)."""
    return services.inventory_confirm(
        confirmation=confirmation, unchecked="present", reason="稼働記録で確認", **fields
    )


def test_a_campaign_from_opening_to_full_completion(world, campaign, as_user):
    assert sam_inventory_rate(world.org, 2025).value == Decimal("0.0")
    b = part(campaign, world.section_b)
    with as_user(world.sam):
        services.inventory_check(
            confirmation=b,
            device=Device.objects.get(name="B-0"),
            result=CheckResult.MISSING,
            note="所在不明",
        )
        services.inventory_check(
            confirmation=b, device=Device.objects.get(name="B-1"), result=CheckResult.DISPOSED
        )
        services.inventory_add_device(confirmation=b, name="B-NEW", note="台帳漏れ")
        with pytest.raises(ValidationError) as error:
            services.inventory_confirm(confirmation=b)  # B-2 has not been checked
        assert error.value.message_dict["unchecked"] == [
            "1台の機器が未確認です。確認するか、ここで所在・所在不明を判断してください。"
        ]
        services.inventory_scan(confirmation=b, code="B-2")
        with pytest.raises(ValidationError) as error:
            services.inventory_confirm(confirmation=b)  # differences must be explained
        assert "3" in str(error.value)
        services.inventory_confirm(
            confirmation=b, note="B-0は捜索中、B-1は故障のため廃棄、B-NEWは台帳漏れ"
        )
    b.refresh_from_db()
    assert (b.status, b.confirmed_by) == (ConfirmationStatus.CONFIRMED, world.sam)
    results = dict(b.checks.values_list("device__name", "result"))
    assert results == {"B-0": "missing", "B-1": "disposed", "B-2": "present", "B-NEW": "added"}
    assert Device.objects.get(name="B-1").status == "disposed"
    assert Device.objects.get(name="B-NEW").unit == world.section_b
    measurement = sam_inventory_rate(world.org, 2025)
    assert (measurement.value, measurement.detail) == (Decimal("50.0"), "1 / 2 所属")
    with as_user(world.policy):
        services.inventory_confirm(
            confirmation=part(campaign, world.section_a),
            unchecked=CheckResult.PRESENT,
            reason="資産管理ツールで今月の稼働を確認",
        )
    assert sam_inventory_rate(world.org, 2025).value == Decimal("100.0")
    assert (
        InventoryCheck.objects.filter(confirmation__unit=world.section_a, result="present").count()
        == 3
    )
    # Every step is in the audit log, attributed to the officer.
    assert AuditEvent.objects.filter(actor=world.sam, object_repr__contains="B-NEW").exists()
    assert AuditEvent.objects.filter(
        actor=world.sam, action="update", after__status="confirmed"
    ).exists()


def test_a_sam_officer_acts_only_for_its_unit_and_not_after_confirming(world, campaign, as_user):
    a = part(campaign, world.section_a)
    with as_user(world.sam), pytest.raises(PermissionDenied):
        services.inventory_confirm(confirmation=a)
    with as_user(world.owner_b), pytest.raises(PermissionDenied):
        services.inventory_confirm(confirmation=part(campaign, world.section_b))
    with as_user(world.sam):
        with pytest.raises(ValidationError):  # a device of another unit
            services.inventory_check(
                confirmation=part(campaign, world.section_b),
                device=Device.objects.get(name="A-0"),
                result=CheckResult.PRESENT,
            )
        confirm_all(part(campaign, world.section_b))
        with pytest.raises(ValidationError):
            confirm_all(part(campaign, world.section_b))
    with as_user(world.sam), pytest.raises(PermissionDenied):
        services.campaign_close(campaign=campaign)


def test_policy_sends_a_part_back_and_closes_the_campaign(world, campaign, as_user):
    with as_user(world.sam):
        confirm_all(part(campaign, world.section_b))
    with as_user(world.policy):
        services.inventory_reopen(confirmation=part(campaign, world.section_b))
        assert sam_inventory_rate(world.org, 2025).value == Decimal("0.0")
        services.campaign_close(campaign=campaign)
    with as_user(world.sam), pytest.raises(ValidationError):
        confirm_all(part(campaign, world.section_b))


def test_reminders_go_to_the_officers_of_units_not_confirmed_near_the_deadline(
    world, campaign, as_user, django_capture_on_commit_callbacks
):
    world.sam.email = "sam@pref.okayama.example"
    world.sam.save()
    with as_user(world.policy):
        assert services.inventory_remind(campaign=campaign, today=D(2025, 11, 1), days=14) == []
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            late = services.inventory_remind(campaign=campaign, today=D(2025, 12, 15), days=14)
            assert mail.outbox == []  # mailed only once the reminders are recorded for good
        assert len(callbacks) == 1
    assert sorted(p.unit.code for p in late) == ["D01-S01", "D02-S01"]
    assert [m.to for m in mail.outbox] == [["sam@pref.okayama.example"]]
    assert part(campaign, world.section_b).reminded_at is not None


def test_no_campaign_means_no_value(world):
    assert sam_inventory_rate(world.org, 2030).value is None


def test_a_campaign_needs_units_and_policy(world, as_user):
    with as_user(world.policy), pytest.raises(ValidationError):
        services.campaign_open(
            organisation=world.org, fiscal_year=2025, deadline=D(2025, 12, 1), units=[]
        )
    with as_user(world.sam), pytest.raises(PermissionDenied):
        services.campaign_open(
            organisation=world.org,
            fiscal_year=2025,
            deadline=D(2025, 12, 1),
            units=[world.section_b],
        )


def test_audit_findings_are_followed_up_by_the_unit(world, as_user):
    with as_user(world.policy):
        audit = services.sam_audit_create(
            organisation=world.org,
            fiscal_year=2025,
            name="令和7年度SAM監査",
            held_on=D(2026, 1, 20),
        )
        finding = services.finding_add(
            audit_record=audit,
            unit=world.section_b,
            description="ライセンス証書の保管場所が不明",
            action="証書を情報政策課へ提出",
            due_on=D(2026, 3, 31),
        )
    with as_user(world.owner_a), pytest.raises(PermissionDenied):
        services.finding_done(finding=finding)
    with as_user(world.sam):
        services.finding_done(finding=finding)
    finding.refresh_from_db()
    assert finding.status == "done"


def test_the_pages_walk_a_campaign(client, world, campaign):
    client.force_login(world.sam)
    b = part(campaign, world.section_b)
    page = client.get(reverse("sam:confirmation", args=[b.pk])).content.decode()
    assert "B-0" in page and "A-0" not in page
    device = Device.objects.get(name="B-0")
    client.post(
        reverse("sam:confirmation", args=[b.pk]),
        {"action": "check", "device": device.pk, "result": "missing"},
    )
    response = client.post(
        reverse("sam:confirmation", args=[b.pk]), {"action": "confirm", "note": ""}, follow=True
    )
    assert "説明" in response.content.decode()  # the differences must be explained
    response = client.post(
        reverse("sam:confirmation", args=[b.pk]), {"action": "confirm", "note": "捜索中"}
    )
    page = response.content.decode()  # B-1 and B-2 nobody checked: a decision is asked for
    assert "2台の機器が未確認です" in page and 'id="unchecked-decision"' in page
    response = client.post(
        reverse("sam:confirmation", args=[b.pk]),
        {"action": "confirm", "note": "捜索中", "unchecked": "present", "reason": ""},
    )
    assert "確認せずに記録する理由を入力してください。" in response.content.decode()
    client.post(
        reverse("sam:confirmation", args=[b.pk]),
        {"action": "confirm", "note": "捜索中", "unchecked": "present", "reason": "目視で確認"},
    )
    assert part(campaign, world.section_b).status == ConfirmationStatus.CONFIRMED
    page = client.get(reverse("sam:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-figure="rate">50.0%' in page
    # Another unit's part: readable, but no action is accepted.
    a = part(campaign, world.section_a)
    assert (
        client.post(reverse("sam:confirmation", args=[a.pk]), {"action": "confirm"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("policy", 200),
        ("viewer", 200),
        ("auditor", 200),
        ("sam", 200),
        ("owner_a", 200),
    ],
)
def test_inventory_and_audit_pages_answer_each_role(client, world, campaign, role, status):
    if world.user(role):
        client.force_login(world.user(role))
    for url in (
        reverse("sam:campaign_list"),
        reverse("sam:campaign_detail", args=[campaign.pk]),
        reverse("sam:confirmation", args=[part(campaign, world.section_b).pk]),
        reverse("sam:audit_list"),
    ):
        assert client.get(url).status_code == status, url


def test_another_organisation_cannot_reach_the_campaign(client, world, campaign):
    client.force_login(world.outsider)
    assert client.get(reverse("sam:campaign_detail", args=[campaign.pk])).status_code == 404
    assert (
        client.get(
            reverse("sam:confirmation", args=[part(campaign, world.section_b).pk])
        ).status_code
        == 404
    )
    client.force_login(world.viewer)
    assert client.post(reverse("sam:campaign_list"), {"fiscal_year": 2025}).status_code == 403


def test_one_campaign_per_fiscal_year_at_a_time(world, campaign, as_user):
    with as_user(world.policy), pytest.raises(ValidationError) as error:
        services.campaign_open(
            organisation=world.org,
            fiscal_year=2025,
            deadline=D(2026, 1, 31),
            units=[world.section_a],
        )
    assert "fiscal_year" in error.value.message_dict


def test_the_remind_command_lists_the_units_reminded(world, campaign, capsys):
    import json

    from tests.core.test_import import run

    code, out, err = run(capsys, "sam", "remind", "--org", "330001", "--days", "1000", "--json")
    assert code == 0, err
    assert sorted(r["unit"] for r in json.loads(out)) == ["D01-S01", "D02-S01"]
    code, out, err = run(capsys, "sam", "remind", "--org", "330001", "--days", "-1")
    assert code != 0


def test_finalising_with_unchecked_devices_records_the_decision_and_who_made_it(
    world, campaign, as_user
):
    """The trap of the issue: 3 of many devices checked, finalised, and all recorded as found.
    Now the confirmer must decide the rest, and the decision is theirs on each device."""
    b = part(campaign, world.section_b)
    with as_user(world.sam):
        services.inventory_scan(confirmation=b, code="B-0")
        with pytest.raises(ValidationError) as error:
            services.inventory_confirm(confirmation=b)
        assert "2台" in error.value.message_dict["unchecked"][0]
        with pytest.raises(ValidationError) as error:  # a decision needs its reason
            services.inventory_confirm(confirmation=b, unchecked="missing")
        assert "reason" in error.value.message_dict
        services.inventory_confirm(
            confirmation=b, unchecked="missing", reason="異動で所在を確認できず"
        )
    checks = {c.device.name: c for c in b.checks.select_related("device", "checked_by")}
    assert {n: (c.result, c.method) for n, c in checks.items()} == {
        "B-0": ("present", "scanned"),
        "B-1": ("missing", "decided"),
        "B-2": ("missing", "decided"),
    }
    assert {c.checked_by for c in checks.values()} == {world.sam}
    b.refresh_from_db()
    assert b.note == "異動で所在を確認できず"  # the reason explains the differences


def test_marking_in_bulk_needs_a_reason_and_never_overwrites_a_check(world, campaign, as_user):
    b = part(campaign, world.section_b)
    with as_user(world.sam):
        services.inventory_check(
            confirmation=b, device=Device.objects.get(name="B-0"), result=CheckResult.MISSING
        )
        with pytest.raises(ValidationError):
            services.inventory_mark_unchecked(
                confirmation=b, result="present", reason=" ", method="bulk"
            )
        assert (
            services.inventory_mark_unchecked(
                confirmation=b, result="present", reason="ログオン記録で確認", method="bulk"
            )
            == 2
        )
    assert dict(b.checks.values_list("device__name", "result")) == {
        "B-0": "missing",
        "B-1": "present",
        "B-2": "present",
    }


def test_a_scan_finds_the_device_by_label_and_says_where_a_stray_one_belongs(
    world, campaign, as_user
):
    b = part(campaign, world.section_b)
    Device.objects.filter(name="B-1").update(serial="SN-77")
    with as_user(world.sam):
        assert services.inventory_scan(confirmation=b, code="b-1").name == "B-1"
        assert services.inventory_scan(confirmation=b, code=" SN-77 ").name == "B-1"
        with pytest.raises(ValidationError) as error:
            services.inventory_scan(confirmation=b, code="A-0")
        assert world.section_a.name in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            services.inventory_scan(confirmation=b, code="NO-SUCH")
        assert "NO-SUCH" in error.value.messages[0]
    assert b.checks.get(device__name="B-1").method == "scanned"


def test_a_past_year_campaign_with_its_real_dates_produces_that_years_rate(world, as_user):
    """FY2015's 棚卸 entered today with its real dates: opened 2015-10-01, one unit done on
    2016-02-10, the other on 2016-03-20, closed 2016-03-31: FY2015's rate is 100.0 %."""
    DeviceFactory(unit=world.section_a, name="A-OLD")
    DeviceFactory(unit=world.section_b, name="B-OLD")
    with as_user(world.policy):
        old = services.campaign_open(
            organisation=world.org,
            fiscal_year=2015,
            deadline=D(2016, 2, 28),
            units=[world.section_a, world.section_b],
            opened_on=D(2015, 10, 1),
        )
        with pytest.raises(ValidationError) as error:
            confirm_all(part(old, world.section_a), completed_on=D(2015, 9, 1))
        assert "completed_on" in error.value.message_dict
        confirm_all(part(old, world.section_a), completed_on=D(2016, 2, 10))
        assert sam_inventory_rate(world.org, 2015).value == Decimal("50.0")
        confirm_all(part(old, world.section_b), completed_on=D(2016, 3, 20))
        services.campaign_close(campaign=old, closed_on=D(2016, 3, 31))
        with pytest.raises(ValidationError):
            services.campaign_open(
                organisation=world.org,
                fiscal_year=2016,
                deadline=D(2099, 1, 1),
                units=[world.section_a],
                opened_on=D(2099, 1, 1),
            )
    measurement = sam_inventory_rate(world.org, 2015)
    assert (measurement.value, measurement.detail) == (Decimal("100.0"), "2 / 2 所属")
    old.refresh_from_db()
    assert (old.status, old.closed_on) == ("closed", D(2016, 3, 31))
    assert part(old, world.section_a).completed_on == D(2016, 2, 10)


def test_a_closed_past_campaign_lists_the_devices_in_use_while_it_ran(world, as_user):
    """FY2014's campaign seen today: the PC bought in 2020 and the one disposed before it opened
    are not its devices; the one in use then and disposed in 2019 is, though nobody checked it."""
    DeviceFactory(unit=world.section_a, name="A-2011", purchased_on=D(2011, 5, 1))
    DeviceFactory(unit=world.section_a, name="A-2020", purchased_on=D(2020, 5, 1))
    DeviceFactory(
        unit=world.section_a, name="A-XP", purchased_on=D(2008, 5, 1), status="disposed",
        disposed_on=D(2014, 6, 30),
    )  # fmt: skip
    DeviceFactory(
        unit=world.section_a, name="A-W7", purchased_on=D(2012, 5, 1), status="disposed",
        disposed_on=D(2019, 11, 30),
    )  # fmt: skip
    with as_user(world.policy):
        old = services.campaign_open(
            organisation=world.org,
            fiscal_year=2014,
            deadline=D(2014, 11, 28),
            units=[world.section_a],
            opened_on=D(2014, 10, 1),
        )
        a = part(old, world.section_a)
        services.inventory_check(
            confirmation=a, device=Device.objects.get(name="A-2011"), result=CheckResult.PRESENT
        )
        services.campaign_close(campaign=old, closed_on=D(2015, 1, 30))
    a.refresh_from_db()
    listed = sorted(services.confirmation_devices(a).values_list("name", flat=True))
    assert listed == ["A-2011", "A-W7"]
    assert list(services.unchecked_devices(a).values_list("name", flat=True)) == ["A-W7"]
