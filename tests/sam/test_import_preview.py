# ruff: noqa: E501  (CSV fixtures are written as offices write them, one record per line)
"""The preview of an inventory import says, per PC and not per row, what it will change: the
programs added and removed, the versions that moved, the PCs new to the ledger."""

from __future__ import annotations

from django.urls import reverse

from daicho.core.importing import engine
from daicho.sam.models import Device, Installation
from tests.core.test_import import run, write

APRIL = """PC名,ソフトウェア名,バージョン,発行元,インストール日
PC-0001,Microsoft Office Professional Plus 2016,16.0.4266.1001,Microsoft Corporation,2017/04/03
PC-0001,Lhaplus,1.74,Schezo,
PC-0002,Google Chrome,120.0.6099.130,Google LLC,2023/12/20
PC-0002,Adobe Acrobat Reader DC,23.006.20320,Adobe Systems Incorporated,2023/09/01
"""
# PC-0001: Lhaplus moved on; PC-0002: Acrobat gone, 7-Zip added; PC-0003 new to the ledger.
MAY = """PC名,ソフトウェア名,バージョン,発行元,インストール日
PC-0001,Microsoft Office Professional Plus 2016,16.0.4266.1001,Microsoft Corporation,2017/04/03
PC-0001,Lhaplus,1.76,Schezo,
PC-0002,Google Chrome,120.0.6099.130,Google LLC,2023/12/20
PC-0002,7-Zip 23.01 (x64),23.01,Igor Pavlov,2024/05/01
PC-0003,一太郎2023,33.0.0.1,JUSTSYSTEMS CORPORATION,2024/04/01
"""


def test_the_preview_lists_each_pc_with_what_its_inventory_changes(world, capsys, tmp_path):
    code, out, err = run(
        capsys, "import", "installations", "--org", "330001", write(tmp_path, "april.csv", APRIL)
    )
    assert code == 0, out + err
    before = sorted(Installation.objects.values_list("pk", flat=True))

    path = write(tmp_path, "may.csv", MAY)
    result = engine.run(kind="installations", source=path, organisation=world.org, dry_run=True)
    assert result.ok, result.problems
    changes = engine.row_changes(result.batch)
    assert changes["updated"] == [
        {
            "row": 2,
            "label": "PC-0001",
            "fields": [{"label": "Lhaplus", "before": "1.74", "after": "1.76"}],
        },
        {
            "row": 4,
            "label": "PC-0002",
            "fields": [
                {
                    "label": "追加したソフトウェア（1件）",
                    "before": "",
                    "after": "7-Zip 23.01 (x64)",
                },
                {
                    "label": "なくなったソフトウェア（1件）",
                    "before": "Adobe Acrobat Reader DC",
                    "after": "",
                },
            ],
        },
    ]
    assert changes["created"] == [{"row": 6, "label": "PC-0003（ソフトウェア1件）"}]
    assert (changes["updated_more"], changes["created_more"]) == (0, 0)
    # Nothing was written.
    assert sorted(Installation.objects.values_list("pk", flat=True)) == before
    assert not Device.objects.filter(name="PC-0003").exists()

    # The CLI's dry run prints the same, one line per PC.
    code, out, err = run(capsys, "import", "installations", "--dry-run", "--org", "330001", path)
    assert code == 0, out + err
    assert "2行目 PC-0001: Lhaplus: 1.74 → 1.76" in out
    assert "6行目 PC-0003（ソフトウェア1件）: 新規" in out


def test_the_preview_counts_the_pcs_beyond_those_it_lists(world, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "MAX_ROW_CHANGES", 1)
    path = write(tmp_path, "may.csv", MAY)
    result = engine.run(kind="installations", source=path, organisation=world.org, dry_run=True)
    changes = engine.row_changes(result.batch)
    # The three PCs are new to this ledger: one listed, two counted.
    assert [c["label"] for c in changes["created"]] == ["PC-0001（ソフトウェア2件）"]
    assert changes["created_more"] == 2
    assert engine.row_changes_lines(result.batch)[-1] == "  …ほか2台の機器を新規登録"


def test_the_web_preview_shows_the_pcs(client, world, capsys, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    run(capsys, "import", "installations", "--org", "330001", write(tmp_path, "april.csv", APRIL))
    client.force_login(world.policy)
    with open(write(tmp_path, "may.csv", MAY), "rb") as upload:
        response = client.post(
            reverse("import_upload"),
            {"kind": "installations", "file": upload, "create_refs": "on"},
            HTTP_ACCEPT_LANGUAGE="ja",
        )
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    table = page[page.index('id="row-changes"') :]
    assert '<strong>Lhaplus</strong>: <del class="text-muted">1.74</del> → <ins>1.76</ins>' in table
    assert "PC-0003（ソフトウェア1件）" in table
