"""`daicho backup FILE`: a consistent archive of the ledger while the server keeps running."""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.backup import BackupError, backup_create
from daicho.core.management.base import DaichoCommand

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Write the database and the attachments to one archive (SQLite online backup or pg_dump); "
        "`daicho restore FILE` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. daicho-20260401.tar.gz")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        try:
            info = backup_create(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(info.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            _("Backed up the %(vendor)s database and %(media)d files to %(file)s (%(size)s bytes).")
            % {
                "vendor": info.vendor,
                "media": info.media_files,
                "file": info.path,
                "size": f"{info.size:,}",
            }
        )
