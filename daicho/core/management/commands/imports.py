"""`daicho imports purge [--days N] [--json]`: remove uploaded import files kept too long."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.importing import services
from daicho.core.management.base import DaichoCommand

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"purge": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Uploaded import files: `imports purge [--days N]` removes those older than N days "
        "(default DAICHO_IMPORT_FILES_DAYS), rejected and unconfirmed ones included. "
        "`daicho serve` runs it at start; run it daily from cron on a server that stays up."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="remove uploaded import files older than N days")
        purge.add_argument(
            "--days", type=int, default=None, help="default: DAICHO_IMPORT_FILES_DAYS"
        )
        purge.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        report = services.import_files_purge(days=options["days"])
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(
                _("%(files)d uploaded import files removed (%(bytes)d bytes).") % report
            )
