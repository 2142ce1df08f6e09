"""`daicho eol [--as-of DATE] [--within-months N] [--unit UNIT] [--json]`: end-of-support risk."""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import wareki
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.core.models import OrgUnit
from daicho.lifecycle import eol

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = (
        "List every device, server, VM and system component whose software is past its end of "
        "support, or reaches it within N months."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default=None, help="the date to judge on (default: today)")
        parser.add_argument(
            "--within-months", type=int, default=12, help="horizon in months (default: 12)"
        )
        parser.add_argument("--unit", default=None, help="only this unit (code or name) and below")
        parser.add_argument(
            "--kind", action="append", choices=sorted(eol.sources()), help="only these kinds"
        )
        parser.add_argument("--status", choices=["past", "within"], help="only this status")
        parser.add_argument("--org", default=None, help="organisation code or name")
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args, **options):
        organisation = organisation_from(options["org"])
        as_of = timezone.localdate()
        if options["as_of"]:
            try:
                as_of = wareki.parse_date(options["as_of"])
            except wareki.WarekiError as exc:
                raise CommandError(f"--as-of: {exc}") from None
        if options["within_months"] < 0:
            raise CommandError(_("--within-months cannot be negative."))
        try:
            eol.horizon_end(as_of, options["within_months"])
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from None
        unit = None
        if options["unit"]:
            unit = OrgUnit.objects.filter(
                Q(code=options["unit"]) | Q(name=options["unit"]), organisation=organisation
            ).first()
            if unit is None:
                raise CommandError(_("No such unit: %(name)s") % {"name": options["unit"]})
        items = eol.eol_items(
            organisation=organisation,
            as_of=as_of,
            within_months=options["within_months"],
            unit=unit,
            kinds=options["kind"],
            status=options["status"],
        )
        by_system: dict[str, dict] = {}
        for item in items:
            if item.system_code:
                entry = by_system.setdefault(
                    item.system_code,
                    {"system": item.system_code, "name": item.system_name, "past": 0, "within": 0},
                )
                entry[item.status] += 1
        if options["json"]:
            document = {
                "organisation": organisation.code or organisation.name,
                "as_of": as_of.isoformat(),
                "within_months": options["within_months"],
                "unit": unit.code if unit else None,
                "count": len(items),
                "past": sum(1 for i in items if i.status == "past"),
                "within": sum(1 for i in items if i.status == "within"),
                "items": [i.as_dict() for i in items],
                "systems_affected": sorted(by_system.values(), key=lambda s: s["system"]),
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
            return
        for item in items:
            self.stdout.write(
                "\t".join(
                    [
                        item.status,
                        item.eol.isoformat(),
                        item.kind,
                        item.name,
                        item.unit,
                        f"{item.system_code} {item.system_name}".strip(),
                        f"{item.product} {item.release}",
                    ]
                )
            )
        self.stderr.write(
            _(
                "%(count)d records: %(past)d past end of support, "
                "%(within)d within %(months)d months (as of %(date)s)."
            )
            % {
                "count": len(items),
                "past": sum(1 for i in items if i.status == "past"),
                "within": sum(1 for i in items if i.status == "within"),
                "months": options["within_months"],
                "date": as_of.isoformat(),
            }
        )
