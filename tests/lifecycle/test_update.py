"""`daicho lifecycle update FILE` loads endoflife.date dumps without losing local edits."""

from __future__ import annotations

import datetime
import json

from daicho.core.audit import Channel, audit_context
from daicho.core.models import AuditEvent
from daicho.lifecycle import services
from daicho.lifecycle.models import ProductRelease, Source
from tests.core.test_import import run

D = datetime.date

LEGACY = [
    {
        "cycle": "11",
        "releaseDate": "2018-09-25",
        "support": "2023-09-30",
        "eol": "2032-01-31",
        "lts": True,
        "latest": "11.0.23",
    },
    {"cycle": "26", "releaseDate": "2026-03-17", "support": True, "eol": False, "latest": "26"},
    {"cycle": "8", "releaseDate": "2014-03-18", "support": False, "eol": "2030-12-31"},
]

V1 = {
    "schema_version": "1.2.0",
    "result": {
        "name": "postgresql",
        "label": "PostgreSQL",
        "releases": [
            {
                "name": "18",
                "label": "18",
                "releaseDate": "2025-09-25",
                "isLts": False,
                "isEol": False,
                "eolFrom": "2030-11-14",
                "latest": {"name": "18.1", "date": "2025-11-13"},
            },
            {"name": "13", "label": "13", "releaseDate": "2020-09-24", "eolFrom": "2025-11-13"},
        ],
    },
}


def test_a_legacy_file_updates_dates_and_reads_the_support_boolean_as_its_negation(
    db, tmp_path, capsys
):
    path = tmp_path / "java.json"
    path.write_text(json.dumps(LEGACY), encoding="utf-8")
    code, out, err = run(capsys, "lifecycle", "update", str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["releases_created"] == 1 and report["releases_updated"] == 2
    java11 = ProductRelease.objects.get(product__slug="java", cycle="11")
    assert (java11.eol, java11.active_support_end, java11.latest) == (
        D(2032, 1, 31),
        D(2023, 9, 30),
        "11.0.23",
    )
    assert java11.source == Source.ENDOFLIFE
    java26 = ProductRelease.objects.get(product__slug="java", cycle="26")
    # support: true → active support has not ended (no date); eol: false → not at end of life.
    assert java26.active_support_end is None and java26.eol is None
    java8 = ProductRelease.objects.get(product__slug="java", cycle="8")
    # support: false says active support ended but gives no date: the date we hold stays.
    assert java8.active_support_end is None and java8.eol == D(2030, 12, 31)
    assert AuditEvent.objects.filter(object_repr__startswith="Java SE").exists()


def test_a_v1_document_names_its_product(db, tmp_path, capsys):
    path = tmp_path / "anything.json"
    path.write_text(json.dumps(V1), encoding="utf-8")
    code, _, err = run(capsys, "lifecycle", "update", str(path))
    assert code == 0, err
    pg18 = ProductRelease.objects.get(product__slug="postgresql", cycle="18")
    assert (pg18.eol, pg18.latest, pg18.released_on) == (D(2030, 11, 14), "18.1", D(2025, 9, 25))


def test_local_edits_survive_an_update_and_are_reported(world, admin_user, tmp_path, capsys):
    java8 = ProductRelease.objects.get(product__slug="java", cycle="8")
    with audit_context(actor=admin_user, channel=Channel.WEB):
        services.release_update(release=java8, data={"eol": D(2031, 12, 31)})
    java8.refresh_from_db()
    assert java8.local_fields == ["eol"] and java8.source == Source.LOCAL
    path = tmp_path / "java.json"
    path.write_text(json.dumps(LEGACY), encoding="utf-8")
    code, out, _ = run(capsys, "lifecycle", "update", str(path), "--json")
    assert code == 0
    java8.refresh_from_db()
    assert java8.eol == D(2031, 12, 31)
    assert any("eol" in line for line in json.loads(out)["kept_local"])


def test_the_shipped_snapshot_reloads_without_touching_local_edits(world, admin_user):
    xp = ProductRelease.objects.get(product__slug="windows", cycle="xp")
    with audit_context(actor=admin_user, channel=Channel.WEB):
        services.release_update(release=xp, data={"eol": D(2014, 4, 9)})
    report = services.snapshot_load()
    xp.refresh_from_db()
    assert xp.eol == D(2014, 4, 9)
    assert report.releases_created == 0 and report.kept_local


def test_bad_files_are_refused_with_a_clear_message(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "lifecycle", "update", str(bad))
    assert code == 1 and "bad.json" in err and "Traceback" not in err
    unknown = tmp_path / "lotus-notes.json"
    unknown.write_text(json.dumps(LEGACY), encoding="utf-8")
    code, _, err = run(capsys, "lifecycle", "update", str(unknown))
    assert code == 1 and "lotus-notes" in err and "--create-products" in err
    wrong = tmp_path / "java.json"
    wrong.write_text(json.dumps([{"cycle": "9", "eol": "someday"}]), encoding="utf-8")
    code, _, err = run(capsys, "lifecycle", "update", str(wrong))
    assert code == 1 and "someday" in err
    assert not ProductRelease.objects.filter(product__slug="java", cycle="9").exists()
    code, _, err = run(capsys, "lifecycle", "update", str(tmp_path / "missing.json"))
    assert code == 1 and "missing.json" in err


def test_an_owner_may_not_edit_support_dates(world):
    import pytest
    from django.core.exceptions import PermissionDenied

    xp = ProductRelease.objects.get(product__slug="windows", cycle="xp")
    with audit_context(actor=world.owner_a, channel=Channel.WEB), pytest.raises(PermissionDenied):
        services.release_update(release=xp, data={"eol": D(2020, 1, 1)})
