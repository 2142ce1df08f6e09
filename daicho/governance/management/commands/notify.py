"""`daicho notify [--org CODE] [--base-url URL] [--dry-run] [--json]`: the e-mail digest."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.governance.notify import send_digests

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = "Send each member what waits for them (cases to approve or fix, evaluations due)."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="organisation code or name (default: the only one)")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address for links, e.g. https://daicho.lg.jp "
            "(default: DAICHO_PUBLIC_URL)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list, do not send")
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args, **options):
        organisation = organisation_from(options["org"])
        result = send_digests(
            organisation=organisation,
            base_url=(options["base_url"] or settings.DAICHO_PUBLIC_URL).rstrip("/"),
            dry_run=options["dry_run"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for row in result["sent"]:
            self.stdout.write(f"{row['user']:<12} {row['email']:<30} {row['items']}")
        message = (
            _("%(count)d digests would be sent (dry run).")
            if options["dry_run"]
            else _("%(count)d digests sent.")
        )
        self.stderr.write(message % {"count": len(result["sent"])})
