"""The `daicho` command line: set-up, users, tokens, exports; clear errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
from unittest import mock

import pytest
from openpyxl import load_workbook

from daicho.cli import main
from daicho.core.models import AuditEvent, Membership, Organisation, User


def run(capsys, *args) -> tuple[int, str, str]:
    """Run `daicho ARGS` as the console script does, keeping the test's database connection
    (a command closes its connections when it ends, which would end the test's transaction)."""
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            main(["daicho", *args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.django_db
def test_init_creates_the_organisation_and_an_admin_and_prints_the_password(capsys, client):
    code, out, _err = run(
        capsys, "init", "--org-name", "倉敷市", "--org-code", "332020", "--admin", "admin"
    )
    assert code == 0
    assert Organisation.objects.get(code="332020").name == "倉敷市"
    password = out.strip().splitlines()[-1].split(": ", 1)[1]
    assert client.login(username="admin", password=password)
    assert Membership.objects.get(user__username="admin").role == "it_policy"
    assert AuditEvent.objects.filter(channel="cli").exists()


@pytest.mark.django_db
def test_init_twice_with_the_same_admin_fails_clearly(capsys):
    run(capsys, "init", "--org-name", "倉敷市", "--admin", "admin")
    code, _out, err = run(capsys, "init", "--org-name", "倉敷市", "--admin", "admin")
    assert code == 1
    assert "admin" in err and "Traceback" not in err


def test_user_add_with_a_unit_by_code_or_name(world, capsys):
    code, out, _ = run(
        capsys,
        "user",
        "add",
        "tanaka",
        "--role",
        "owner",
        "--unit",
        "情報政策課",
        "--org",
        "330001",
    )
    assert code == 0, out
    membership = Membership.objects.get(user__username="tanaka")
    assert membership.unit == world.section_a and membership.role == "owner"
    assert "Password" in out or "パスワード" in out
    event = AuditEvent.objects.filter(content_type__model="membership").get()
    assert event.channel == "cli"


def test_user_list_names_each_roles_organisation_and_unit(world, capsys):
    code, out, _ = run(capsys, "user", "list")
    assert code == 0
    lines = dict(line.split("\t") for line in out.splitlines())
    assert lines["owner_a"] == f"owner@330001/{world.owner_a.memberships.get().unit.code}"
    assert lines["outsider"].startswith("it_policy@332011/")


def test_user_add_with_an_unknown_unit_exits_non_zero(world, capsys):
    code, _out, err = run(
        capsys, "user", "add", "tanaka", "--role", "owner", "--unit", "NOPE", "--org", "330001"
    )
    assert code == 1 and "NOPE" in err
    assert not User.objects.filter(username="tanaka").exists()


def test_token_create_prints_the_token_last_and_it_opens_the_api(world, capsys, client):
    code, out, _ = run(capsys, "token", "create", "policy")
    assert code == 0
    token = out.strip().splitlines()[-1]
    response = client.get("/api/v1/systems?code=S0001", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["items"]] == ["税務システム"]


def test_export_systems_json_to_stdout_is_one_document(world, capsys):
    code, out, _ = run(capsys, "export", "systems", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["name"] for r in rows} == {
        "税務システム",
        "公共施設予約システム",
        "よその市のシステム",
    }
    assert rows[0]["code"] == "S0001"


def test_export_costs_csv_has_a_bom_for_excel(world, capsys, tmp_path):
    target = tmp_path / "costs.csv"
    code, _out, _ = run(capsys, "export", "costs", "--format", "csv", "--codes", "-o", str(target))
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {(r["system"], r["fiscal_year"], r["amount"]) for r in rows} == {
        ("S0001", "2013", "12000000"),
        ("S0001", "2014", "10500000"),
    }


def test_export_units_xlsx_opens_with_japanese_names(world, capsys, tmp_path):
    target = tmp_path / "units.xlsx"
    code, _out, _ = run(capsys, "export", "units", "-o", str(target))
    assert code == 0
    sheet = load_workbook(target).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "情報政策課" in names and "総務部" in names


def test_export_of_an_unknown_kind_lists_the_kinds(world, capsys):
    code, _out, err = run(capsys, "export", "widgets")
    assert code == 1
    assert "systems" in err and "Traceback" not in err


def test_export_as_a_user_is_limited_to_what_they_read(world, capsys):
    code, out, _ = run(capsys, "export", "systems", "--as", "outsider")
    assert code == 0
    assert [r["name"] for r in json.loads(out)] == ["よその市のシステム"]


def test_a_command_on_an_unreachable_database_says_so_without_a_traceback(capsys, monkeypatch):
    from django.db import OperationalError

    from daicho.core.management.commands import export

    def broken(*args, **kwargs):
        raise OperationalError("no such table: registry_informationsystem")

    monkeypatch.setattr(export.Command, "handle", broken)
    code, _out, err = run(capsys, "export", "systems")
    assert code == 1
    assert "daicho migrate" in err and "Traceback" not in err


def test_the_column_reference_lists_the_columns_the_code_reads():
    """docs/import-columns.md is generated from the kinds: regenerate it when this fails
    (`daicho columns --markdown`)."""
    from pathlib import Path

    from daicho.core.management.commands.columns import markdown

    page = Path(__file__).resolve().parents[2] / "docs" / "import-columns.md"
    section = (
        page.read_text(encoding="utf-8")
        .split("<!-- columns:start -->\n", 1)[1]
        .split("<!-- columns:end -->", 1)[0]
    )
    assert section == markdown()


def test_without_org_the_one_organisation_keeping_a_ledger_is_meant(db):
    from django.core.management.base import CommandError

    from daicho.core.management.base import organisation_from
    from tests.factories import OrganisationFactory, OrgUnitFactory, SystemFactory

    prefecture = OrganisationFactory(name="岡山県", code="330001")
    SystemFactory(owner_unit=OrgUnitFactory(organisation=prefecture, code="D01", name="総務部"))
    OrganisationFactory(name="岡山市", code="331007", kind="municipality")  # co-user only
    assert organisation_from(None) == prefecture
    assert organisation_from("331007").name == "岡山市"
    other = OrganisationFactory(name="倉敷市", code="332020")
    SystemFactory(owner_unit=OrgUnitFactory(organisation=other, code="X01", name="情報課"))
    with pytest.raises(CommandError):
        organisation_from(None)  # two ledgers: say which


def test_export_help_lists_every_kind_and_the_opendata_folder(capsys):
    code, out, _err = run(capsys, "export", "--help")
    assert code == 0
    listed = " ".join(out.split())  # argparse wraps the list
    assert "opendata -o DIR" in listed or "(-o DIR): opendata" in listed
    for kind in ("systems", "costs", "installations", "licences", "cases", "evaluations"):
        assert kind in listed, kind
