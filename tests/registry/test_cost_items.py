"""費目 are ledger data: `daicho init` seeds the 節 IT costs use; an organisation keeps its list on
a page, through the API and as the `cost-items` kind; a cost file naming a 費目 the ledger lacks
creates it once (listed as a new cost item) unless the user refuses."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.urls import reverse

from daicho.cli import main
from daicho.core.importing import engine
from daicho.core.models import AuditEvent, Organisation
from daicho.core.services import token_create
from daicho.registry.models import CostItem, CostLine
from tests.factories import CostLineFactory, UserFactory, member

SEEDED = [
    ("juyo", "需用費", "需用費", 100),
    ("ekimu", "役務費", "役務費", 110),
    ("itaku", "委託料", "委託料", 120),
    ("shiyoryo", "使用料及び賃借料", "使用料及び賃借料", 130),
    ("koji", "工事請負費", "工事請負費", 140),
    ("bihin", "備品購入費", "備品購入費", 170),
    ("futankin", "負担金補助及び交付金", "負担金補助及び交付金", 180),
]


def cli(capsys, *args) -> tuple[int, str, str]:
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            main(["daicho", *args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def items_of(organisation) -> list[tuple]:
    return list(
        CostItem.objects.filter(organisation=organisation).values_list(
            "code", "name", "budget_section", "sort_order"
        )
    )


def write(tmp_path, name: str, text: str, encoding: str = "cp932") -> str:
    """A CSV as Excel saves it on a Japanese PC (CP932, CRLF)."""
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return str(path)


# --- init -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_init_seeds_the_budget_sections_it_costs_use_and_a_second_init_adds_nothing(capsys):
    code, out, err = cli(capsys, "init", "--org-name", "倉敷市", "--admin", "admin")
    assert code == 0, err
    city = Organisation.objects.get(name="倉敷市")
    assert items_of(city) == SEEDED
    created = AuditEvent.objects.filter(content_type__model="costitem", action="create")
    assert created.count() == 7 and {e.channel for e in created} == {"cli"}
    assert ": 7" in out

    code, out, err = cli(capsys, "init", "--org-name", "倉敷市", "--admin", "admin2")
    assert code == 0, err
    assert items_of(city) == SEEDED
    assert created.count() == 7
    assert ": 0" in out


@pytest.mark.django_db
def test_init_adds_a_municipality_whose_administrator_holds_its_own_ledger_only(capsys):
    from daicho.core.models import User
    from daicho.core.permissions import scope_of

    code, out, err = cli(capsys, "init", "--org-name", "岡山県", "--admin", "pref")
    assert code == 0, err
    code, out, err = cli(capsys, "init", "--org-name", "総社市", "--admin", "soja-admin")
    assert code == 0, err
    assert "総社市" in out
    pref, city = Organisation.objects.get(name="岡山県"), Organisation.objects.get(name="総社市")
    assert User.objects.get(username="pref").is_superuser
    assert scope_of(User.objects.get(username="pref")).policy_org_ids == {pref.pk, city.pk}
    admin = User.objects.get(username="soja-admin")
    assert not admin.is_superuser
    assert scope_of(admin).read_org_ids == {city.pk} == scope_of(admin).policy_org_ids
    assert items_of(city) == SEEDED


@pytest.mark.django_db
def test_the_seed_keeps_an_item_the_organisation_already_has_under_its_own_code(capsys):
    from daicho.registry import services

    city = Organisation.objects.create(name="倉敷市")
    CostItem.objects.create(organisation=city, code="13", name="使用料及賃借料", sort_order=13)
    services.cost_items_seed(organisation=city)
    names = [name for _c, name, _s, _o in items_of(city)]
    assert "使用料及び賃借料" not in names and names.count("使用料及賃借料") == 1
    assert len(names) == 7


# --- costs on a fresh ledger --------------------------------------------------------------------

SYSTEMS_HEADER = "システムID,システム名,所管部局,所管課,保守業者\n"
NEW_ITEMS = ["運用保守委託料", "通信運搬費"]
ITEMS = [*NEW_ITEMS, "委託料", "使用料及賃借料"]  # the last as 地方自治法施行規則 spells it


def fresh_ledger(capsys, tmp_path) -> Organisation:
    """`daicho init` (no demo), then a system ledger of 25 systems."""
    code, _out, err = cli(capsys, "init", "--org-name", "倉敷市", "--admin", "admin")
    assert code == 0, err
    rows = "".join(
        f"S{n:04d},業務システム{n},総務局,情報政策課,株式会社吉備システム\n" for n in range(1, 26)
    )
    path = write(tmp_path, "システム台帳.csv", SYSTEMS_HEADER + rows)
    code, _out, err = cli(capsys, "import", "systems", path)
    assert code == 0, err
    return Organisation.objects.get(name="倉敷市")


def ten_thousand_cost_rows() -> tuple[str, dict[str, int]]:
    """25 systems × 25 years × 予算/決算 × 整備/運用 × 4 費目, in thousand yen; the total per 費目
    as written."""
    lines = ["システムID,年度,予算決算,経費区分,費目,金額（千円）,備考"]
    totals = dict.fromkeys(ITEMS, 0)
    n = 0
    for system in range(1, 26):
        for year in range(1, 26):  # 平成元年度 … 平成25年度
            for basis in ("予算", "決算"):
                for category in ("整備経費", "運用等経費"):
                    for item in ITEMS:
                        n += 1
                        amount = n % 997 + 1
                        totals[item] += amount * 1000
                        lines.append(
                            f'S{system:04d},平成{year}年度,{basis},{category},{item},"{amount:,}",'
                        )
    return "\n".join(lines) + "\n", totals


def test_a_cost_file_naming_new_items_on_a_fresh_ledger_creates_each_once(capsys, tmp_path, db):
    organisation = fresh_ledger(capsys, tmp_path)
    text, totals = ten_thousand_cost_rows()
    path = write(tmp_path, "経費.csv", text)

    code, out, err = cli(capsys, "import", "costs", path, "--dry-run", "--json")
    assert code == 0, err
    dry = json.loads(out)
    assert dry["status"] == "dry_run" and dry["created"] == 10_000
    assert dry["created_refs"] == {"cost-items": NEW_ITEMS}  # what WOULD be created, once each
    assert len(items_of(organisation)) == 7 and not CostLine.objects.exists()

    code, out, err = cli(capsys, "import", "costs", path)
    assert code == 0, err
    assert f"{engine.REFERENCES['cost-items']}: 運用保守委託料、通信運搬費" in out
    items = {name: (code, section) for code, name, section, _o in items_of(organisation)}
    assert items["運用保守委託料"] == ("H01", "委託料")  # its 節 read from its name
    assert items["通信運搬費"] == ("H02", "役務費")  # a 細節 of 役務費
    assert len(items) == 9
    created = AuditEvent.objects.filter(content_type__model="costitem", action="create")
    assert created.count() == 9  # 7 seeded, 2 by the import: each once, not once per row
    by_item = {
        name: sum(CostLine.objects.filter(item__name=name).values_list("amount", flat=True))
        for name in ("運用保守委託料", "通信運搬費", "委託料", "使用料及び賃借料")
    }
    assert by_item == {
        "運用保守委託料": totals["運用保守委託料"],
        "通信運搬費": totals["通信運搬費"],
        "委託料": totals["委託料"],
        "使用料及び賃借料": totals["使用料及賃借料"],
    }
    assert CostLine.objects.count() == 10_000

    code, out, err = cli(capsys, "import", "costs", path, "--json")
    again = json.loads(out)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 10_000)
    assert again["created_refs"] == {}
    assert len(items_of(organisation)) == 9


def test_with_no_create_cost_items_every_row_naming_one_is_rejected_with_the_name(
    capsys, tmp_path, db
):
    organisation = fresh_ledger(capsys, tmp_path)
    path = write(
        tmp_path,
        "経費.csv",
        "システムID,年度,予算決算,経費区分,費目,金額（円）\n"
        "S0001,平成26年度,予算,運用等経費,委託料,1000\n"
        "S0001,平成26年度,予算,運用等経費,運用保守委託料,2000\n"
        "S0002,平成26年度,予算,運用等経費,運用保守委託料,3000\n"
        "S0003,平成26年度,予算,運用等経費,ソフトウェア保守料,4000\n",
    )
    code, out, _err = cli(capsys, "import", "costs", path, "--no-create", "cost-items", "--json")
    assert code == 1
    result = json.loads(out)
    assert [(p["row"], p["column"], p["value"]) for p in result["problems"]] == [
        (3, "item", "運用保守委託料"),
        (4, "item", "運用保守委託料"),
        (5, "item", "ソフトウェア保守料"),
    ]
    assert all("運用保守委託料" in p["message"] for p in result["problems"][:2])
    assert result["created_refs"] == {}
    assert len(items_of(organisation)) == 7 and not CostLine.objects.exists()


def test_an_owner_cannot_add_cost_items_through_a_cost_file(world, tmp_path):
    path = write(
        tmp_path,
        "経費.csv",
        "システムID,年度,予算決算,経費区分,費目,金額（円）\n"
        + "".join(f"S0001,{fy},予算,運用等経費,運用保守委託料,1000\n" for fy in range(2000, 2010)),
    )
    result = engine.run(kind="costs", source=path, organisation=world.org, user=world.owner_a)
    assert not result.ok and result.batch.rejected == 10
    assert {p.column for p in result.problems} == {"item"}
    assert "IT policy division" in result.problems[0].message or "情報政策" in str(
        result.problems[0].message
    )
    assert not CostItem.objects.filter(name="運用保守委託料").exists()


def test_a_new_item_is_offered_on_the_cost_sheet_after_the_import(client, world, tmp_path):
    path = write(
        tmp_path,
        "経費.csv",
        "システムID,年度,予算決算,経費区分,費目,金額（円）\nS0001,2014,予算,運用等経費,回線使用料,5000\n",
    )
    result = engine.run(kind="costs", source=path, organisation=world.org, user=world.policy)
    assert result.ok, result.problems
    item = CostItem.objects.get(organisation=world.org, name="回線使用料")
    assert item.budget_section == "役務費"  # the longest ending: 回線使用料, not 使用料
    client.force_login(world.policy)
    page = client.get(reverse("registry:cost_sheet"), {"fy": 2014})
    assert page.status_code == 200
    assert [i.name for i in page.context["items"]] == ["委託料", "回線使用料"]
    assert "5,000" in page.content.decode()


# --- the cost-items kind --------------------------------------------------------------------------

ITEMS_FILE = """費目コード,費目名,節,表示順
itaku,委託料,委託料,120
,運用保守委託料,,
,通信運搬費,役務費,115
"""


def test_the_cost_items_kind_upserts_by_code_else_name_and_twice_changes_nothing(world, tmp_path):
    path = write(tmp_path, "費目.csv", ITEMS_FILE)
    result = engine.run(kind="cost-items", source=path, organisation=world.org)
    assert result.ok, result.problems
    assert (result.batch.created, result.batch.updated) == (2, 1)  # itaku gets its 節 and order
    assert items_of(world.org) == [
        ("H02", "通信運搬費", "役務費", 115),
        ("itaku", "委託料", "委託料", 120),
        ("H01", "運用保守委託料", "委託料", 121),  # right after its 節
    ]
    again = engine.run(kind="cost-items", source=path, organisation=world.org)
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 3)

    renamed = write(tmp_path, "費目2.csv", "費目名,表示順\n委 託 料,10\n")
    result = engine.run(kind="cost-items", source=renamed, organisation=world.org)
    assert result.ok and result.batch.updated == 1  # found by its name, spaces aside
    assert CostItem.objects.get(code="itaku").sort_order == 10


def test_the_cost_items_export_imports_back_unchanged(world, tmp_path):
    from daicho.core import exports

    CostItem.objects.create(organisation=world.org, code="H01", name="通信運搬費", sort_order=5)
    data = exports.write(
        exports.kinds()["cost-items"], CostItem.objects.filter(organisation=world.org), "csv"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    assert data.decode("utf-8-sig").splitlines()[1:] == ["itaku,委託料,,0", "H01,通信運搬費,,5"]
    result = engine.run(kind="cost-items", source=str(path), organisation=world.org)
    assert (result.batch.created, result.batch.updated, result.batch.unchanged) == (0, 0, 2)


def test_a_cost_items_file_naming_an_item_twice_differently_is_refused(world, tmp_path):
    path = write(tmp_path, "費目.csv", "費目コード,費目名\nunyo,委託料\n")
    result = engine.run(kind="cost-items", source=path, organisation=world.org)
    assert not result.ok
    assert result.problems[0].column == "name" and "itaku" in result.problems[0].message


@pytest.mark.parametrize(
    ("role", "ok"),
    [("policy", True), ("owner_a", False), ("viewer", False), ("outsider", False)],
)
def test_only_the_it_policy_division_imports_cost_items(world, tmp_path, role, ok):
    path = write(tmp_path, "費目.csv", "費目コード,費目名\nH01,通信運搬費\n")
    result = engine.run(
        kind="cost-items", source=path, organisation=world.org, user=world.user(role)
    )
    assert result.ok is ok
    assert CostItem.objects.filter(organisation=world.org, code="H01").exists() is ok


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "owner_a", "auditor", "policy"])
def test_every_member_reads_the_list_with_the_lines_each_item_carries(client, world, role):
    client.force_login(world.user(role))
    page = client.get(reverse("registry:cost_item_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "委託料" in html
    assert [(i.code, i.line_count) for i in page.context["items"]] == [("itaku", 2)]
    can_edit = role == "policy"
    assert (reverse("registry:cost_item_edit", args=[world.item.pk]) in html) is can_edit
    assert (reverse("registry:cost_item_create") in html) is can_edit


def test_policy_adds_renames_and_deletes_an_item_each_audited(client, world):
    client.force_login(world.policy)
    response = client.post(
        reverse("registry:cost_item_create"),
        {"code": "tsushin", "name": "通信運搬費", "budget_section": "役務費", "sort_order": "110"},
    )
    assert response.status_code == 302
    item = CostItem.objects.get(organisation=world.org, code="tsushin")
    assert (item.name, item.budget_section, item.sort_order) == ("通信運搬費", "役務費", 110)
    response = client.post(
        reverse("registry:cost_item_edit", args=[item.pk]),
        {"code": "tsushin", "name": "通信運搬料", "budget_section": "役務費", "sort_order": "110"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "通信運搬料"
    assert client.post(reverse("registry:cost_item_delete", args=[item.pk])).status_code == 302
    assert not CostItem.objects.filter(pk=item.pk).exists()
    events = AuditEvent.objects.filter(content_type__model="costitem", object_id=str(item.pk))
    assert sorted(events.values_list("action", "channel")) == [
        ("create", "web"),
        ("delete", "web"),
        ("update", "web"),
    ]


def test_an_item_cost_lines_use_is_not_deleted_and_the_page_says_why(client, world):
    client.force_login(world.policy)
    response = client.post(reverse("registry:cost_item_delete", args=[world.item.pk]), follow=True)
    assert CostItem.objects.filter(pk=world.item.pk).exists()
    message = [str(m) for m in response.context["messages"]]
    assert len(message) == 1 and "委託料" in message[0] and "2" in message[0]


def test_a_name_another_item_has_is_refused_on_the_form(client, world):
    client.force_login(world.policy)
    response = client.post(
        reverse("registry:cost_item_create"),
        {"code": "itaku2", "name": "委 託 料", "budget_section": "", "sort_order": "0"},
    )
    assert response.status_code == 400
    assert "itaku" in " ".join(response.context["form"].errors["name"])


# --- the API ------------------------------------------------------------------------------------


def _api(client, user, method, path, body=None, scope="write"):
    _t, key = token_create(user=user, scope=scope)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_the_api_lists_items_to_readers_and_lets_policy_keep_them(client, world):
    listed = _api(client, world.viewer, "get", "/cost-items", scope="read").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "itaku"

    body = {"code": "ekimu", "name": "役務費", "budget_section": "役務費", "sort_order": 110}
    assert _api(client, world.policy, "post", "/cost-items", body, scope="read").status_code == 403
    assert _api(client, world.owner_a, "post", "/cost-items", body).status_code == 403
    created = _api(client, world.policy, "post", "/cost-items", body)
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["code"], item["name"], item["sort_order"]) == ("ekimu", "役務費", 110)

    changed = _api(client, world.policy, "patch", f"/cost-items/{item['id']}", {"sort_order": 5})
    assert changed.status_code == 200 and changed.json()["sort_order"] == 5
    null = _api(client, world.policy, "patch", f"/cost-items/{item['id']}", {"name": None})
    assert null.status_code == 400 and "name" in null.json()["errors"]

    used = _api(client, world.policy, "delete", f"/cost-items/{world.item.pk}")
    assert used.status_code == 400 and "委託料" in json.dumps(used.json(), ensure_ascii=False)
    assert _api(client, world.policy, "delete", f"/cost-items/{item['id']}").status_code == 204
    events = AuditEvent.objects.filter(content_type__model="costitem", object_id=str(item["id"]))
    assert sorted(events.values_list("action", "channel")) == [
        ("create", "api"),
        ("delete", "api"),
        ("update", "api"),
    ]


def test_the_api_filters_costs_by_item_code_across_the_organisations_a_user_reads(client, world):
    from tests.factories import CostItemFactory

    other_item = CostItemFactory(organisation=world.other_org)  # its own itaku
    CostLineFactory(system=world.system_other, item=other_item, amount=7)
    both = member(UserFactory(username="both"), "viewer", None, world.org)
    member(both, "viewer", None, world.other_org)
    response = _api(client, both, "get", "/costs?item=itaku", scope="read")
    assert response.status_code == 200, response.content
    assert sorted(line["amount"] for line in response.json()["items"]) == [
        7,
        10_500_000,
        12_000_000,
    ]
    # A cost recorded through the API takes the 費目 of its system's organisation.
    policy_both = member(UserFactory(username="policy_both"), "it_policy", None, world.other_org)
    member(policy_both, "it_policy", None, world.org)
    body = {
        "system": "S0002",
        "fiscal_year": 2015,
        "basis": "budget",
        "category": "operation",
        "item": "itaku",
        "amount": 1,
    }
    created = _api(client, policy_both, "post", "/costs", body)
    assert created.status_code == 201, created.content
    line = CostLine.objects.get(pk=created.json()["id"])
    assert line.item == world.item and line.system == world.system_b


def test_the_openapi_document_lists_the_cost_items(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/cost-items"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/cost-items/{item_id}"])


def test_the_demo_is_costed_over_the_seeded_items():
    """The demo's 費目 are among those `daicho init` seeds (it loads them first)."""
    from daicho.registry import demo_data
    from daicho.registry.cost_items import standard_items

    seeded = {(i.code, i.name) for i in standard_items()}
    assert set(demo_data.COST_ITEMS) <= seeded
