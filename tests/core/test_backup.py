"""The ledger's own backup: `daicho backup FILE` and `daicho restore FILE` bring back exactly what
was there — every export byte for byte, the audit log and the attachments."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from daicho.core import exports, services
from daicho.core.audit import Channel, audit_context
from daicho.core.backup import BackupError, backup_create, backup_restore, ledger_counts
from daicho.core.models import Attachment, AuditEvent, User
from daicho.core.permissions import TRUSTED
from daicho.registry.models import CostLine, InformationSystem
from tests.core.test_cli import run

pytestmark = pytest.mark.django_db(transaction=True)


def export_digests(tmp: Path) -> dict[str, str]:
    """SHA-256 of every export kind (CSV, JSON), of every folder export and of the audit log."""
    digests = {}
    for name, kind in exports.kinds().items():
        for fmt in ("csv", "json"):
            data = exports.write(kind, kind.queryset(TRUSTED), fmt)
            digests[f"{name}.{fmt}"] = hashlib.sha256(data).hexdigest()
    for name, writer in exports.folders().items():
        folder = tmp / f"{name}-{len(digests)}"
        for file in sorted(writer(str(folder))):
            digests[f"{name}/{Path(file).name}"] = hashlib.sha256(
                Path(file).read_bytes()
            ).hexdigest()
    events = list(
        AuditEvent.objects.order_by("pk").values_list(
            "pk", "actor_name", "action", "object_id", "before", "after"
        )
    )
    digests["audit"] = hashlib.sha256(json.dumps(events, default=str).encode()).hexdigest()
    return digests


@pytest.fixture
def demo_ledger(settings, tmp_path):
    """The demo organisation with one attached document."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--no-migrate", stdout=io.StringIO())
    system = InformationSystem.objects.get(name="税務システム")
    with audit_context(actor=User.objects.get(username="policy"), channel=Channel.WEB):
        services.attachment_add(
            target=system,
            upload=SimpleUploadedFile("構成図.pdf", b"%PDF-1.4 diagram", "application/pdf"),
        )
    return system


def test_backup_and_restore_bring_back_every_export_identical(demo_ledger, tmp_path):
    before = export_digests(tmp_path)
    counts = ledger_counts()
    archive = tmp_path / "daicho.tar.gz"
    info = backup_create(archive)
    # The seed's 202 systems and the standardisation demo's 7 (倉敷市's 6, 岡山市's co-used one).
    assert info.counts["registry.InformationSystem"] == 209
    assert info.media_files == 1

    # Work goes on after the backup: a system is deleted, costs change, the document is lost.
    InformationSystem.objects.filter(name="給与システム").delete()
    CostLine.objects.filter(fiscal_year=2014).update(amount=1)
    attachment = Attachment.objects.get()
    Path(attachment.file.path).unlink()
    assert export_digests(tmp_path) != before

    backup_restore(archive)

    assert export_digests(tmp_path) == before
    assert ledger_counts() == counts
    assert Path(Attachment.objects.get().file.path).read_bytes() == b"%PDF-1.4 diagram"


# The demo is loaded once, for the round trip above; the CLI and the refusals need less.


def test_the_cli_backs_up_and_restores_with_json_summaries(world, tmp_path, capsys):
    archive = tmp_path / "ledger.tar.gz"
    code, out, _err = run(capsys, "backup", str(archive), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["counts"]["registry.InformationSystem"] == 3
    assert summary["counts"]["registry.CostLine"] == 2

    CostLine.objects.all().delete()  # cost lines protect their systems
    InformationSystem.objects.all().delete()
    code, _out, err = run(capsys, "restore", str(archive))  # not a terminal: needs --yes
    assert code == 1
    assert "--yes" in err and "InformationSystem" in err  # the counts it would bring back
    assert InformationSystem.objects.count() == 0

    code, out, _err = run(capsys, "restore", str(archive), "--yes", "--json")
    assert code == 0
    assert json.loads(out)["file"] == str(archive)
    assert InformationSystem.objects.count() == 3
    assert CostLine.objects.filter(system__name="税務システム").count() == 2


def test_a_damaged_or_foreign_file_changes_nothing(world, tmp_path, capsys):
    archive = tmp_path / "ledger.tar.gz"
    backup_create(archive)
    # The same archive with the database member altered: its checksum no longer matches.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else b""
            if member.name.startswith("database."):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    InformationSystem.objects.filter(name="公共施設予約システム").delete()

    with pytest.raises(BackupError, match="チェックサム"):
        backup_restore(damaged)
    not_a_backup = tmp_path / "systems.csv"
    not_a_backup.write_text("code,name\n")
    code, _out, err = run(capsys, "restore", str(not_a_backup), "--yes")
    assert code == 1
    assert "Daicho のバックアップではありません" in err and "Traceback" not in err
    code, _out, err = run(capsys, "restore", str(tmp_path / "missing.tar.gz"), "--yes")
    assert code == 1 and "がありません" in err
    assert InformationSystem.objects.count() == 2  # nothing was restored


def test_backup_to_a_missing_folder_fails_clearly(db, tmp_path, capsys):
    code, _out, err = run(capsys, "backup", str(tmp_path / "no" / "such" / "b.tar.gz"))
    assert code == 1
    assert "がありません" in err and "Traceback" not in err


def test_pg_tool_versions_are_read_from_their_banner():
    from daicho.core.backup import _major

    assert _major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == 15
    assert _major("pg_restore (PostgreSQL) 9.6.24") == 9


def test_an_older_pg_dump_than_the_server_is_refused(db, tmp_path):
    from unittest import mock

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used on PostgreSQL only")
    old = mock.Mock(returncode=0, stdout="pg_dump (PostgreSQL) 9.6.24\n", stderr="")
    with (
        mock.patch("daicho.core.backup.subprocess.run", return_value=old),
        pytest.raises(BackupError, match="バージョンは 9 ですが、サーバーは PostgreSQL"),
    ):
        backup_create(tmp_path / "b.tar.gz")
    assert not (tmp_path / "b.tar.gz").exists()


# --- Restore checks what it restores (#19): archives tampered the way a probe did ---------------


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def tampered(archive: Path, out: Path, *, replace=None, add=None, edit=None, declare=True) -> Path:
    """``archive`` rewritten: members replaced or added ({name: bytes}), the manifest edited by
    ``edit(manifest)``; with ``declare`` the manifest lists the new bytes' checksums, as someone
    who knows the format would do."""
    replace, add = replace or {}, add or {}
    with tarfile.open(archive) as src:
        manifest = json.loads(src.extractfile("manifest.json").read())
        members = {
            m.name: src.extractfile(m).read() for m in src.getmembers() if m.name != "manifest.json"
        }
    members.update(replace)
    members.update(add)
    if declare:
        for name in (*replace, *add):
            manifest["sha256"][name] = hashlib.sha256(members[name]).hexdigest()
    if edit:
        edit(manifest)
    with tarfile.open(out, "w:gz") as dst:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return out


@pytest.fixture
def kept_ledger(world, settings, tmp_path):
    """A backup of the small ledger with one attachment, then work that a bad restore would
    undo: a system deleted. Returns the archive."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with audit_context(actor=world.policy, channel=Channel.WEB):
        services.attachment_add(
            target=world.system_a, upload=SimpleUploadedFile("仕様書.pdf", b"%PDF-1.4 spec")
        )
    archive = backup_create(tmp_path / "ledger.tar.gz").path
    InformationSystem.objects.filter(name="公共施設予約システム").delete()
    return Path(archive)


def assert_untouched():
    """The live ledger is as the work left it: the deleted system is still gone, the
    attachment's file still there."""
    assert InformationSystem.objects.count() == 2
    assert Path(Attachment.objects.get().file.path).read_bytes() == b"%PDF-1.4 spec"


def refused(capsys, archive: Path) -> str:
    """`daicho restore --yes` fails with one line and no traceback; returns that line."""
    code, out, err = run(capsys, "restore", str(archive), "--yes")
    assert code == 1 and out == ""
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def _foreign_database(vendor: str, folder: Path) -> bytes:
    """A database that is not Daicho's: an SQLite file with a table of its own, or a
    PostgreSQL dump of one table that is not Daicho's."""
    if vendor == "sqlite":
        path = folder / "foreign.sqlite3"
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE notes (body TEXT)")
        db.commit()
        db.close()
        return path.read_bytes()
    from daicho.core.backup import _pg_env, check_pg_tools

    path = folder / "foreign.pgdump"
    subprocess.run(
        [check_pg_tools("pg_dump"), "--format=custom", "-t", "django_content_type", "-f", path],
        env=_pg_env(),
        check=True,
    )
    return path.read_bytes()


def test_a_database_that_is_not_daichos_is_refused_with_its_checksum_updated(
    kept_ledger, tmp_path, capsys
):
    name = _manifest(kept_ledger)["database"]
    vendor = _manifest(kept_ledger)["vendor"]
    archive = tampered(
        kept_ledger,
        tmp_path / "foreign.tar.gz",
        replace={name: _foreign_database(vendor, tmp_path)},
    )
    err = refused(capsys, archive)
    assert "のデータベースは Daicho のデータベースではありません" in err
    assert_untouched()


def test_a_garbage_database_with_a_matching_checksum_is_refused_without_a_traceback(
    kept_ledger, tmp_path, capsys
):
    name = _manifest(kept_ledger)["database"]
    archive = tampered(
        kept_ledger, tmp_path / "garbage.tar.gz", replace={name: b"\x00garbage" * 99}
    )
    err = refused(capsys, archive)
    assert "のデータベースを読めません" in err
    assert_untouched()


def test_attachments_are_checked_like_the_database(kept_ledger, tmp_path, capsys):
    [attachment] = [n for n in _manifest(kept_ledger)["sha256"] if n.startswith("media/")]
    assert attachment == "media/" + Attachment.objects.get().file.name  # listed, with its checksum

    changed = tampered(
        kept_ledger, tmp_path / "a.tar.gz", replace={attachment: b"%PDF-1.4 forged"}, declare=False
    )
    assert f"{attachment} がチェックサムと一致しません" in refused(capsys, changed)

    extra = tampered(
        kept_ledger, tmp_path / "b.tar.gz", add={"media/run.sh": b"rm -rf /"}, declare=False
    )
    assert "マニフェストにない media/run.sh が入っています" in refused(capsys, extra)

    outside = tmp_path / "media" / ".." / ".." / "escaped.txt"
    for name in ("../escaped.txt", "media/../../escaped.txt", "/tmp/escaped.txt", "notes.txt"):
        archive = tampered(kept_ledger, tmp_path / "c.tar.gz", add={name: b"x"})
        assert f"マニフェストに {name} という不正な項目があります" in refused(capsys, archive)
        archive = tampered(kept_ledger, tmp_path / "d.tar.gz", add={name: b"x"}, declare=False)
        assert f"マニフェストにない {name} が入っています" in refused(capsys, archive)
    assert not outside.resolve().exists() and not Path("/tmp/escaped.txt").exists()

    missing = tampered(
        kept_ledger, tmp_path / "e.tar.gz", edit=lambda m: m["sha256"].update({"media/x": "0"})
    )
    assert "media/x がありません" in refused(capsys, missing)
    assert_untouched()


def test_row_counts_that_differ_from_the_manifest_are_refused(kept_ledger, tmp_path, capsys):
    def more_systems(manifest):
        manifest["counts"]["registry.InformationSystem"] += 1

    archive = tampered(kept_ledger, tmp_path / "counts.tar.gz", edit=more_systems)
    err = refused(capsys, archive)
    assert "registry.InformationSystem が 3 行ありますが、マニフェストでは 4 行です" in err
    assert_untouched()


def test_a_backup_from_a_newer_daicho_is_refused(world, settings, tmp_path, capsys):
    from django.db import connection

    settings.MEDIA_ROOT = tmp_path / "media"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["registry", "9999_from_the_future", "2030-01-01 00:00:00+00:00"],
        )
    archive = backup_create(tmp_path / "newer.tar.gz").path
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE name = '9999_from_the_future'")
    InformationSystem.objects.filter(name="公共施設予約システム").delete()

    err = refused(capsys, Path(archive))
    assert (
        "より新しい版の Daicho で作られています" in err and "registry.9999_from_the_future" in err
    )
    assert InformationSystem.objects.count() == 2


def test_a_database_missing_a_table_of_its_migrations_is_refused(kept_ledger, tmp_path, capsys):
    if _manifest(kept_ledger)["vendor"] != "sqlite":
        pytest.skip("the database copy is edited with SQLite")
    copy = tmp_path / "copy.sqlite3"
    with tarfile.open(kept_ledger) as tar:
        copy.write_bytes(tar.extractfile("database.sqlite3").read())
    db = sqlite3.connect(copy)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("ALTER TABLE core_auditevent RENAME TO core_auditevent_gone")
    db.commit()
    db.close()
    archive = tampered(
        kept_ledger, tmp_path / "schema.tar.gz", replace={"database.sqlite3": copy.read_bytes()}
    )
    err = refused(capsys, archive)
    assert "Daicho が必要とする表がありません（core_auditevent." in err
    assert_untouched()
