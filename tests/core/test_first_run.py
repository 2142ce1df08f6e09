"""The first run of a new ledger: the order to load files in, each step's state, and an Excel
template per import kind that a person fills in and that imports back as it is."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from daicho.core.importing import engine, first_run, template, values
from daicho.core.models import Organisation, User

PASSWORD = "pw-for-first-run-1"


@pytest.fixture
def fresh(db):
    """An organisation as `daicho init` makes it (no demo), and its administrator."""
    call_command(
        "init", "--org-name", "倉敷市", "--org-code", "332020", "--admin", "admin",
        "--password", PASSWORD, stdout=io.StringIO(),
    )  # fmt: skip
    return Organisation.objects.get(code="332020"), User.objects.get(username="admin")


def _import(kind: str, path, *options: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(SystemExit):  # a rejected file: the JSON says why
        call_command("import", kind, str(path), "--json", *options, stdout=out, stderr=err)
    return json.loads(out.getvalue())


ROW = re.compile(
    r'<tr id="step-(?P<kind>[\w-]+)" data-state="(?P<state>\w+)".*?'
    r'<td class="num records">(?P<records>\d+)</td>',
    re.S,
)


def _page(client) -> str:
    return client.get(reverse("import_first_run")).content.decode()


def _states(client) -> list[tuple[str, str, str]]:
    """(kind, state, records) of each row of the first-run table, as the page shows them."""
    page = client.get(reverse("import_first_run"))
    assert page.status_code == 200
    return [m.group("kind", "state", "records") for m in ROW.finditer(page.content.decode())]


def test_a_new_ledger_lists_the_steps_in_order_and_the_home_page_leads_there(client, fresh):
    _org, admin = fresh
    client.force_login(admin)
    home = client.get(reverse("home")).content.decode()
    assert 'id="first-run-start"' in home and reverse("import_first_run") in home
    states = _states(client)
    kinds = [kind for kind, _state, _records in states]
    first = ["units", "systems", "cost-items", "costs", "vendors", "contracts", "devices"]
    first += ["installations", "licences"]
    first = [k for k in first if k in engine.kinds()]  # 費目 once it is an import kind
    assert kinds[: len(first)] == first  # then the other areas' kinds
    assert sorted(kinds) == sorted(engine.kinds())  # every kind, each once
    by_kind = {kind: (state, records) for kind, state, records in states}
    assert by_kind["units"][0] == "next"  # the unit `init` makes is not the organisation chart
    assert by_kind["systems"] == ("todo", "0")
    assert all(state in ("todo", "optional") for _k, state, _r in states[1:])
    page = client.get(reverse("import_first_run")).content.decode()
    assert f"{reverse('import_upload')}?kind=units" in page
    assert reverse("import_template", args=["systems"]) in page
    assert "組織一覧" in page  # the file people have for it, in Japanese


def test_after_units_and_systems_the_first_two_steps_are_done_with_their_counts(
    client, fresh, tmp_path
):
    _org, admin = fresh
    units = tmp_path / "組織一覧.csv"
    units.write_bytes(
        "組織コード,組織名,種別,上位組織\r\n"
        "100000,総務部,部局,\r\n"
        "100100,情報政策課,課室・所属,100000\r\n"
        "200000,市民生活部,部局,\r\n"
        "200100,市民課,課室・所属,200000\r\n".encode("cp932")
    )
    systems = tmp_path / "情報システム一覧.csv"
    systems.write_bytes(
        "システムID,システム名,所管部局,所管課,稼働環境\r\n"
        "S0001,住民記録システム,市民生活部,市民課,オンプレミス\r\n"
        "S0002,文書管理システム,総務部,情報政策課,クラウド\r\n"
        "S0003,財務会計システム,総務部,情報政策課,仮想化基盤\r\n".encode("cp932")
    )
    assert _import("units", units)["status"] == "applied"
    assert _import("systems", systems)["status"] == "applied"
    client.force_login(admin)
    states = _states(client)
    assert states[0] == ("units", "done", "4")  # the four loaded (`init` makes no unit)
    assert states[1] == ("systems", "done", "3")
    assert next(kind for kind, state, _r in states if state == "next") == "costs"
    page = client.get(reverse("import_first_run")).content.decode()
    assert "組織一覧.csv" in page and "情報システム一覧.csv" in page  # the last import of each
    checked = tmp_path / "組織一覧（令和7年度）.csv"
    checked.write_bytes(units.read_bytes())
    assert _import("units", checked, "--dry-run")["status"] == "dry_run"
    row = re.search(r'<tr id="step-units".*?</tr>', _page(client), re.S).group()
    assert "組織一覧（令和7年度）.csv" in row and "組織一覧.csv" not in row  # the last one
    assert 'data-state="done"' in row  # an import of units was applied before
    assert 'id="first-run-start"' not in client.get(reverse("home")).content.decode()


def test_the_page_reads_one_count_per_kind_whatever_the_ledger_holds(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.policy)
    _page(client)
    with CaptureQueriesContext(connection) as queries:
        _page(client)
    assert len(queries) <= len(engine.kinds()) + 8  # a count each, the imports, the session


def test_members_who_cannot_import_read_the_page_without_upload_links(client, world):
    client.force_login(world.viewer)
    page = client.get(reverse("import_first_run")).content.decode()
    assert reverse("import_template", args=["units"]) in page
    assert reverse("import_upload") not in page
    client.force_login(world.owner_a)
    assert (
        f"{reverse('import_upload')}?kind=systems"
        in client.get(reverse("import_first_run")).content.decode()
    )


def test_a_user_of_no_organisation_sees_no_steps(client, db):
    from django.utils.functional import SimpleLazyObject

    from tests.factories import UserFactory

    user = UserFactory(username="newcomer")
    client.force_login(user)
    assert _states(client) == []
    assert not first_run.ledger_is_new(user=user, organisation=SimpleLazyObject(lambda: None))


def test_a_kind_not_in_the_order_is_listed_after_it(monkeypatch):
    monkeypatch.setattr(first_run, "STEPS", [first_run.Step("systems", "…")])
    names = [step.kind for step in first_run.ordered_steps()]
    assert names[0] == "systems"
    assert names[1:] == sorted(k for k in engine.kinds() if k != "systems")


# --- templates ----------------------------------------------------------------------------------


def _template(client, kind: str, tmp_path):
    response = client.get(reverse("import_template", args=[kind]))
    assert response.status_code == 200, kind
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / f"template-{kind}.xlsx"
    path.write_bytes(response.content)
    return path


def _validations(sheet) -> dict[str, str]:
    """{header: list formula} of the data validations of the first sheet's columns."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            found[headers[letter]] = validation.formula1
    return found


def test_each_template_has_the_labels_as_headers_an_example_and_drop_downs(client, fresh, tmp_path):
    _org, admin = fresh
    client.force_login(admin)
    for name, kind in engine.kinds().items():
        workbook = load_workbook(_template(client, name, tmp_path))
        sheet = workbook.worksheets[0]
        columns = [f for f in kind.fields if f.get]
        assert [c.value for c in sheet[1]] == [f.label for f in columns], name
        assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2", name
        assert sheet.max_row == 2, name  # the header and one example row
        for field, cell in zip(columns, sheet[1], strict=True):
            assert ("必須" in cell.comment.text) is field.required, (name, field.name)
        notes = workbook["説明"]
        assert {row[1] for row in notes.iter_rows(min_row=5, values_only=True)} == {
            f.name for f in kind.fields
        }, name
        drop_downs = _validations(sheet)
        for field in columns:
            if getattr(field.parse, "choices", None) or field.parse.__name__ == "boolean":
                assert field.label in drop_downs, (name, field.name)


def test_a_short_choice_list_is_inline_and_a_long_one_on_a_hidden_sheet(client, fresh, tmp_path):
    _org, admin = fresh
    client.force_login(admin)
    workbook = load_workbook(_template(client, "systems", tmp_path))
    drop_downs = _validations(workbook.worksheets[0])
    hosting = '"オンプレミス,仮想化基盤,クラウド,ガバメントクラウド,共同利用"'
    assert drop_downs["稼働環境"] == hosting
    assert drop_downs["個人情報"] == '"あり,なし"'

    class Offices(engine.Kind):
        name, title = "offices", "出先機関"
        fields = [
            engine.Field("name", "名称", values.text(), required=True, get=str, example="東部"),
            engine.Field(
                "office",
                "事務所",
                values.choice([(f"o{n}", f"第{n}地域振興事務所") for n in range(1, 41)]),
                get=str,
                example="第3地域振興事務所",
            ),
        ]

    workbook = load_workbook(io.BytesIO(template.build(Offices())))
    formula = _validations(workbook.worksheets[0])["事務所"]
    sheet_name, cells = formula.split("!")
    hidden = workbook[sheet_name.strip("'")]
    assert hidden.sheet_state == "hidden"
    listed = [row[0].value for row in hidden[cells.replace("$", "")]]
    assert listed[0] == "第1地域振興事務所" and listed[-1] == "第40地域振興事務所"
    assert workbook.worksheets[0]["B2"].value == "第3地域振興事務所"


def test_every_template_imports_back_in_the_first_run_order_with_no_problem(
    client, fresh, tmp_path
):
    """Each kind's template, as downloaded, is checked (dry run) with zero problems and no
    unknown column, then loaded, so the kinds after it find what it names."""
    _org, admin = fresh
    client.force_login(admin)
    failures = []
    for step in first_run.ordered_steps():
        if step.kind == "costs" and "cost-items" not in engine.kinds():
            _cost_item_until_cost_items_are_ledger_data(fresh[0])
        path = _template(client, step.kind, tmp_path)
        checked = _import(step.kind, path, "--dry-run")
        if checked["problems"] or checked["unknown_columns"] or checked["status"] != "dry_run":
            failures.append(f"{step.kind}: {checked['problems'] or checked['unknown_columns']}")
            continue
        loaded = _import(step.kind, path)
        if loaded["status"] != "applied" or loaded["created"] + loaded["updated"] != 1:
            failures.append(f"{step.kind} (loading): {loaded}")
    assert not failures, "\n".join(failures)


def _cost_item_until_cost_items_are_ledger_data(organisation):
    """A fresh ledger has no 費目 before `init` seeds them (issue #15, point 2): the 節 the
    costs example names, as `init` will make it."""
    from daicho.core.audit import audit_context
    from daicho.registry.services import cost_item_create

    with audit_context(actor=None, channel="cli"):
        cost_item_create(organisation=organisation, code="13", name="委託料")


def test_the_cli_writes_the_same_template(fresh, tmp_path, capsys):
    path = tmp_path / "systems.xlsx"
    call_command("export", "systems", "--template", "-o", str(path))
    sheet = load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "システムID" and sheet["B2"].value
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="-o"):
        call_command("export", "systems", "--template")
    with pytest.raises(CommandError, match="nonesuch"):
        call_command("export", "nonesuch", "--template", "-o", str(path))


def test_an_unknown_kind_has_no_template(client, fresh):
    client.force_login(fresh[1])
    assert client.get(reverse("import_template", args=["nonesuch"])).status_code == 404
