"""`daicho transfer --to URL` / `--from URL`: move the whole ledger to another database, e.g. from
the embedded SQLite to PostgreSQL (docs/operations.md, "Moving from SQLite to PostgreSQL")."""

from __future__ import annotations

import json
import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand
from daicho.core.transfer import TransferError, ledger_transfer

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Copy the whole ledger (every table, users, audit log, import batches) into another "
        "database in one transaction: --to URL from the database Daicho uses, or --from URL into "
        "it. The target must be empty (its tables are created) unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            dest="target",
            metavar="URL",
            help="the database to copy into, written like DATABASE_URL "
            "(e.g. postgres://daicho@127.0.0.1:5432/daicho)",
        )
        parser.add_argument(
            "--from",
            dest="source",
            metavar="URL",
            help="the database to copy from (e.g. sqlite:////srv/daicho/var/daicho.sqlite3)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the ledger the target already holds (asks first unless --yes)",
        )
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        if bool(options["source"]) == bool(options["target"]):
            raise CommandError(
                _(
                    "Name the other database with either --to URL (copy Daicho's database "
                    "there) or --from URL (copy it into Daicho's database)."
                )
            )
        quiet = options["json"]
        say = self.stderr.write if quiet else self.stdout.write
        try:
            result = ledger_transfer(
                source_url=options["source"],
                target_url=options["target"],
                replace=options["replace"],
                confirm=None if options["yes"] else self._confirm,
                progress=None if quiet else self._progress,
                out=say,
            )
        except TransferError as exc:
            raise CommandError(str(exc)) from None
        if quiet:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        empty = sum(1 for _table, rows in result.tables.values() if not rows)
        self.stdout.write(
            _(
                "Moved %(rows)s rows of %(tables)s tables (and %(empty)s empty ones) from "
                "%(source)s to %(target)s in %(seconds).1f s."
            )
            % {
                "rows": f"{result.rows:,}",
                "tables": len(result.tables) - empty,
                "empty": empty,
                "source": result.source,
                "target": result.target,
                "seconds": result.seconds,
            }
        )
        self.stdout.write(
            _(
                "The %(files)s attached files stay in MEDIA_ROOT; both databases name them "
                "alike (on another server, copy that folder)."
            )
            % {"files": result.files}
        )
        for name in result.missing_files[:10]:
            self.stderr.write(_("Missing from MEDIA_ROOT already: %(file)s") % {"file": name})
        if options["target"]:
            self.stdout.write(_("Next: set DATABASE_URL to the target and restart Daicho."))

    def _progress(self, label: str, table: str, rows: int) -> None:
        if rows:
            self.stdout.write(f"  {label:<40} {rows:>12,}")

    def _confirm(self, target: str, held: dict[str, int]) -> None:
        lines = [_("This replaces the whole ledger in %(target)s:") % {"target": target}]
        lines += [f"  {label}: {rows:,}" for label, rows in held.items()]
        self.stderr.write("\n".join(lines))
        if not sys.stdin.isatty():
            raise TransferError(_("Not moved: confirm with --yes."))
        answer = input(_("Type yes to replace it: "))
        if answer.strip().lower() != "yes":
            raise TransferError(_("Not moved."))
