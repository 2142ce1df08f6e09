"""The permission matrix: every page and API endpoint, for anonymous, each role, another unit and
another organisation, with the status each must get — and writes that are allowed are audited."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from daicho.core.models import AuditEvent, Role
from daicho.core.services import token_create
from daicho.registry.models import CostLine, InformationSystem
from tests.factories import ContractFactory, UserFactory, VendorFactory, member

ROLES = ["anonymous", "viewer", "owner_a", "owner_b", "policy", "auditor", "outsider"]


def _status(client, world, role, method, url, data=None):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    return response.status_code


READ = {
    "anonymous": 302,
    "viewer": 200,
    "owner_a": 200,
    "owner_b": 200,
    "policy": 200,
    "auditor": 200,
    "outsider": 200,
}
READ_OBJECT = {**READ, "outsider": 404}
EDIT_A = {
    "anonymous": 302,
    "viewer": 403,
    "owner_a": 200,
    "owner_b": 403,
    "policy": 200,
    "auditor": 403,
    "outsider": 404,
}
CREATE = {
    "anonymous": 302,
    "viewer": 403,
    "owner_a": 200,
    "owner_b": 200,
    "policy": 200,
    "auditor": 403,
    "outsider": 200,
}
POLICY_ONLY = {
    "anonymous": 302,
    "viewer": 403,
    "owner_a": 403,
    "owner_b": 403,
    "policy": 200,
    "auditor": 403,
    "outsider": 404,
}
AUDIT = {
    "anonymous": 302,
    "viewer": 403,
    "owner_a": 403,
    "owner_b": 403,
    "policy": 200,
    "auditor": 200,
    "outsider": 200,
}


def page_cases(world):
    """(name, url, expected statuses per role) for every GET page."""
    line = CostLine.objects.filter(system=world.system_a).first()
    vendor = VendorFactory(organisation=world.org)
    contract = ContractFactory(vendor=vendor, owner_unit=world.section_a)
    contract.systems.add(world.system_a)
    a = world.system_a.pk
    return [
        ("home", reverse("home"), READ),
        ("system_list", reverse("registry:system_list"), READ),
        # Another organisation's department is not a filter value the outsider may use: a form
        # error (400), not the whole list (issue #19).
        (
            "system_list filtered",
            reverse("registry:system_list") + "?department=D01&q=税務",
            {**READ, "outsider": 400},
        ),
        ("system_export", reverse("registry:system_list") + "?export=csv", READ),
        ("system_detail", reverse("registry:system_detail", args=[a]), READ_OBJECT),
        ("system_costs", reverse("registry:system_costs", args=[a]), READ_OBJECT),
        ("system_create", reverse("registry:system_create"), CREATE),
        ("system_edit", reverse("registry:system_edit", args=[a]), EDIT_A),
        ("system_delete", reverse("registry:system_delete", args=[a]), EDIT_A),
        ("cost_edit", reverse("registry:cost_edit", args=[line.pk]), EDIT_A),
        ("cost_delete", reverse("registry:cost_delete", args=[line.pk]), EDIT_A),
        ("cost_sheet", reverse("registry:cost_sheet"), READ),
        ("vendor_list", reverse("registry:vendor_list"), READ),
        ("vendor_detail", reverse("registry:vendor_detail", args=[vendor.pk]), READ_OBJECT),
        ("vendor_create", reverse("registry:vendor_create"), CREATE),
        ("vendor_edit", reverse("registry:vendor_edit", args=[vendor.pk]), POLICY_ONLY),
        ("vendor_delete", reverse("registry:vendor_delete", args=[vendor.pk]), POLICY_ONLY),
        ("contract_list", reverse("registry:contract_list"), READ),
        ("contract_detail", reverse("registry:contract_detail", args=[contract.pk]), READ_OBJECT),
        ("contract_create", reverse("registry:contract_create"), CREATE),
        ("contract_edit", reverse("registry:contract_edit", args=[contract.pk]), EDIT_A),
        ("contract_delete", reverse("registry:contract_delete", args=[contract.pk]), EDIT_A),
        ("cost_item_list", reverse("registry:cost_item_list"), READ),
        ("cost_item_export", reverse("registry:cost_item_list") + "?export=xlsx", READ),
        (
            "cost_item_create",
            reverse("registry:cost_item_create"),
            {**POLICY_ONLY, "outsider": 200},
        ),
        ("cost_item_edit", reverse("registry:cost_item_edit", args=[world.item.pk]), POLICY_ONLY),
        (
            "cost_item_delete",
            reverse("registry:cost_item_delete", args=[world.item.pk]),
            POLICY_ONLY,
        ),
        ("unit_list", reverse("unit_list"), READ),
        ("unit_create", reverse("unit_create"), {**POLICY_ONLY, "outsider": 200}),
        ("unit_edit", reverse("unit_edit", args=[world.section_a.pk]), POLICY_ONLY),
        ("audit_list", reverse("audit_list"), AUDIT),
        # the first-run page is read like the import list (uploading is checked on upload);
        # a template holds no ledger data: any member may download it
        ("import_first_run", reverse("import_first_run"), READ),
        ("import_template", reverse("import_template", args=["systems"]), READ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected(client, world, role):
    failures = []
    for name, url, expected in page_cases(world):
        client.logout()
        status = _status(client, world, role, "get", url)
        if status != expected[role]:
            failures.append(f"{name} {url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("role", "expected", "changed"),
    [
        ("anonymous", 302, False),
        ("viewer", 403, False),
        ("owner_a", 302, True),
        ("owner_b", 403, False),
        ("policy", 302, True),
        ("auditor", 403, False),
        ("outsider", 404, False),
    ],
)
def test_editing_a_system_is_allowed_to_its_owner_and_policy_only(
    client, world, role, expected, changed
):
    url = reverse("registry:system_edit", args=[world.system_a.pk])
    data = {
        "code": "S0001",
        "name": "税務システム（改）",
        "owner_unit": world.section_a.pk,
        "status": "operating",
        "hosting": "virtualized",
        "users": "staff",
        "in_service_on": "平成22年4月1日",
    }
    assert _status(client, world, role, "post", url, data) == expected
    system = InformationSystem.objects.get(pk=world.system_a.pk)
    assert (system.name == "税務システム（改）") is changed
    events = AuditEvent.objects.filter(
        object_id=str(system.pk), action="update", content_type__model="informationsystem"
    )
    assert events.count() == (1 if changed else 0)
    if changed:
        event = events.get()
        assert event.channel == "web"
        assert event.actor == world.user(role)
        assert event.before["hosting"] == "on_premises"
        assert event.after["hosting"] == "virtualized"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("viewer", 403),
        ("owner_a", 302),
        ("owner_b", 403),
        ("policy", 302),
        ("auditor", 403),
        ("outsider", 404),
    ],
)
def test_adding_a_note_needs_edit_rights(client, world, role, expected):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(InformationSystem)
    url = reverse("note_add", args=[ct.pk, world.system_a.pk])
    assert (
        _status(client, world, role, "post", url, {"text": "ベンダーと打合せ", "kind": "info"})
        == expected
    )


# --- API ------------------------------------------------------------------------------------------


def _api(client, world, role, method, path, body=None):
    headers = {}
    user = world.user(role)
    if user is not None:
        _token, key = token_create(user=user)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(f"/api/v1{path}", **kwargs, **headers)


API_READ = {
    "anonymous": 401,
    "viewer": 200,
    "owner_a": 200,
    "owner_b": 200,
    "policy": 200,
    "auditor": 200,
    "outsider": 200,
}
API_READ_OBJECT = {**API_READ, "outsider": 404}
API_EDIT_A = {
    "anonymous": 401,
    "viewer": 403,
    "owner_a": 200,
    "owner_b": 403,
    "policy": 200,
    "auditor": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_api_read_answers_each_role_as_expected(client, world, role):
    line = CostLine.objects.filter(system=world.system_a).first()
    vendor = VendorFactory(organisation=world.org)
    contract = ContractFactory(vendor=vendor, owner_unit=world.section_a)
    cases = [
        ("/units", API_READ),
        (f"/units/{world.section_a.pk}", API_READ_OBJECT),
        ("/systems", API_READ),
        (f"/systems/{world.system_a.pk}", API_READ_OBJECT),
        ("/costs", API_READ),
        (f"/costs/{line.pk}", API_READ_OBJECT),
        ("/cost-items", API_READ),
        (f"/cost-items/{world.item.pk}", API_READ_OBJECT),
        ("/vendors", API_READ),
        (f"/vendors/{vendor.pk}", API_READ_OBJECT),
        ("/contracts", API_READ),
        (f"/contracts/{contract.pk}", API_READ_OBJECT),
        ("/me", API_READ),
    ]
    failures = []
    for path, expected in cases:
        status = _api(client, world, role, "get", path).status_code
        if status != expected[role]:
            failures.append(f"GET {path}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_api_patch_of_a_system_follows_the_matrix(client, world, role):
    response = _api(
        client, world, role, "patch", f"/systems/{world.system_a.pk}", {"hosting": "cloud"}
    )
    assert response.status_code == API_EDIT_A[role], response.content
    changed = InformationSystem.objects.get(pk=world.system_a.pk).hosting == "cloud"
    assert changed is (API_EDIT_A[role] == 200)
    if changed:
        event = AuditEvent.objects.filter(action="update", object_id=str(world.system_a.pk)).get()
        assert event.channel == "api"
        assert event.actor == world.user(role)


@pytest.mark.parametrize("role", ROLES)
def test_api_delete_of_a_system_follows_the_matrix(client, world, role):
    response = _api(client, world, role, "delete", f"/systems/{world.system_a.pk}")
    expected = {**API_EDIT_A, "owner_a": 204, "policy": 204}[role]
    assert response.status_code == expected
    assert InformationSystem.objects.filter(pk=world.system_a.pk).exists() is (expected != 204)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("viewer", 403),
        ("owner_a", 201),
        ("owner_b", 403),
        ("policy", 201),
        ("auditor", 403),
        ("outsider", 400),
    ],
)
def test_api_create_of_a_system_in_section_a(client, world, role, expected):
    response = _api(
        client,
        world,
        role,
        "post",
        "/systems",
        {"code": "S0100", "name": "新システム", "owner_unit": "D01-S01"},
    )
    assert response.status_code == expected, response.content
    assert InformationSystem.objects.filter(code="S0100").exists() is (expected == 201)


API_POLICY_ONLY = {
    "anonymous": 401,
    "viewer": 403,
    "owner_a": 403,
    "owner_b": 403,
    "policy": 200,
    "auditor": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_api_writes_of_cost_items_are_the_it_policy_divisions(client, world, role):
    """Every member reads the 費目; only the IT policy division adds, changes or deletes one
    (another organisation's policy division adds to its own list)."""
    from daicho.registry.models import CostItem

    created = _api(client, world, role, "post", "/cost-items", {"code": "ekimu", "name": "役務費"})
    expected = {**API_POLICY_ONLY, "policy": 201, "outsider": 201}[role]
    assert created.status_code == expected, created.content
    if expected == 201:
        mine = world.org if role == "policy" else world.other_org
        assert CostItem.objects.get(code="ekimu").organisation == mine
        event = AuditEvent.objects.get(content_type__model="costitem", action="create")
        assert (event.channel, event.actor) == ("api", world.user(role))
    patched = _api(client, world, role, "patch", f"/cost-items/{world.item.pk}", {"sort_order": 7})
    assert patched.status_code == API_POLICY_ONLY[role]
    assert (CostItem.objects.get(pk=world.item.pk).sort_order == 7) is (role == "policy")
    deleted = _api(client, world, role, "delete", f"/cost-items/{world.item.pk}")
    # Policy's answer is 400: the item's cost lines keep it.
    assert deleted.status_code == {**API_POLICY_ONLY, "policy": 400}[role]
    assert CostItem.objects.filter(pk=world.item.pk).exists()


def test_a_sam_officer_reads_but_does_not_edit_systems(client, world):
    assert _api(client, world, "sam", "get", "/systems").status_code == 200
    assert (
        _api(
            client, world, "sam", "patch", f"/systems/{world.system_b.pk}", {"name": "x"}
        ).status_code
        == 403
    )


def test_lists_never_show_another_organisations_records(client, world):
    codes = [s["name"] for s in _api(client, world, "policy", "get", "/systems").json()["items"]]
    assert "よその市のシステム" not in codes and "税務システム" in codes
    other = [s["name"] for s in _api(client, world, "outsider", "get", "/systems").json()["items"]]
    assert other == ["よその市のシステム"]


def test_an_expired_or_unknown_token_is_refused(client, world):
    import datetime

    from django.utils import timezone

    _t, key = token_create(
        user=world.policy, expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    r = client.get("/api/v1/systems", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 401
    r = client.get("/api/v1/systems", HTTP_AUTHORIZATION="Bearer nonsense")
    assert r.status_code == 401
    assert "Bearer" in r.json()["detail"]


def test_an_inactive_member_sees_nothing(client, world):
    user = member(UserFactory(username="gone", is_active=False), Role.IT_POLICY, world.section_a)
    _t, key = token_create(user=user)
    assert client.get("/api/v1/systems", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
