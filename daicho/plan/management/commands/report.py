"""`daicho report annual --fy 2014 -o report.xlsx|.pdf|.html`: the committee's annual report."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.plan import report
from daicho.plan.management.commands.plan import plan_from

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = "Write the annual report (XLSX, PDF or HTML, by the output file's extension)."

    def add_arguments(self, parser):
        parser.add_argument("which", choices=["annual"])
        parser.add_argument("--fy", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, help="report.xlsx, .pdf or .html")
        parser.add_argument("--plan")
        parser.add_argument("--org")

    def handle(self, *args, **options):
        plan = plan_from(organisation_from(options["org"]), options["plan"])
        target = Path(options["output"])
        suffix = target.suffix.lower()
        if suffix == ".xlsx":
            content = report.xlsx(plan, options["fy"])
        elif suffix in (".html", ".htm"):
            content = report.html(plan, options["fy"]).encode("utf-8")
        elif suffix == ".pdf":
            try:
                content = report.pdf(plan, options["fy"], keep_warm=False)  # a one-off
            except report.PdfUnavailable as exc:
                raise CommandError(str(exc)) from None
        else:
            raise CommandError(_("Give a file ending in .xlsx, .pdf or .html."))
        try:
            target.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{target}: {exc.strerror}") from None
        self.stderr.write(_("Wrote %(file)s.") % {"file": target})
