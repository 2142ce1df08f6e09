"""`daicho sam position | unmatched | renormalise`: software asset management from the CLI."""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import audit, wareki
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.core.models import OrgUnit
from daicho.sam import selectors, services

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"position": OPERATOR, "unmatched": OPERATOR, "renormalise": OPERATOR, "remind": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Software asset management: `position` prints the licence compliance position, "
        "`unmatched` the installed names no normalisation rule matches, `renormalise` applies "
        "the rules again to every installation, `remind` reminds the units that have not "
        "confirmed the year's 棚卸 when its deadline is near."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        position = sub.add_parser("position", help="the licence compliance position")
        position.add_argument("--as-of", default=None, help="the date to judge on (default: today)")
        position.add_argument(
            "--unit", default=None, help="only this unit (code or name) and below"
        )
        position.add_argument(
            "--shortfall", action="store_true", help="only titles short of licences"
        )
        position.add_argument("--org", default=None, help="organisation code or name")
        position.add_argument("--json", action="store_true", help="one JSON document on stdout")
        unmatched = sub.add_parser("unmatched", help="installed names no rule matches")
        unmatched.add_argument("--org", default=None)
        unmatched.add_argument("--json", action="store_true")
        renormalise = sub.add_parser("renormalise", help="apply the rules to every installation")
        renormalise.add_argument("--org", default=None)
        renormalise.add_argument("--json", action="store_true")
        remind = sub.add_parser(
            "remind", help="remind units that have not confirmed the 棚卸 (run it daily)"
        )
        remind.add_argument(
            "--days", type=int, default=14, help="remind within N days of the deadline"
        )
        remind.add_argument("--org", default=None)
        remind.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        organisation = organisation_from(options["org"])
        action = options["action"]
        if action == "position":
            return self.position(organisation, options)
        if action == "remind":
            return self.remind(organisation, options)
        if action == "unmatched":
            rows = selectors.unmatched_names(organisation)
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            else:
                for row in rows:
                    self.stdout.write(
                        f"{row['installations']}\t{row['devices']}\t{row['raw_name']}\t{row['publisher']}"
                    )
            return
        with audit.audit_context(actor=None, channel=audit.Channel.CLI):
            changed = services.installations_renormalise(organisation=organisation)
        if options["json"]:
            self.stdout.write(json.dumps({"names_changed": changed}))
        else:
            self.stdout.write(
                _("%(count)d installed names changed title or version.") % {"count": changed}
            )

    def remind(self, organisation, options):
        from daicho.sam.models import CampaignStatus, InventoryCampaign

        if options["days"] < 0:
            raise CommandError(_("--days cannot be negative."))
        today = timezone.localdate()
        reminded = []
        with audit.audit_context(actor=None, channel=audit.Channel.CLI):
            for campaign in InventoryCampaign.objects.filter(
                organisation=organisation, status=CampaignStatus.OPEN
            ):
                for part in services.inventory_remind(
                    campaign=campaign, today=today, days=options["days"]
                ):
                    reminded.append(
                        {
                            "campaign": campaign.name,
                            "deadline": campaign.deadline.isoformat(),
                            "unit": part.unit.code,
                            "unit_name": part.unit.name,
                            "status": part.status,
                        }
                    )
        if options["json"]:
            self.stdout.write(json.dumps(reminded, ensure_ascii=False, indent=1))
            return
        for r in reminded:
            self.stdout.write(f"{r['deadline']}\t{r['unit']}\t{r['unit_name']}\t{r['status']}")
        self.stderr.write(_("%(count)d units reminded.") % {"count": len(reminded)})

    def position(self, organisation, options):
        as_of = timezone.localdate()
        if options["as_of"]:
            try:
                as_of = wareki.parse_date(options["as_of"])
            except wareki.WarekiError as exc:
                raise CommandError(f"--as-of: {exc}") from None
        unit = None
        if options["unit"]:
            unit = OrgUnit.objects.filter(
                Q(code=options["unit"]) | Q(name=options["unit"]), organisation=organisation
            ).first()
            if unit is None:
                raise CommandError(_("No such unit: %(name)s") % {"name": options["unit"]})
        entries = selectors.compliance_position(organisation, as_of=as_of, unit=unit)
        if options["shortfall"]:
            entries = [e for e in entries if e.shortfall]
        if options["json"]:
            self.stdout.write(
                json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=1)
            )
            return
        for e in entries:
            self.stdout.write(
                "\t".join(
                    str(x)
                    for x in (
                        e.title,
                        e.version,
                        e.metric,
                        e.entitled,
                        e.consumed,
                        e.shortfall,
                        e.surplus,
                        e.cost_to_close if e.cost_to_close is not None else "",
                    )
                )
            )
        totals = selectors.position_totals(entries)
        self.stderr.write(
            _(
                "As of %(date)s: %(titles)d titles short of licences, shortfall %(shortfall)d, "
                "surplus %(surplus)d, cost to close %(cost)s yen."
            )
            % {
                "date": as_of.isoformat(),
                "titles": totals["titles_short"],
                "shortfall": totals["shortfall"],
                "surplus": totals["surplus"],
                "cost": f"{totals['cost_to_close']:,}",
            }
        )
