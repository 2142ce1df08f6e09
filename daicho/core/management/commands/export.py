"""`daicho export KIND --format csv|xlsx|json [-o FILE]`: the ledger as a file;
`daicho export KIND --template -o FILE.xlsx`: the Excel template to fill in for an import."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core import exports
from daicho.core.access import CLI_READERS
from daicho.core.management.base import DaichoCommand, user_from

# Who may run it through `--as` (daicho.core.access): each user exports what it may read.
ACCESS = {"": CLI_READERS}


class Command(DaichoCommand):
    help = (
        "Export a kind of record (any import kind, cases, evaluations) as CSV, XLSX or JSON, "
        "the Excel template of an import kind (--template), or the open-data files and "
        "catalogue of every organisation into a folder (opendata -o DIR)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kind",
            help="what to export: "
            + ", ".join(exports.kinds())
            + "; into a folder (-o DIR): "
            + ", ".join(exports.folders()),
        )
        parser.add_argument(
            "--format",
            choices=exports.FORMATS,
            default=None,
            help="file format (default: from -o's extension, else json)",
        )
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--as", dest="as_user", help="export only what this user may read (default: everything)"
        )
        parser.add_argument(
            "--codes",
            action="store_true",
            help="CSV in the canonical column names and values (as JSON has them) instead of "
            "Japanese headers and choice names; both import back",
        )
        parser.add_argument(
            "--template",
            action="store_true",
            help="write the kind's empty XLSX template to fill in for an import (headers, an "
            "example row, drop-down lists) instead of the records",
        )

    def handle(self, *args, **options):
        if options["template"]:
            self._template(options)
            return
        kinds = exports.kinds()
        folders = exports.folders()
        if options["kind"] in folders:
            if not options["output"]:
                raise CommandError(
                    _("%(kind)s writes several files: give a folder with -o.")
                    % {"kind": options["kind"]}
                )
            for path in folders[options["kind"]](options["output"]):
                self.stderr.write(_("Wrote %(file)s.") % {"file": path})
            return
        if options["kind"] not in kinds:
            raise CommandError(
                _("Unknown kind %(kind)s; choose one of: %(kinds)s")
                % {"kind": options["kind"], "kinds": ", ".join([*kinds, *folders])}
            )
        fmt = options["format"]
        output = options["output"]
        if fmt is None:
            suffix = output.rsplit(".", 1)[-1].lower() if output and "." in output else "json"
            fmt = suffix if suffix in exports.FORMATS else "json"
        if fmt == "xlsx" and not output:
            raise CommandError(_("XLSX is binary: give a file with -o."))
        user = user_from(options["as_user"])
        kind = kinds[options["kind"]]
        data = exports.write(kind, kind.queryset(user), fmt, codes=options["codes"])
        if output:
            self._write(output, data)
        else:
            self.stdout.write(data.decode("utf-8"), ending="")

    def _template(self, options):
        """`--template`: the import template of the kind, as XLSX."""
        from daicho.core.importing import engine, template

        kind = engine.kinds().get(options["kind"])
        if kind is None:
            raise CommandError(
                _("No import template for %(kind)s; choose one of: %(kinds)s")
                % {"kind": options["kind"], "kinds": ", ".join(engine.kinds())}
            )
        if options["format"] not in (None, "xlsx"):
            raise CommandError(_("A template is an Excel workbook: use --format xlsx."))
        if not options["output"]:
            raise CommandError(_("XLSX is binary: give a file with -o."))
        self._write(options["output"], template.build(kind))

    def _write(self, output, data: bytes) -> None:
        try:
            with open(output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": exc.strerror}
            ) from None
        self.stderr.write(_("Wrote %(file)s.") % {"file": output})
