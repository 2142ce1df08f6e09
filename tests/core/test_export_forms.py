"""Exports as people read them: CSV with Japanese headers and choice names by default (like
XLSX), the canonical form with --codes or ?codes=1, and XLSX without a visible apostrophe."""

from __future__ import annotations

import csv
import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from daicho.registry import services


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_download_is_japanese_and_codes_give_the_canonical_form(client, world):
    client.force_login(world.policy)
    url = reverse("registry:system_list")
    rows = _csv(client.get(url, {"export": "csv"}).content)
    header, row = rows[0], next(r for r in rows if "S0002" in r)
    assert "システムID" in header and "code" not in header
    assert "クラウド" in row and "cloud" not in row
    rows = _csv(client.get(url, {"export": "csv", "codes": "1"}).content)
    header, row = rows[0], next(r for r in rows if "S0002" in r)
    assert "code" in header and "hosting" in header
    assert row[header.index("hosting")] == "cloud"


def test_the_cli_writes_the_same_two_forms(world, tmp_path):
    plain, coded = tmp_path / "plain.csv", tmp_path / "coded.csv"
    call_command("export", "systems", "-o", str(plain), stderr=io.StringIO())
    call_command("export", "systems", "-o", str(coded), "--codes", stderr=io.StringIO())
    assert "システム名" in _csv(plain.read_bytes())[0]
    assert "name" in _csv(coded.read_bytes())[0]


def test_xlsx_shows_formula_like_text_as_text_without_an_apostrophe(world, as_user, tmp_path):
    with as_user(world.policy):
        services.system_update(system=world.system_a, data={"name": "=税務システム"})
    path = tmp_path / "systems.xlsx"
    call_command("export", "systems", "-o", str(path), stderr=io.StringIO())
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=税務システム"]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula
    assert not any(c.value == "'=税務システム" for row in sheet.iter_rows() for c in row)
    csv_path = tmp_path / "systems.csv"
    call_command("export", "systems", "-o", str(csv_path), stderr=io.StringIO())
    assert "'=税務システム" in csv_path.read_text(encoding="utf-8-sig")  # CSV stays neutralised
