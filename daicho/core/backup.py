"""The ledger's own backup: one archive with the database and the attachments, and its restore.

An archive is a gzip'd tar holding `manifest.json` (format, database vendor, time, the row count
of every model and the SHA-256 of every other member), the database (`database.sqlite3` made with
SQLite's online backup API, or `database.pgdump` made with `pg_dump --format=custom`) and
`media/` (attachments and kept import files). Both database copies are consistent snapshots taken
while the server keeps running; the row counts are read from the snapshot itself.

Restore checks the whole archive before it touches anything: no member outside the manifest's
list (nor a path leaving the folder, nor anything but plain files), every member's SHA-256, and
the database itself — readable, a Daicho database (its migrations), not made by a newer Daicho,
the tables Daicho expects, and the row counts of the manifest.
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
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "daicho-backup/2"
# Version 1 archives listed the database's checksum only; they restore if they hold nothing else.
FORMATS = ("daicho-backup/1", FORMAT)
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


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
        database = _dump_database(folder)
        counts = _model_counts(_read_database(database, connection.vendor, path))
        members = {database.name: _sha256(database)}
        media = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        )
        for file in media:
            members["media/" + file.relative_to(media_root).as_posix()] = _sha256(file)
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
    if not isinstance(manifest, dict) or manifest.get("format") not in FORMATS:
        raise BackupError(_("%(file)s is not a Daicho backup.") % {"file": path})
    return manifest


def _damaged(path: Path, reason: str) -> BackupError:
    return BackupError(_("%(file)s is damaged: %(reason)s") % {"file": path, "reason": reason})


def _is_safe_name(name: str) -> bool:
    """A relative POSIX path that stays inside the folder it is unpacked into."""
    parts = name.split("/")
    return bool(name) and "\\" not in name and all(p not in ("", ".", "..") for p in parts)


def _declared_members(manifest: dict, path: Path) -> dict[str, str]:
    """{member: SHA-256} as the manifest lists them: the database and media/ files only."""
    declared = manifest.get("sha256")
    database = DATABASE_MEMBERS.get(manifest.get("vendor"))
    counts = manifest.get("counts")
    if (
        not isinstance(declared, dict)
        or not isinstance(counts, dict)
        or database is None
        or manifest.get("database") != database
        or database not in declared
    ):
        raise _damaged(path, _("its manifest is incomplete."))
    for name, digest in declared.items():
        if (
            not isinstance(digest, str)
            or not _is_safe_name(name)
            or not (name == database or name.startswith("media/"))
        ):
            raise _damaged(path, _("its manifest lists %(member)s.") % {"member": name})
    return declared


def _unpack(path: Path, folder: Path) -> dict:
    """Extract and verify every member; raise before anything is restored if one is damaged,
    missing, or not in the manifest's list."""
    with _open(path) as tar:
        manifest = _manifest_of(tar, path)
        declared = _declared_members(manifest, path)
        seen: set[str] = set()
        try:
            for member in tar:
                name = member.name
                if name in seen:
                    raise _damaged(path, _("it holds %(member)s twice.") % {"member": name})
                seen.add(name)
                if name == MANIFEST and member.isfile():
                    continue
                if name not in declared:
                    if manifest["format"] != FORMAT and name.startswith("media/"):
                        raise BackupError(
                            _(
                                "%(file)s was made by an older version of Daicho that kept no "
                                "checksum of %(member)s, so it cannot be checked."
                            )
                            % {"file": path, "member": name}
                        )
                    raise _damaged(
                        path,
                        _("it holds %(member)s, which its manifest does not list.")
                        % {"member": name},
                    )
                if not member.isfile():
                    raise _damaged(path, _("%(member)s is not a file.") % {"member": name})
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, open(target, "wb") as out:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != declared[name]:
                    raise _damaged(
                        path,
                        _("%(member)s does not match its checksum.") % {"member": name},
                    )
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise _damaged(path, str(exc)) from None
    missing = sorted(set(declared) - seen)
    if missing:
        raise _damaged(path, _("%(member)s is missing.") % {"member": missing[0]})
    return manifest


# --- What a database copy holds -----------------------------------------------------------------


@dataclass
class _Snapshot:
    """The tables (with their columns), row counts and applied migrations of a database copy."""

    columns: dict[str, set[str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    migrations: set[tuple[str, str]] = field(default_factory=set)


def _unreadable(path: Path, reason: object) -> BackupError:
    return BackupError(
        _("The database in %(file)s cannot be read: %(reason)s")
        % {"file": path, "reason": str(reason).strip().splitlines()[-1] if reason else "?"}
    )


def _read_sqlite(source: Path, path: Path) -> _Snapshot:
    snapshot = _Snapshot()
    try:
        # immutable: read the file as it is (no lock, no journal); it is our own copy.
        db = sqlite3.connect(f"{source.resolve().as_uri()}?immutable=1", uri=True)
        try:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _unreadable(path, check)
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                snapshot.columns[table] = {
                    row[1] for row in db.execute(f"PRAGMA table_info({quoted})")
                }
                snapshot.rows[table] = db.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]
            if "django_migrations" in snapshot.columns:
                snapshot.migrations = {
                    (str(app), str(name))
                    for app, name in db.execute("SELECT app, name FROM django_migrations")
                }
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from None
    return snapshot


_COPY = re.compile(r'^COPY (?:"?[^".\s]+"?\.)?"?([^"]+?)"? \((.*)\) FROM stdin;$')


def _read_pgdump(source: Path, path: Path) -> _Snapshot:
    """Read a custom-format dump through `pg_restore -f -` (no server needed): each table's
    COPY block names its columns and holds one line per row."""
    tool = check_pg_tools("pg_restore")
    snapshot = _Snapshot()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [tool, "--data-only", "-f", "-", str(source)],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_pg_env(),
        )
        table = None
        try:
            for raw in process.stdout:
                line = raw.rstrip(b"\n")
                if table is None:
                    if line.startswith(b"COPY "):
                        match = _COPY.match(line.decode("utf-8", "replace"))
                        if match:
                            table = match.group(1)
                            snapshot.columns[table] = {
                                c.strip().strip('"') for c in match.group(2).split(",")
                            }
                            snapshot.rows[table] = 0
                    continue
                if line == b"\\.":
                    table = None
                    continue
                snapshot.rows[table] += 1
                if table == "django_migrations":
                    fields = dict(
                        zip(
                            ("id", "app", "name"),
                            line.decode("utf-8", "replace").split("\t"),
                            strict=False,
                        )
                    )
                    snapshot.migrations.add((fields.get("app", ""), fields.get("name", "")))
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            raise _unreadable(path, errors.read().decode("utf-8", "replace"))
    return snapshot


def _read_database(source: Path, vendor: str, path: Path) -> _Snapshot:
    if vendor == "sqlite":
        return _read_sqlite(source, path)
    return _read_pgdump(source, path)


def _daicho_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("daicho.") and not model._meta.proxy
    ]


def _model_counts(snapshot: _Snapshot) -> dict[str, int]:
    """Rows per model of Daicho's own apps, as ledger_counts() gives them for the live ledger."""
    return dict(
        sorted(
            (model._meta.label, snapshot.rows.get(model._meta.db_table, 0))
            for model in _daicho_models()
        )
    )


def _check_database(snapshot: _Snapshot, manifest: dict, path: Path) -> None:
    """Refuse a database that is not Daicho's, comes from a newer Daicho, lacks the tables or
    columns its migrations promise, or does not hold the rows its manifest counts."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("daicho.")}
    applied = {(app, name) for app, name in snapshot.migrations if app in ours}
    if "django_migrations" not in snapshot.columns or not any(a == "core" for a, _n in applied):
        raise BackupError(_("The database in %(file)s is not a Daicho database.") % {"file": path})
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(applied - known)
    if newer:
        raise BackupError(
            _(
                "%(file)s was made by a newer version of Daicho (migration %(migration)s is "
                "unknown here): upgrade Daicho before restoring it."
            )
            % {"file": path, "migration": ".".join(newer[0])}
        )
    # An app whose migrations are all applied must have every table and column of its models
    # (one whose migrations are behind is brought up to date by `daicho migrate` afterwards).
    for model in _daicho_models():
        meta = model._meta
        if not meta.managed or {m for m in known if m[0] == meta.app_label} - applied:
            continue
        wanted = {f.column for f in meta.local_concrete_fields}
        missing = sorted(wanted - snapshot.columns.get(meta.db_table, set()))
        if missing:
            raise BackupError(
                _(
                    "The database in %(file)s does not have the tables Daicho expects "
                    "(%(table)s.%(column)s is missing)."
                )
                % {"file": path, "table": meta.db_table, "column": missing[0]}
            )
    for label, expected in sorted(manifest["counts"].items()):
        try:
            table = apps.get_model(label)._meta.db_table
        except (LookupError, ValueError):
            continue  # a model this version no longer has
        actual = snapshot.rows.get(table, 0)
        if actual != expected:
            raise BackupError(
                _(
                    "The database in %(file)s holds %(actual)s rows of %(model)s where its "
                    "manifest counts %(expected)s."
                )
                % {"file": path, "actual": actual, "model": label, "expected": expected}
            )


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

    The archive is checked completely first (its members, their checksums and the database);
    a damaged, foreign or tampered file changes nothing. The
    database is restored in one transaction (PostgreSQL) or one backup step (SQLite).
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="daicho-restore-") as tmp:
        folder = Path(tmp)
        manifest = _unpack(path, folder)
        database = folder / manifest["database"]
        if manifest["vendor"] == connection.vendor:  # else _restore_database says why not
            _check_database(_read_database(database, manifest["vendor"], path), manifest, path)
        _restore_database(database, manifest["vendor"])
        _restore_media(folder)
    connection.close()  # the next query sees the restored schema (and its sequences)
    return _info(path, manifest)
