"""Moving the ledger to another database: a ledger begun on the embedded SQLite goes to
PostgreSQL (or back, or to another SQLite file) with `daicho transfer --to URL` / `--from URL`.

Every table of every installed app is copied with its primary keys — the ledger, the users with
their password hashes and memberships, the audit log, import batches, sessions, sign-in attempts,
two-factor devices, content types and permissions — in one transaction on the target. Rows are
read through the ORM from one consistent snapshot of the source, converted by each field as
Django reads it from one database and writes it to the other, and streamed in chunks into
`daicho.core.bulk.insert` (COPY on PostgreSQL, many-row INSERTs on SQLite). Before the commit
each table's row count is compared with the source's, every foreign key is checked, and
PostgreSQL's sequences are moved past the highest ids. Any failure rolls the whole copy back.

Both databases must be at this version of Daicho's schema: the source fully migrated (and not
by a newer Daicho), the target either without Daicho's tables (they are created here, as
`daicho migrate` would) or at the same version. A target that already holds a ledger (an
organisation, a user or an audit event) is refused unless it is to be replaced. Attachments and
kept import files are files in MEDIA_ROOT, not rows: they stay where they are.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend
from django.utils.translation import gettext as _

from daicho.core import bulk

SOURCE, TARGET = "transfer_source", "transfer_target"
CHUNK = 5000
#: Any row in one of these means the database holds a ledger someone made (a fresh `migrate`
#: fills only content types, permissions and the shipped support dates).
LEDGER_MODELS = ("core.Organisation", "core.User", "core.AuditEvent")


class TransferError(Exception):
    """A transfer that cannot be done or failed; the message says why, in the user's words."""


@dataclass
class TransferResult:
    """What was moved: rows per table (model label → (table, rows)), in the order copied."""

    source: str
    target: str
    tables: dict[str, tuple[str, int]] = field(default_factory=dict)
    schema_created: bool = False
    replaced: bool = False
    files: int = 0
    missing_files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(rows for _table, rows in self.tables.values())

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "schema_created": self.schema_created,
            "replaced": self.replaced,
            "rows": self.rows,
            "tables": {label: rows for label, (_table, rows) in self.tables.items()},
            "files": self.files,
            "missing_files": self.missing_files,
            "seconds": round(self.seconds, 1),
        }


# --- The two databases --------------------------------------------------------------------------


def describe(alias: str) -> str:
    """The database of ``alias`` as a person names it, without its password:
    "postgresql daicho@127.0.0.1:5432/daicho", "sqlite /srv/daicho/var/daicho.sqlite3"."""
    db = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return f"sqlite {db['NAME']}"
    user = f"{db['USER']}@" if db.get("USER") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{vendor} {user}{db.get('HOST') or 'localhost'}{port}/{db['NAME']}"


def _config(url: str, *, reading: bool) -> dict:
    """Django's settings of the database at ``url`` (DATABASE_URL's syntax)."""
    scheme = urlsplit(url).scheme
    if not scheme or scheme not in environ.Env.DB_SCHEMES:
        raise TransferError(
            _(
                "%(url)s is not a database address: write it as DATABASE_URL is written, e.g. "
                "postgres://daicho@127.0.0.1:5432/daicho or sqlite:////srv/daicho/var/daicho.sqlite3."
            )
            % {"url": url.split("@")[-1]}
        )
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options = dict(settings.SQLITE_OPTIONS)
        if reading:  # a snapshot to read, not the write lock a running server would wait on
            options["transaction_mode"] = "DEFERRED"
        config["OPTIONS"] = {**options, **config.get("OPTIONS", {})}
        if not reading and not Path(config["NAME"]).parent.is_dir():
            raise TransferError(
                _("The folder %(folder)s does not exist.") % {"folder": Path(config["NAME"]).parent}
            )
        if reading and not Path(config["NAME"]).is_file():
            raise TransferError(_("%(file)s does not exist.") % {"file": config["NAME"]})
    return config


@contextmanager
def _database(url: str | None, alias: str, *, reading: bool) -> Iterator[str]:
    """The alias to use for ``url`` (Daicho's own database when None), registered for the
    block and closed after it."""
    if not url:
        yield DEFAULT_DB_ALIAS
        return
    config = connections.configure_settings(
        {
            DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]),
            alias: _config(url, reading=reading),
        }
    )[alias]
    # A connection of its own, not added to settings.DATABASES: nothing else (the server's
    # routers, `close_all`) is to use it.
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


def _same_database(one: str, other: str) -> bool:
    a, b = connections[one].settings_dict, connections[other].settings_dict
    if a["ENGINE"] != b["ENGINE"]:
        return False
    if connections[one].vendor == "sqlite":
        return Path(a["NAME"]).resolve() == Path(b["NAME"]).resolve()
    keys = ("NAME", "HOST", "PORT")
    return all(str(a.get(k) or "") == str(b.get(k) or "") for k in keys)


def _connect(alias: str, message: str) -> None:
    try:
        connections[alias].ensure_connection()
    except Exception as exc:  # noqa: BLE001 (any driver's refusal is told, never a traceback)
        raise TransferError(
            message % {"database": describe(alias), "reason": _reason(exc)}
        ) from None


def _reason(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


# --- Schema versions ------------------------------------------------------------------------------


def _pending(alias: str, newer: str) -> list[tuple[str, str]]:
    """The migrations this Daicho has that ``alias`` lacks (none: it is at this version);
    TransferError(``newer``) when ``alias`` has one this Daicho does not know."""
    executor = MigrationExecutor(connections[alias])
    loader = executor.loader
    installed = {config.label for config in apps.get_app_configs()}
    unknown = sorted(
        key
        for key in loader.applied_migrations
        if key[0] in installed and key not in loader.disk_migrations
    )
    pending = [
        (migration.app_label, migration.name)
        for migration, _backwards in executor.migration_plan(loader.graph.leaf_nodes())
    ]
    if unknown:
        raise TransferError(
            newer % {"database": describe(alias), "migration": ".".join(unknown[0])}
        )
    return pending


def _check_source(alias: str) -> None:
    tables = set(connections[alias].introspection.table_names())
    if "django_migrations" not in tables or "core_organisation" not in tables:
        raise TransferError(
            _("The source %(database)s is not a Daicho database.") % {"database": describe(alias)}
        )
    pending = _pending(
        alias,
        _(
            "The source %(database)s was made by a newer version of Daicho (migration "
            "%(migration)s is unknown here): upgrade Daicho first."
        ),
    )
    if pending:
        raise TransferError(
            _(
                "The source %(database)s is not at this version of Daicho (migration "
                "%(migration)s is not applied): run `daicho migrate` on it first."
            )
            % {"database": describe(alias), "migration": ".".join(pending[0])}
        )


def ledger_held(alias: str) -> dict[str, int]:
    """Rows of LEDGER_MODELS in ``alias`` (empty when it has none or no tables yet)."""
    tables = set(connections[alias].introspection.table_names())
    held = {}
    for label in LEDGER_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables:
            count = model._base_manager.using(alias).count()
            if count:
                held[label] = count
    return held


def _prepare_target(alias: str, *, replace: bool, out: Callable[[str], None]) -> bool:
    """Refuse a target that holds a ledger (unless ``replace``) or comes from a newer Daicho;
    create or bring up to date its schema. True when migrations were applied."""
    held = ledger_held(alias)
    if held and not replace:
        raise TransferError(
            _(
                "The target %(database)s already holds a ledger (%(rows)s): move into an empty "
                "database, or add --replace to replace what it holds."
            )
            % {
                "database": describe(alias),
                "rows": ", ".join(f"{label} {n:,}" for label, n in held.items()),
            }
        )
    pending = _pending(
        alias,
        _(
            "The target %(database)s was made by a newer version of Daicho (migration "
            "%(migration)s is unknown here)."
        ),
    )
    if not pending:
        return False
    out(
        _("Creating Daicho's tables in the target (%(count)s migrations)…")
        % {"count": len(pending)}
    )
    try:
        call_command(
            "migrate", database=alias, interactive=False, verbosity=0, stdout=io.StringIO()
        )
    except DatabaseError as exc:
        raise TransferError(
            _("Creating Daicho's tables in the target %(database)s failed: %(reason)s")
            % {"database": describe(alias), "reason": _reason(exc)}
        ) from None
    return True


# --- The copy -----------------------------------------------------------------------------------


def copied_models() -> list[type[models.Model]]:
    """Every model with a table of its own: Daicho's, Django's and the other apps' (users,
    sessions, sign-in attempts, two-factor devices), many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _copy_table(model: type[models.Model], source: str, target: str) -> None:
    """Stream ``model``'s rows from ``source`` into ``target``, primary keys included: each
    value as the source's field reads it, prepared as the target's field writes it."""
    fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
    names = [f.attname for f in fields]
    connection = connections[target]
    # Only the fields whose database form differs between backends are prepared per value
    # (dates and times, JSON, UUIDs, decimals…): text, numbers and keys pass unchanged.
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
    prepare = [
        None
        if isinstance(f, plain) or (f.is_relation and isinstance(f.target_field, plain))
        else f.get_db_prep_save
        for f in fields
    ]
    rows = (
        model._base_manager.using(source)
        .order_by(model._meta.pk.attname)
        .values_list(*names)
        .iterator(chunk_size=CHUNK)
    )
    if all(p is None for p in prepare):
        bulk.insert(model, names, rows, using=target)
        return
    steps = [(i, p) for i, p in enumerate(prepare) if p is not None]

    def prepared() -> Iterator[tuple]:
        for row in rows:
            row = list(row)
            for i, prep in steps:
                row[i] = prep(row[i], connection)
            yield tuple(row)

    bulk.insert(model, names, prepared(), using=target)


def _files(source: str) -> tuple[int, list[str]]:
    """(files the ledger refers to, those of them missing from MEDIA_ROOT)."""
    referred, missing = 0, []
    root = Path(settings.MEDIA_ROOT)
    for model in copied_models():
        for f in model._meta.local_concrete_fields:
            if isinstance(f, models.FileField):
                names = model._base_manager.using(source).exclude(**{f.attname: ""})
                for name in names.values_list(f.attname, flat=True).iterator(chunk_size=CHUNK):
                    referred += 1
                    if not (root / name).is_file():
                        missing.append(name)
    return referred, missing


def _fail(model: type[models.Model] | None, exc: BaseException) -> TransferError:
    where = f"{_label(model)} ({model._meta.db_table})" if model is not None else _("the copy")
    return TransferError(
        _("Nothing was moved: %(table)s failed: %(reason)s")
        % {"table": where, "reason": _reason(exc)}
    )


def _copy(
    source: str,
    target: str,
    *,
    result: TransferResult,
    progress: Callable[[str, str, int], None],
) -> None:
    """Copy every table in one transaction on the target, from one snapshot of the source."""
    src, dst = connections[source], connections[target]
    errors = (DatabaseError, ValueError, TypeError, src.Database.Error, dst.Database.Error)
    chosen = copied_models()
    model = None
    try:
        with ExitStack() as stack:
            snapshot = not src.in_atomic_block
            stack.enter_context(transaction.atomic(using=source))
            if snapshot and src.vendor == "postgresql":
                with src.cursor() as cursor:  # every table read as of the same moment
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            stack.enter_context(transaction.atomic(using=target))
            expected = {m: m._base_manager.using(source).count() for m in chosen}
            result.files, result.missing_files = _files(source)
            present = set(dst.introspection.table_names())
            flush = dst.ops.sql_flush(
                no_style(), [m._meta.db_table for m in chosen if m._meta.db_table in present]
            )
            with dst.cursor() as cursor:  # the rows a fresh `migrate` (or --replace's) left
                for sql in flush:
                    cursor.execute(sql)
            for model in chosen:
                if expected[model]:
                    _copy_table(model, source, target)
                copied = model._base_manager.using(target).count()
                if copied != expected[model]:
                    raise TransferError(
                        _(
                            "Nothing was moved: %(table)s has %(copied)s rows in the target "
                            "where the source has %(expected)s."
                        )
                        % {
                            "table": f"{_label(model)} ({model._meta.db_table})",
                            "copied": f"{copied:,}",
                            "expected": f"{expected[model]:,}",
                        }
                    )
                result.tables[_label(model)] = (model._meta.db_table, copied)
                progress(_label(model), model._meta.db_table, copied)
            model = None
            # Foreign keys are checked at the commit; checked here, a broken one is named.
            dst.check_constraints(table_names=[m._meta.db_table for m in chosen])
            with dst.cursor() as cursor:
                for sql in dst.ops.sequence_reset_sql(no_style(), chosen):
                    cursor.execute(sql)
    except TransferError:
        raise
    except errors as exc:
        raise _fail(model, exc) from None
    finally:
        # The target's content types now have the source's ids (or, rolled back, their own):
        # nothing this process cached of them holds.
        ContentType.objects.clear_cache()


def ledger_transfer(
    *,
    source_url: str | None = None,
    target_url: str | None = None,
    replace: bool = False,
    confirm: Callable[[str, dict[str, int]], None] | None = None,
    progress: Callable[[str, str, int], None] | None = None,
    out: Callable[[str], None] | None = None,
) -> TransferResult:
    """Copy the whole ledger from ``source_url`` into ``target_url`` (either of them None: the
    database Daicho itself uses, DATABASE_URL).

    ``confirm(target, held)`` is called before a target holding a ledger is replaced (it raises
    to stop); ``progress(label, table, rows)`` after each table; ``out(line)`` says what is
    being done. All or nothing: on any failure the target keeps what it held (a target that had
    no tables keeps the empty schema made for it) and TransferError names the table and why.
    """
    if not source_url and not target_url:
        raise TransferError(_("Name the other database with --to URL or --from URL."))
    progress = progress or (lambda label, table, rows: None)
    out = out or (lambda line: None)
    started = time.monotonic()
    with (
        _database(source_url, SOURCE, reading=True) as source,
        _database(target_url, TARGET, reading=False) as target,
    ):
        _connect(source, _("Cannot open the source database %(database)s: %(reason)s"))
        _connect(target, _("Cannot open the target database %(database)s: %(reason)s"))
        if _same_database(source, target):
            raise TransferError(
                _("The source and the target are the same database (%(database)s).")
                % {"database": describe(source)}
            )
        result = TransferResult(source=describe(source), target=describe(target))
        _check_source(source)
        held = ledger_held(target)
        if held and replace and confirm is not None:
            confirm(result.target, held)
        result.replaced = bool(held)
        result.schema_created = _prepare_target(target, replace=replace, out=out)
        _copy(source, target, result=result, progress=progress)
    result.seconds = time.monotonic() - started
    return result
