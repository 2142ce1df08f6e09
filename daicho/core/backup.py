"""The ledger's own backup: one archive with the database and the attachments, and its restore.

An archive is a gzip'd tar holding `manifest.json` (format, database vendor, time, counts and the
SHA-256 of every other member), the database (`database.sqlite3` made with SQLite's online backup
API, or `database.pgdump` made with `pg_dump --format=custom`) and `media/` (attachments and kept
import files). Both database copies are consistent snapshots taken while the server keeps running.
Restore checks the whole archive before it touches anything.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "daicho-backup/1"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in the user's words."""


@dataclass
class BackupInfo:
    """What an archive holds, read from its manifest."""

    path: str
    vendor: str
    created_at: str
    database: str
    media_files: int
    counts: dict[str, int] = field(default_factory=dict)
    size: int = 0

    def as_dict(self) -> dict:
        return {
            "file": self.path,
            "vendor": self.vendor,
            "created_at": self.created_at,
            "database": self.database,
            "media_files": self.media_files,
            "counts": self.counts,
            "size": self.size,
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ledger_counts() -> dict[str, int]:
    """Rows per model of Daicho's own apps: shown before a restore and kept in the manifest."""
    from django.apps import apps

    counts = {}
    for model in apps.get_models():
        if model.__module__.startswith("daicho.") and not model._meta.proxy:
            counts[model._meta.label] = model._default_manager.using("default").count()
    return dict(sorted(counts.items()))


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """The path of pg_dump/pg_restore: $DAICHO_PG_BIN first, then PATH."""
    directory = os.environ.get("DAICHO_PG_BIN", "")
    found = shutil.which(name, path=directory or None)
    if not found:
        raise BackupError(
            _(
                "%(tool)s was not found. Install the PostgreSQL client tools of the server's "
                "version (Debian: postgresql-client) or set DAICHO_PG_BIN to their folder."
            )
            % {"tool": name}
        )
    return found


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _major(version_text: str) -> int:
    """15 from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    match = re.search(r"\)\s*(\d+)", version_text) or re.search(r"(\d+)", version_text)
    return int(match.group(1)) if match else 0


def check_pg_tools(name: str) -> str:
    """The tool's path, refused when it is older than the server (pg_dump cannot dump a newer
    server; an older pg_restore cannot read a newer archive)."""
    tool = _pg_tool(name)
    result = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
    tool_major = _major(result.stdout)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    if tool_major < server_major:
        raise BackupError(
            _(
                "%(tool)s is version %(tool_v)s but the server is PostgreSQL %(server_v)s: "
                "install the client tools of version %(server_v)s or later."
            )
            % {"tool": name, "tool_v": tool_major, "server_v": server_major}
        )
    return tool


def _run(args: list[str], what: str) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise BackupError(
            _("%(what)s failed: %(reason)s")
            % {"what": what, "reason": lines[-1] if lines else result.returncode}
        )


# --- Backup -------------------------------------------------------------------------------------


def _dump_database(folder: Path) -> Path:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        destination = sqlite3.connect(target)
        try:
            # One step (pages=-1) under one read lock: a consistent snapshot, writers wait briefly.
            connection.connection.backup(destination, pages=-1)
        finally:
            destination.close()
        return target
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        tool = check_pg_tools("pg_dump")
        _run(
            [tool, "--format=custom", "--no-owner", "--no-privileges", "-f", str(target)], "pg_dump"
        )
        return target
    raise BackupError(
        _("Backups of a %(vendor)s database are not supported.") % {"vendor": connection.vendor}
    )


def backup_create(path: str | os.PathLike) -> BackupInfo:
    """Write a consistent archive of the ledger (database and attachments) to ``path``.

    The archive is written beside ``path`` and renamed at the end, so ``path`` is either the
    previous file or the complete new one, never half an archive.
    """
    path = Path(path)
    if path.is_dir():
        raise BackupError(_("%(file)s is a folder: name the backup file.") % {"file": path})
    if not path.parent.exists():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".daicho-backup-") as tmp:
        folder = Path(tmp)
        counts = ledger_counts()
        database = _dump_database(folder)
        members = {database.name: _sha256(database)}
        media = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        )
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": database.name,
            "counts": counts,
            "media_files": len(media),
            "sha256": members,
        }
        partial = folder / "archive.partial"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            for file in media:
                tar.add(file, arcname="media/" + file.relative_to(media_root).as_posix())
        os.replace(partial, path)
    return _info(path, manifest)


def _info(path: Path, manifest: dict) -> BackupInfo:
    return BackupInfo(
        path=str(path),
        vendor=manifest["vendor"],
        created_at=manifest["created_at"],
        database=manifest["database"],
        media_files=manifest.get("media_files", 0),
        counts=manifest.get("counts", {}),
        size=path.stat().st_size,
    )


# --- Restore ------------------------------------------------------------------------------------


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(_("%(file)s does not exist.") % {"file": path})
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(_("%(file)s is not a Daicho backup.") % {"file": path}) from None


def backup_read(path: str | os.PathLike) -> BackupInfo:
    """The manifest of an archive, without unpacking it."""
    path = Path(path)
    with _open(path) as tar:
        return _info(path, _manifest_of(tar, path))


def _manifest_of(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError, tarfile.TarError, EOFError, OSError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(file)s is not a Daicho backup.") % {"file": path})
    return manifest


def _unpack(path: Path, folder: Path) -> dict:
    """Extract and verify every member; raise before anything is restored if one is damaged."""
    with _open(path) as tar:
        manifest = _manifest_of(tar, path)
        try:
            tar.extractall(folder, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(
                _("%(file)s is damaged: %(reason)s") % {"file": path, "reason": exc}
            ) from None
    for name, expected in manifest["sha256"].items():
        member = folder / name
        if not member.is_file() or _sha256(member) != expected:
            raise BackupError(
                _("%(file)s is damaged: %(member)s does not match its checksum.")
                % {"file": path, "member": name}
            )
    return manifest


def _restore_database(source: Path, vendor: str) -> None:
    if vendor != connection.vendor:
        raise BackupError(
            _(
                "This backup is of a %(backup)s database but Daicho now uses %(current)s: "
                "restore it into a %(backup)s database (DATABASE_URL)."
            )
            % {"backup": vendor, "current": connection.vendor}
        )
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."))
    if vendor == "sqlite":
        origin = sqlite3.connect(source)
        try:
            # Page by page into the live database under its write lock: other connections
            # see the old ledger or the restored one, nothing between.
            origin.backup(connection.connection, pages=-1)
        finally:
            origin.close()
        return
    tool = check_pg_tools("pg_restore")
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _pg_env().get("PGDATABASE", ""),
            str(source),
        ],
        "pg_restore",
    )


def _restore_media(folder: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    incoming = folder / "media"
    if media_root.exists():
        shutil.rmtree(media_root)
    if incoming.exists():
        shutil.copytree(incoming, media_root)
    else:
        media_root.mkdir(parents=True, exist_ok=True)


def backup_restore(path: str | os.PathLike) -> BackupInfo:
    """Replace the ledger (database and attachments) with the archive at ``path``.

    The archive is checked completely first; a damaged or foreign file changes nothing. The
    database is restored in one transaction (PostgreSQL) or one backup step (SQLite).
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="daicho-restore-") as tmp:
        folder = Path(tmp)
        manifest = _unpack(path, folder)
        _restore_database(folder / manifest["database"], manifest["vendor"])
        _restore_media(folder)
    connection.close()  # the next query sees the restored schema (and its sequences)
    return _info(path, manifest)
