"""Audit changes as staff read them: labels, choice names, 和暦, local times, related records by
name and the parts of a checklist — never field names, codes, JSON or UTC timestamps."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from daicho.core.changes import readable_changes
from daicho.governance.models import ProcurementCase
from daicho.registry import services
from daicho.registry.models import InformationSystem


def test_a_system_update_reads_as_labels_choice_names_and_wareki(world, as_user, client):
    with as_user(world.policy):
        services.system_update(
            system=world.system_a,
            data={
                "hosting": "cloud",
                "in_service_on": "2014-04-01",
                "owner_unit": world.section_b,
            },
        )
    client.force_login(world.policy)
    html = client.get(reverse("registry:system_detail", args=[world.system_a.pk])).content
    html = html.decode()
    assert "稼働環境" in html or "ホスティング" in html
    assert "クラウド" in html and "hosting:" not in html and "<code>hosting</code>" not in html
    assert "平成26年4月1日" in html and "2014-04-01 → " not in html
    assert "くらし安全安心課" in html  # the new owner section by its name, not its id
    assert "owner_unit" not in html


def test_checklists_show_the_item_that_changed_by_its_label():
    before = {"planning": {"purpose": False, "cloud_first": True}}
    after = {"planning": {"purpose": True, "cloud_first": True}}
    with translation.override("ja"):
        (change,) = readable_changes(ProcurementCase, {"checklist": before}, {"checklist": after})
    assert change.label.startswith("チェックリスト: 企画")
    assert "{" not in change.label and "purpose" not in change.label
    assert (change.before, change.after) == ("未", "済")


def test_states_times_and_unknown_fields_are_shown_plainly():
    with translation.override("ja"):
        changes = readable_changes(
            ProcurementCase,
            {"state": "submitted", "submitted_at": "2014-06-30T15:30:00Z", "gone": 1},
            {"state": "draft", "submitted_at": None, "gone": 2},
        )
    shown = {c.label: (c.before, c.after) for c in changes}
    state = next(v for k, v in shown.items() if k == "状況")
    assert "submitted" not in state and "draft" not in state
    moment = next(v for k, v in shown.items() if "提出" in k)
    assert moment == ("平成26年7月1日 00:30", "—")  # 15:30 UTC is 00:30 the next day in Tokyo
    assert shown["gone"] == ("1", "2")


def test_the_audit_list_shows_labels_not_field_names(world, as_user, client):
    with as_user(world.policy):
        services.system_update(system=world.system_a, data={"hosting": "cloud"})
    client.force_login(world.auditor)
    html = client.get(reverse("audit_list")).content.decode()
    assert "クラウド" in html and "<code>hosting</code>" not in html
    assert InformationSystem.objects.get(pk=world.system_a.pk).hosting == "cloud"
