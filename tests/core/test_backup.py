"""The ledger's own backup: `daicho backup FILE` and `daicho restore FILE` bring back exactly what
was there — every export byte for byte, the audit log and the attachments."""

from __future__ import annotations

import hashlib
import io
import json
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
    assert info.counts["registry.InformationSystem"] == 202
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
