"""The import preview says what each row will change: before → after, new, unchanged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from daicho.core.importing import engine
from daicho.core.models import ImportBatch
from daicho.registry.models import InformationSystem
from tests.core.test_import import run, write

# S0001 renamed, S0002 as it is, S0100 new.
FILE = (
    "システムID,システム名,所管部局,所管課,稼働環境\n"
    "S0001,税務総合システム,総務部,情報政策課,\n"
    "S0002,公共施設予約システム,県民生活部,くらし安全安心課,クラウド\n"
    "S0100,河川情報システム,県民生活部,くらし安全安心課,クラウド\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_web_preview_shows_the_renamed_system_and_the_new_one(client, world):
    client.force_login(world.policy)
    upload = SimpleUploadedFile("systems.csv", FILE.encode("cp932"), "text/csv")
    response = client.post(
        reverse("import_upload"),
        {"kind": "systems", "file": upload, "create_refs": "on"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created, batch.updated, batch.unchanged) == ("dry_run", 1, 1, 1)
    assert batch.changes == {
        "created": [{"row": 4, "label": "S0100 河川情報システム"}],
        "updated": [
            {
                "row": 2,
                "label": "S0001 税務システム",
                "fields": [
                    {"label": "名称", "before": "税務システム", "after": "税務総合システム"}
                ],
            }
        ],
    }
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="ja")
    html = page.content.decode()
    table = html[html.index('id="row-changes"') :]
    assert "税務システム</del> → <ins>税務総合システム" in table
    assert "S0100 河川情報システム" in table and "新規" in table
    assert "S0002" not in table  # unchanged: counted, not listed
    assert "1 行は変更なし" in table
    assert InformationSystem.objects.get(pk=world.system_a.pk).name == "税務システム"


def test_the_cli_dry_run_lists_the_change_and_the_new_row(capsys, world, tmp_path):
    code, out, err = run(
        capsys, "import", "systems", "--dry-run", "--org", "330001", write(tmp_path, "s.csv", FILE)
    )
    assert code == 0, err
    assert "2行目 S0001 税務システム: 名称: 税務システム → 税務総合システム" in out
    assert "4行目 S0100 河川情報システム: 新規" in out
    assert not InformationSystem.objects.filter(code="S0100").exists()


def test_the_preview_keeps_the_first_rows_and_counts_the_rest(world, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "MAX_ROW_CHANGES", 2)
    rows = "".join(
        f"S{n:04},新システム{n},県民生活部,くらし安全安心課,クラウド\n" for n in range(200, 205)
    )
    path = write(tmp_path, "s.csv", FILE.splitlines(keepends=True)[0] + rows)
    result = engine.run(kind="systems", source=path, organisation=world.org, dry_run=True)
    changes = engine.row_changes(result.batch)
    assert [c["row"] for c in changes["created"]] == [2, 3]
    assert changes["created_more"] == 3 and changes["updated"] == []
    assert "3" in engine.row_changes_lines(result.batch)[-1]


def test_a_costs_dry_run_lists_the_changed_amount_and_the_new_line(world, tmp_path):
    path = write(
        tmp_path,
        "経費.csv",
        "システムID,年度,予算決算,経費区分,費目,金額（円）\n"
        "S0001,2014,予算,運用等経費,委託料,11000000\n"
        "S0002,2014,予算,運用等経費,委託料,2000000\n",
    )
    result = engine.run(kind="costs", source=path, organisation=world.org, dry_run=True)
    assert result.ok, result.problems
    changes = engine.row_changes(result.batch)
    [updated] = changes["updated"]
    assert updated["row"] == 2 and updated["label"].startswith("S0001 FY2014")
    assert [(f["before"], f["after"]) for f in updated["fields"]] == [("10,500,000", "11,000,000")]
    [created] = changes["created"]
    assert created["row"] == 3 and created["label"].startswith("S0002 FY2014")


def test_a_batch_from_before_created_refs_reads_and_rolls_back(client, world, tmp_path):
    """Batches recorded before what an import created had its own mapping (a list of new units
    in `units_created`, migration core 0005) and before the row changes (0010) still show and
    still roll back."""
    import importlib

    from django.apps import apps

    from daicho.core.models import OrgUnit

    migration = importlib.import_module("daicho.core.migrations.0005_importbatch_created_refs")
    path = write(tmp_path, "s.csv", FILE.splitlines(keepends=True)[0] + FILE.splitlines()[3])
    result = engine.run(kind="systems", source=path, organisation=world.org, user=world.policy)
    assert result.batch.status == "applied"
    ImportBatch.objects.filter(pk=result.batch.pk).update(
        created_refs=["くらし安全安心課"], changes={}
    )
    migration.units_to_references(apps, None)
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert batch.created_refs == {"units": ["くらし安全安心課"]}
    assert engine.row_changes(batch)["created"] == []
    client.force_login(world.policy)
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "くらし安全安心課" in page and 'id="row-changes"' not in page
    client.post(reverse("import_rollback", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "rolled_back"
    assert not InformationSystem.objects.filter(code="S0100").exists()
    assert OrgUnit.objects.filter(name="くらし安全安心課").exists()  # it was not the import's
