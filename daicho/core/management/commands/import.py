"""`daicho import KIND FILE`: load a CSV/TSV/XLSX file into the ledger, all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core.access import CLI_IMPORTERS
from daicho.core.importing import engine, services, values
from daicho.core.management.base import DaichoCommand, Refused, organisation_from, user_from
from daicho.core.permissions import scope_of

# Who may run it through `--as` (daicho.core.access): those who edit the organisation's ledger.
ACCESS = {"": CLI_IMPORTERS}


class Command(DaichoCommand):
    help = (
        "Import a file (CSV/TSV in UTF-8, UTF-8 with BOM, CP932 or UTF-16; or XLSX): "
        "all or nothing unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: " + ", ".join(engine.kinds()))
        parser.add_argument("file", help="the file to read, or - for standard input")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and report what would change; write nothing",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="write the good rows and report the bad ones",
        )
        parser.add_argument(
            "--map", default=None, help='rename headers: "Their header=column,Other=column"'
        )
        parser.add_argument("--sheet", default=None, help="XLSX worksheet (default: the first)")
        parser.add_argument(
            "--encoding",
            default=None,
            help="text encoding (default: detected; e.g. cp932, utf-8, utf-16)",
        )
        parser.add_argument(
            "--no-create",
            default=None,
            metavar="KIND[,KIND]",
            help="refuse rows naming references the ledger lacks instead of creating them: "
            + ", ".join(engine.REFERENCES),
        )
        parser.add_argument(
            "--no-create-units",
            action="store_true",
            help="the same as --no-create units",
        )
        parser.add_argument(
            "--device",
            default=None,
            help="installations: the device of a table that has no device column",
        )
        parser.add_argument(
            "--effective",
            default=None,
            help="the date a changed hosting or server placement takes effect "
            "(e.g. 2014-04-01 or 平成26年4月1日; default: today)",
        )
        parser.add_argument("--org", default=None, help="organisation code or name")
        parser.add_argument(
            "--as",
            dest="as_user",
            default=None,
            help="import with this user's permissions (default: the operator)",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the summary as one JSON document"
        )

    def handle(self, *args, **options):
        source = options["file"]
        name = None
        if source == "-":
            # Standard input, spooled (a zip or an XLSX needs to seek; the digest reads it twice).
            spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115
            shutil.copyfileobj(self.stdin_binary(), spool, 1 << 20)
            spool.seek(0)
            source, name = spool, "stdin"
        elif not os.path.exists(source):
            raise CommandError(_("No such file: %(file)s") % {"file": source})
        organisation = organisation_from(options["org"])
        user = None
        if options["as_user"]:
            user = user_from(options["as_user"])
            scope = scope_of(user)
            if organisation.pk not in (
                scope.policy_org_ids | scope.owner_org_ids | scope.sam_org_ids
            ):
                raise Refused(
                    _("%(user)s does not edit the ledger of %(org)s, so may not import into it.")
                    % {"user": user.username, "org": organisation.name}
                )
        effective = None
        if options["effective"]:
            try:
                effective = values.date(options["effective"])
            except values.CellError as exc:
                raise CommandError(f"--effective: {exc}") from None
        progress = None if options["json"] else self._progress()
        # A dry run previews as the web does, on a snapshot (never the live write lock on
        # SQLite); an import checks every row first, then writes in short transactions.
        run = services.import_dry_run if options["dry_run"] else services.import_apply
        result = run(
            kind=options["kind"],
            source=source,
            name=name,
            organisation=organisation,
            user=user,
            skip_invalid=options["skip_invalid"],
            refuse=options["no_create"],
            create_refs=not options["no_create_units"],
            mapping=options["map"],
            sheet=options["sheet"],
            encoding=options["encoding"],
            effective=effective,
            device=options["device"],
            progress=progress.update if progress else None,
        )
        if progress:
            progress.stop()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        else:
            self._report(result)
        if not result.ok:
            raise SystemExit(1)

    @staticmethod
    def stdin_binary():
        """Standard input as bytes (tests replace sys.stdin with a text or bytes stream)."""
        return getattr(sys.stdin, "buffer", sys.stdin)

    def _progress(self):
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=self.stderr._out, stderr=True)
        if not console.is_terminal:
            return None
        bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        task = bar.add_task("import", total=None)
        bar.start()

        class _Progress:
            def update(self, done: int) -> None:
                bar.update(task, completed=done)

            def stop(self) -> None:
                bar.stop()

        return _Progress()

    def _report(self, result: engine.Result) -> None:
        batch = result.batch
        write = self.stdout.write
        if result.fatal:
            self.stderr.write(f"{batch.file_name}: {result.fatal}")
            return
        for header in result.unknown_columns:
            self.stderr.write(
                _("%(file)s: unknown column “%(header)s” was not imported (use --map to name it)")
                % {"file": batch.file_name, "header": header}
            )
        for note in result.notes:
            self.stderr.write(f"{batch.file_name}: {engine.note_text(note)}")
        # One line per cause, with how many rows and which: 10,000 rows with one cause are
        # one line, not 10,000.
        for group in result.group_dicts(ranges_limit=10):
            where = f" {group['header']}" if group["header"] else ""
            value = f" “{group['value']}”" if group["value"] and group["count"] == 1 else ""
            rows = f" — {group['rows_text']}" if group["rows_text"] else ""
            self.stderr.write(f"{batch.file_name}:{where}{value}: {group['message']}{rows}")
        status = {
            "applied": _("imported"),
            "dry_run": _("dry run, nothing written"),
            "rejected": _("nothing written"),
        }.get(batch.status, batch.status)
        write(
            _(
                "%(kind)s from %(file)s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(rejected)d rejected — %(status)s (batch %(batch)s)"
            )
            % {
                "kind": batch.kind,
                "file": batch.file_name,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "rejected": batch.rejected,
                "status": status,
                "batch": batch.batch_id,
            }
        )
        for reference, names in batch.created_refs.items():
            label = engine.REFERENCES.get(reference, reference)
            write(f"  {label}: {'、'.join(names)}")
        for line in engine.row_changes_lines(batch):
            write(line)
