"""The registry pages as a user sees them: lists, filters, detail, forms, bulk edit, cost sheet."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent, SavedView
from daicho.registry.models import CostLine, InformationSystem
from tests.factories import CostLineFactory, SystemFactory


@pytest.fixture
def policy_client(client, world):
    client.force_login(world.policy)
    return client


def names_in(response) -> list[str]:
    return [record["name"] for _pk, record, _cells in response.context["table"].rows]


def test_list_filters_by_department_status_and_free_text(policy_client, world):
    SystemFactory(
        owner_unit=world.section_b,
        code="S0003",
        name="河川情報システム",
        status="retired",
        retired_on="2013-03-31",
    )
    url = reverse("registry:system_list")
    assert set(names_in(policy_client.get(url))) == {
        "税務システム",
        "公共施設予約システム",
        "河川情報システム",
    }
    assert names_in(policy_client.get(url, {"department": "D02"})) == [
        "公共施設予約システム",
        "河川情報システム",
    ]
    assert names_in(policy_client.get(url, {"status": "retired"})) == ["河川情報システム"]
    assert names_in(policy_client.get(url, {"q": "税務"})) == ["税務システム"]
    assert names_in(policy_client.get(url, {"hosting": ["cloud", "virtualized"]})) == [
        "公共施設予約システム"
    ]


def test_list_sorts_and_chooses_columns(policy_client, world):
    url = reverse("registry:system_list")
    assert names_in(policy_client.get(url, {"sort": "name"})) == [
        "公共施設予約システム",
        "税務システム",
    ]
    assert names_in(policy_client.get(url, {"sort": "-code"})) == [
        "公共施設予約システム",
        "税務システム",
    ]
    html = policy_client.get(url, {"cols": ["hosting"]}).content.decode()
    assert "On premises" in html or "オンプレミス" in html
    table = policy_client.get(url, {"cols": ["hosting"]}).context["table"]
    assert [c.name for c in table.visible] == ["code", "name", "hosting"]


def test_list_exports_the_filtered_rows_as_csv(policy_client, world):
    response = policy_client.get(
        reverse("registry:system_list"), {"department": "D01", "export": "csv"}
    )
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    page = policy_client.get(reverse("registry:system_list"), {"department": "D01", "page": 2})
    for fmt in ("csv", "xlsx", "json"):  # the page's export links keep the filter, not the page
        assert f'href="?department=D01&amp;export={fmt}">' in page.content.decode()
    assert "税務システム" in body and "公共施設予約システム" not in body


def test_the_lists_export_reads_departments_and_vendors_with_the_systems(policy_client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SystemFactory, VendorFactory

    url = reverse("registry:system_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            body = policy_client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
        assert "総務部" in body  # the department column
        return len(ctx.captured_queries)

    queries()  # warm up: the per-process caches
    few = queries()
    for n in range(6):
        vendor = VendorFactory(organisation=world.org)
        SystemFactory(owner_unit=world.section_a, vendor=vendor, code=f"S9{n:03d}")
    assert queries() == few


def test_every_column_can_be_chosen_and_shows_its_values(policy_client, world):
    from daicho.registry.tables import SYSTEM_COLUMNS

    url = reverse("registry:system_list")
    for column in SYSTEM_COLUMNS:
        response = policy_client.get(url, {"code": "S0001", "cols": [column.name]})
        assert response.status_code == 200, column.name
        assert column.name in [c.name for c in response.context["table"].visible]
    html = policy_client.get(url, {"code": "S0001", "cols": ["owner_unit", "department"]})
    assert "情報政策課" in html.content.decode() and "総務部" in html.content.decode()


def test_a_saved_view_can_be_shared_and_returned_to(client, world):
    client.force_login(world.policy)
    client.post(
        reverse("saved_view_save", args=["systems"]),
        {
            "name": "クラウドのシステム",
            "query": "hosting=cloud",
            "shared": "on",
            "next": "/systems/",
        },
    )
    view = SavedView.objects.get()
    assert view.shared and view.query == "hosting=cloud"
    client.force_login(world.viewer)
    response = client.get(reverse("registry:system_list"))
    assert "クラウドのシステム" in response.content.decode()


def test_saved_views_follow_every_change(client, world):
    """The list reads the saved views in one query: a save, a share, an unshare or a delete
    shows on the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from daicho.core import services

    url = reverse("registry:system_list")

    def badges(user) -> tuple[list[str], int]:
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        names = [
            n for n in ("自分のビュー", "共有ビュー") if f"{n}</a>" in html or f"{n} ⇄</a>" in html
        ]
        return names, sum('FROM "core_savedview"' in q["sql"] for q in ctx.captured_queries)

    def save(owner, name: str, shared: bool) -> None:
        with audit_context(actor=owner, channel=Channel.WEB):
            services.saved_view_save(
                owner=owner,
                organisation=world.org,
                list_name="systems",
                name=name,
                query="status=operating",
                shared=shared,
            )

    assert badges(world.viewer)[0] == []
    save(world.viewer, "自分のビュー", shared=False)
    assert badges(world.viewer) == (["自分のビュー"], 1)
    assert badges(world.viewer) == (["自分のビュー"], 1)
    assert badges(world.policy)[0] == []  # not shared
    save(world.policy, "共有ビュー", shared=True)
    assert badges(world.viewer) == (["自分のビュー", "共有ビュー"], 1)  # the organisation's
    assert badges(world.outsider)[0] == []  # another organisation's member
    save(world.policy, "共有ビュー", shared=False)  # unshared
    assert badges(world.viewer)[0] == ["自分のビュー"]
    client.force_login(world.viewer)
    own = SavedView.objects.get(name="自分のビュー")
    client.post(reverse("saved_view_delete", args=[own.pk]), {"next": url})
    assert badges(world.viewer)[0] == []


def test_detail_shows_costs_per_fiscal_year_in_thousand_yen_in_japanese(policy_client, world):
    with translation.override("ja"):
        response = policy_client.get(
            reverse("registry:system_detail", args=[world.system_a.pk]), HTTP_ACCEPT_LANGUAGE="ja"
        )
    html = response.content.decode()
    assert "2014年度（平成26年度）" in html
    assert "10,500" in html  # 10,500,000 yen in 千円
    assert "△1,500" in html  # year on year change of the operation budget


def test_create_form_reports_a_clear_message_per_field(policy_client, world):
    response = policy_client.post(
        reverse("registry:system_create"),
        {
            "code": "S0001",
            "name": "",
            "owner_unit": world.section_a.pk,
            "status": "retired",
            "hosting": "on_premises",
            "users": "staff",
            "in_service_on": "平成26年13月1日",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "name" in form.errors
    assert "in_service_on" in form.errors
    assert InformationSystem.objects.filter(organisation=world.org).count() == 2


def test_create_accepts_wareki_dates_and_shows_the_new_system(policy_client, world):
    response = policy_client.post(
        reverse("registry:system_create"),
        {
            "code": "S0050",
            "name": "電子申請サービス",
            "owner_unit": world.section_a.pk,
            "status": "operating",
            "hosting": "cloud",
            "users": "both",
            "in_service_on": "H26.4.1",
        },
    )
    assert response.status_code == 302
    system = InformationSystem.objects.get(code="S0050")
    assert str(system.in_service_on) == "2014-04-01"
    assert AuditEvent.objects.filter(object_id=str(system.pk), action="create").exists()


def test_a_duplicate_system_id_is_refused_on_the_field(policy_client, world):
    response = policy_client.post(
        reverse("registry:system_create"),
        {
            "code": "S0002",
            "name": "x",
            "owner_unit": world.section_a.pk,
            "status": "operating",
            "hosting": "cloud",
            "users": "staff",
        },
    )
    assert response.status_code == 400
    assert "S0002" in " ".join(response.context["form"].errors["code"])


def test_bulk_edit_sets_a_field_on_every_selected_system_with_one_event_each(policy_client, world):
    pks = [world.system_a.pk, world.system_b.pk]
    confirm = policy_client.post(reverse("registry:system_bulk_edit"), {"pk": pks})
    assert confirm.status_code == 200 and len(confirm.context["systems"]) == 2
    response = policy_client.post(
        reverse("registry:system_bulk_edit"),
        {"pk": pks, "_apply": "1", "hosting": "virtualized", "sso_integrated": "unknown"},
    )
    assert response.status_code == 302
    assert set(InformationSystem.objects.filter(pk__in=pks).values_list("hosting", flat=True)) == {
        "virtualized"
    }
    assert AuditEvent.objects.filter(action="update").count() == 2


def test_bulk_edit_of_a_system_the_user_may_not_edit_is_refused(client, world):
    client.force_login(world.owner_a)
    response = client.post(
        reverse("registry:system_bulk_edit"),
        {"pk": [world.system_a.pk, world.system_b.pk], "_apply": "1", "hosting": "cloud"},
    )
    assert response.status_code == 403
    assert InformationSystem.objects.get(pk=world.system_a.pk).hosting == "on_premises"


def test_bulk_delete_asks_then_deletes_systems_and_their_costs(policy_client, world):
    pks = [world.system_a.pk]
    page = policy_client.post(reverse("registry:system_bulk_delete"), {"pk": pks})
    assert "税務システム" in page.content.decode()
    assert InformationSystem.objects.filter(pk=world.system_a.pk).exists()
    policy_client.post(reverse("registry:system_bulk_delete"), {"pk": pks, "_confirm": "1"})
    assert not InformationSystem.objects.filter(pk=world.system_a.pk).exists()
    assert not CostLine.objects.filter(system_id=world.system_a.pk).exists()
    assert AuditEvent.objects.filter(action="delete").count() == 3  # system + 2 cost lines


def _sheet_cells(page):
    """{system code: {item name: amount}} and {system code: total} as the sheet shows them."""
    items = [item.name for item in page.context["items"]]
    rows = page.context["rows"]
    cells = {r["system"].code: dict(zip(items, r["cells"], strict=True)) for r in rows}
    return cells, {r["system"].code: r["total"] for r in rows}


def test_cost_sheet_shows_every_item_with_totals_and_last_year(policy_client, world):
    from tests.factories import CostItemFactory

    hosting = CostItemFactory(organisation=world.org, code="h02", name="使用料", sort_order=200)
    CostLineFactory(system=world.system_a, fiscal_year=2014, amount=700_000, item=hosting)
    CostLineFactory(system=world.system_b, fiscal_year=2014, amount=300_000, item=hosting)
    page = policy_client.get(reverse("registry:cost_sheet"), {"fy": "平成26年度"})
    assert page.status_code == 200
    cells, totals = _sheet_cells(page)
    assert cells["S0001"] == {"委託料": 10_500_000, "使用料": 700_000}
    assert cells["S0002"] == {"委託料": None, "使用料": 300_000}
    assert totals == {"S0001": 11_200_000, "S0002": 300_000}
    assert page.context["totals"] == {
        "per_item": [10_500_000, 1_000_000],
        "total": 11_500_000,
        "previous_total": 12_000_000,
    }
    html = page.content.decode()
    assert "11,500,000" in html and "11,200,000" in html


def test_cost_sheet_saves_two_items_of_a_system_in_one_submit(policy_client, world):
    from tests.factories import CostItemFactory

    hosting = CostItemFactory(organisation=world.org, code="h02", name="使用料", sort_order=200)
    a, b, itaku = world.system_a.pk, world.system_b.pk, world.item.pk
    url = reverse("registry:cost_sheet")
    params = {"fy": "2014", "basis": "budget", "category": "operation"}
    response = policy_client.post(
        url,
        {
            **params,
            f"amt-{a}-{itaku}": "10,500,000",  # untouched
            f"orig-{a}-{itaku}": "10,500,000",
            f"amt-{b}-{itaku}": "２,０００千円",
            f"orig-{b}-{itaku}": "",
            f"amt-{b}-{hosting.pk}": "450000",
            f"orig-{b}-{hosting.pk}": "",
            f"amt-{a}-{hosting.pk}": "",
            f"orig-{a}-{hosting.pk}": "",
        },
    )
    assert response.status_code == 302
    saved = dict(
        CostLine.objects.filter(system_id=b, fiscal_year=2014, category="operation").values_list(
            "item__name", "amount"
        )
    )
    assert saved == {"委託料": 2_000_000, "使用料": 450_000}
    assert AuditEvent.objects.filter(content_type__model="costline").count() == 2
    cells, totals = _sheet_cells(policy_client.get(url, params))
    assert totals["S0002"] == 2_450_000


@pytest.mark.parametrize(("typed", "problem"), [("abc", "abc"), ("-5000", "負"), ("△5,000", "負")])
def test_cost_sheet_with_a_bad_cell_saves_nothing_and_names_it(
    policy_client, world, typed, problem
):
    a, b, itaku = world.system_a.pk, world.system_b.pk, world.item.pk
    response = policy_client.post(
        reverse("registry:cost_sheet"),
        {
            "fy": "2014",
            "basis": "budget",
            "category": "operation",
            f"amt-{a}-{itaku}": "11,000,000",
            f"orig-{a}-{itaku}": "10,500,000",
            f"amt-{b}-{itaku}": typed,
            f"orig-{b}-{itaku}": "",
        },
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    row = {r["system"].pk: r for r in response.context["rows"]}[b]
    error = row["inputs"][0]["error"]
    assert error.startswith("S0002 委託料") and problem in error
    html = response.content.decode()
    assert "S0002 委託料" in html
    assert CostLine.objects.get(system_id=a, fiscal_year=2014).amount == 10_500_000
    assert not CostLine.objects.filter(system_id=b).exists()


def test_cost_sheet_shows_another_units_row_read_only_and_refuses_it(client, world):
    a, b, itaku = world.system_a.pk, world.system_b.pk, world.item.pk
    client.force_login(world.owner_a)
    url = reverse("registry:cost_sheet")
    page = client.get(url, {"fy": "2014"})
    html = page.content.decode()
    rows = {r["system"].code: r for r in page.context["rows"]}
    assert rows["S0001"]["editable"] and not rows["S0002"]["editable"]
    assert f'name="amt-{a}-{itaku}"' in html
    assert f'name="amt-{b}-{itaku}"' not in html  # shown, not an input
    response = client.post(
        url,
        {
            "fy": "2014",
            "basis": "budget",
            "category": "operation",
            f"amt-{a}-{itaku}": "9,000,000",
            f"orig-{a}-{itaku}": "10,500,000",
            f"amt-{b}-{itaku}": "1",  # forged
            f"orig-{b}-{itaku}": "",
        },
    )
    assert response.status_code == 400
    assert CostLine.objects.get(system_id=a, fiscal_year=2014).amount == 10_500_000
    assert not CostLine.objects.filter(system_id=b).exists()


def test_cost_sheet_reads_in_a_fixed_number_of_queries(
    policy_client, world, django_assert_max_num_queries
):
    from tests.factories import CostItemFactory, SystemFactory

    for n in range(5):
        CostItemFactory(organisation=world.org, code=f"x{n}", name=f"費目{n}", sort_order=300 + n)
    for n in range(20):
        system = SystemFactory(owner_unit=world.system_a.owner_unit, code=f"S9{n:03}")
        CostLineFactory(system=system, fiscal_year=2014, amount=1000 + n, item=world.item)
    with django_assert_max_num_queries(14):
        page = policy_client.get(reverse("registry:cost_sheet"), {"fy": "2014"})
    assert len(page.context["rows"]) == 22 and len(page.context["items"]) == 6


def test_the_home_page_shows_the_reduction_against_the_base_year(policy_client, world):
    CostLineFactory(system=world.system_a, fiscal_year=2008, amount=15_000_000, item=world.item)
    response = policy_client.get(reverse("home"))
    html = response.content.decode()
    assert "30.0%" in html  # (15.0M - 10.5M) / 15.0M
    assert "総務部" in html


def test_the_home_page_leaves_out_years_only_a_few_systems_have_budgets_for(policy_client, world):
    """Approved contracts plan budget lines for the later years of their term: those years hold
    a system or two, not the organisation's budget, and would read as a 99 % cut."""
    from tests.factories import SystemFactory

    CostLineFactory(system=world.system_a, fiscal_year=2008, amount=15_000_000, item=world.item)
    for n in range(3):
        system = SystemFactory(owner_unit=world.section_a, code=f"S05{n}")
        for fy in (2008, 2013, 2014):
            CostLineFactory(system=system, fiscal_year=fy, amount=1_000_000, item=world.item)
    for fy in (2015, 2016, 2017):  # one contract's planned years
        CostLineFactory(system=world.system_a, fiscal_year=fy, amount=300_000, item=world.item)
    response = policy_client.get(reverse("home"))
    costs = next(c for p, c in response.context["panels"] if p.name == "registry.costs")
    years = [y.fiscal_year for y in costs["years"]]
    assert years == [2008, 2013, 2014]
    html = response.content.decode()
    assert "2015年度（平成27年度）–2017年度（平成29年度）" in html and "表示していません" in html
    assert "98.3%" not in html  # (18.0M - 0.3M) / 18.0M, the misleading cut


def test_a_contract_carries_its_green_procurement_flag_through_import_and_export(
    world, tmp_path, capsys
):
    from daicho.core.importing import engine
    from daicho.registry.models import Contract, Vendor

    Vendor.objects.create(organisation=world.org, code="V001", name="岡山システム")
    path = tmp_path / "contracts.csv"
    path.write_text(
        "契約ID,件名,事業者,担当課,契約種別,契約開始日,契約終了日,年額（円）,グリーン購入\n"
        "C1,機器賃貸借,V001,D01-S01,リース,2014-04-01,2019-03-31,1000000,適合\n",
        encoding="utf-8",
    )
    result = engine.run(kind="contracts", source=str(path), organisation=world.org)
    assert result.ok, result.problems
    assert Contract.objects.get(code="C1").green == "yes"
    bad = tmp_path / "bad.csv"
    bad.write_text(path.read_text(encoding="utf-8").replace(",適合", ",たぶん"), encoding="utf-8")
    result = engine.run(kind="contracts", source=str(bad), organisation=world.org)
    assert not result.ok and result.problems[0].column == "green"


def test_list_pages_through_the_rows_and_counts_them(policy_client, world):
    for n in range(3, 29):
        SystemFactory(owner_unit=world.section_a, code=f"S{n:04d}", name=f"業務システム{n}")
    url = reverse("registry:system_list")

    def page(number) -> tuple[int, list[str], str]:
        response = policy_client.get(url, {"per_page": 25, "sort": "code", "page": number})
        table = response.context["table"]
        return table.page.number, names_in(response), response.content.decode()

    number, names, html = page(1)
    assert number == 1 and len(names) == 25 and names[0] == "税務システム"
    assert "28件" in html
    assert '<li class="page-item active"><span class="page-link">1</span></li>' in html
    assert 'href="?per_page=25&amp;sort=code&amp;page=2">次へ ›</a>' in html
    assert 'href="?per_page=25&amp;sort=-code">システムID ▲</a>' in html  # sorted by it: reverse
    assert 'href="?per_page=25&amp;sort=name">名称</a>' in html
    number, last, html = page(2)
    assert number == 2 and last == [f"業務システム{n}" for n in (26, 27, 28)]
    assert "28件" in html and 'page=1">‹ 前へ</a>' in html and "次へ" not in html
    html = policy_client.get(url, {"q": "どこにもない名前"}).content.decode()
    assert "該当するデータはありません。" in html
    assert "page-link" not in html
    for past_the_end in (3, 10**30):
        assert page(past_the_end)[:2] == (2, last)  # the last page
    for not_a_page in ("abc", "0", "-3", "2.5"):
        assert page(not_a_page)[:2] == (1, names)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        policy_client.get(url, {"per_page": 25, "sort": "code"})
    systems = [q["sql"] for q in queries if 'FROM "registry_informationsystem"' in q["sql"]]
    if connection.vendor == "postgresql":  # the page carries its total: one round trip
        assert len(systems) == 1 and "OVER ()" in systems[0]
    else:  # SQLite: a count and the page, cheaper than a window over every matching row
        assert len(systems) == 2
        assert sorted("COUNT(*)" in sql for sql in systems) == [False, True]
        assert sorted("LIMIT 25" in sql for sql in systems) == [False, True]
        assert not any("OVER ()" in sql for sql in systems)


def test_list_rows_link_to_their_system_and_name_it_for_the_selection_box(policy_client, world):
    html = policy_client.get(reverse("registry:system_list"), {"department": "D01"}).content
    detail = reverse("registry:system_detail", args=[world.system_a.pk])
    assert f'<a href="{detail}">S0001</a>'.encode() in html
    assert f'value="{world.system_a.pk}" aria-label="S0001 税務システム"'.encode() in html


def test_list_shows_the_update_time_in_local_time(policy_client, world):
    import datetime

    from daicho.registry.models import InformationSystem

    utc = datetime.datetime(2026, 4, 1, 0, 30, tzinfo=datetime.UTC)
    InformationSystem.objects.filter(pk=world.system_a.pk).update(updated_at=utc)
    html = policy_client.get(
        reverse("registry:system_list"), {"code": "S0001", "cols": ["updated_at"]}
    ).content.decode()
    assert "2026-04-01 09:30" in html  # Japan Standard Time, not UTC's 00:30
