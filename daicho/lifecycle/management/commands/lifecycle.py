"""`daicho lifecycle update FILE | rematch | unmatched | products`: the end-of-support data."""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core import audit
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.lifecycle import selectors, services

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"update": OPERATOR, "rematch": OPERATOR, "unmatched": OPERATOR, "products": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Software lifecycle data: `update FILE` loads an endoflife.date JSON dump (local edits "
        "kept), `rematch` re-resolves every OS/product name, `unmatched` lists names no rule "
        "matches, `products` lists products and their end-of-support dates."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        update = sub.add_parser("update", help="load an endoflife.date JSON file")
        update.add_argument("file")
        update.add_argument(
            "--product", help="product key for a file that lists one product's releases"
        )
        update.add_argument(
            "--create-products", action="store_true", help="add products Daicho does not know"
        )
        update.add_argument("--json", action="store_true")
        rematch = sub.add_parser("rematch", help="re-resolve every raw name to a release")
        rematch.add_argument("--json", action="store_true")
        unmatched = sub.add_parser("unmatched", help="names no rule matches")
        unmatched.add_argument("--org", default=None)
        unmatched.add_argument("--json", action="store_true")
        products = sub.add_parser("products", help="products and their releases")
        products.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        action = options["action"]
        with audit.audit_context(actor=None, channel=audit.Channel.CLI):
            if action == "update":
                try:
                    report = services.endoflife_update(
                        path=options["file"],
                        product=options["product"],
                        create_products=options["create_products"],
                    )
                except FileNotFoundError:
                    raise CommandError(
                        _("No such file: %(file)s") % {"file": options["file"]}
                    ) from None
                self._out(options, report.as_dict(), self._update_text(report))
            elif action == "rematch":
                changed = services.rematch()
                self._out(
                    options,
                    {"changed": changed},
                    _("%(n)d records changed release.") % {"n": changed},
                )
            elif action == "unmatched":
                organisation = organisation_from(options["org"])
                names = selectors.unmatched_names(organisation=organisation)
                self._out(
                    options,
                    [
                        {
                            "name": n.raw,
                            "records": n.count,
                            "where": list(n.kinds),
                            "reason": n.reason,
                        }
                        for n in names
                    ],
                    "\n".join(f"{n.count}\t{n.raw}\t{n.reason}" for n in names),
                )
            else:
                rows = [
                    {
                        "product": p.slug,
                        "name": p.name,
                        "releases": [
                            {
                                "cycle": r.cycle,
                                "label": r.label,
                                "released_on": r.released_on.isoformat() if r.released_on else None,
                                "end_of_support": r.eol.isoformat() if r.eol else None,
                                "extended_support_end": r.extended_support_end.isoformat()
                                if r.extended_support_end
                                else None,
                            }
                            for r in p.releases.all()
                        ],
                    }
                    for p in selectors.product_list()
                ]
                text = "\n".join(
                    f"{p['name']}\t{r['label']}\t{r['end_of_support'] or '-'}"
                    for p in rows
                    for r in p["releases"]
                )
                self._out(options, rows, text)

    def _update_text(self, report) -> str:
        lines = [
            _("Releases: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": report.releases_created,
                "updated": report.releases_updated,
                "unchanged": report.releases_unchanged,
            },
            _("%(n)d records changed release.") % {"n": report.rematched},
        ]
        lines += [_("Kept the local edit of %(field)s") % {"field": f} for f in report.kept_local]
        return "\n".join(lines)

    def _out(self, options, data, text: str) -> None:
        if options.get("json"):
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
        elif text:
            self.stdout.write(text)
