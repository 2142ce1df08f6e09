"""`daicho restore FILE`: replace the ledger with a backup made by `daicho backup`."""

from __future__ import annotations

import json
import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.backup import BackupError, backup_read, backup_restore, ledger_counts
from daicho.core.management.base import DaichoCommand

SHOWN = ("core.Organisation", "core.User", "registry.InformationSystem", "registry.CostLine")


# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Replace the database and the attachments with a backup made by `daicho backup` "
        "(asks first unless --yes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an archive written by `daicho backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        try:
            info = backup_read(options["file"])
            if not options["yes"]:
                self._confirm(info)
            info = backup_restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(info.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            _("Restored the ledger as it was at %(time)s from %(file)s.")
            % {"time": info.created_at, "file": info.path}
        )
        self.stdout.write(_("If Daicho was upgraded since then, run `daicho migrate`."))

    def _confirm(self, info) -> None:
        now = ledger_counts()
        lines = [
            _("This replaces the whole ledger with the backup of %(time)s.")
            % {"time": info.created_at}
        ]
        for label in SHOWN:
            lines.append(f"  {label}: {now.get(label, 0):,} → {info.counts.get(label, 0):,}")
        self.stderr.write("\n".join(lines))
        if not sys.stdin.isatty():
            raise CommandError(_("Not restored: confirm with --yes."))
        answer = input(_("Type yes to restore: "))
        if answer.strip().lower() != "yes":
            raise CommandError(_("Not restored."))
