"""`daicho couse add SYSTEM ORGANISATION --share PERCENT`: record co-use (共同利用)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from daicho.core import wareki
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.core.models import Organisation
from daicho.registry import services
from daicho.registry.models import InformationSystem, SystemCoUse

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"add": OPERATOR, "list": OPERATOR, "remove": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Co-use of systems with other organisations (共同利用): `couse add SYSTEM ORGANISATION "
        "--share PERCENT [--from DATE] [--until DATE]`, `couse list [--json]`, "
        "`couse remove SYSTEM ORGANISATION`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="record (or change) a co-use and its cost share")
        add.add_argument("system", help="system ID")
        add.add_argument("co_user", help="the co-using organisation (code or name)")
        add.add_argument("--share", required=True, help="share of the cost in percent, e.g. 3.7")
        add.add_argument("--from", dest="started_on", default=None, help="date (和暦 accepted)")
        add.add_argument("--until", dest="ended_on", default=None, help="date (和暦 accepted)")
        add.add_argument("--note", default="")
        add.add_argument("--org", help="the owning organisation (default: the only one)")
        remove = sub.add_parser("remove", help="delete a co-use record")
        remove.add_argument("system")
        remove.add_argument("co_user")
        remove.add_argument("--org")
        listing = sub.add_parser("list", help="every co-use with its share")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "list":
            rows = [
                {
                    "system": c.system.code,
                    "system_name": c.system.name,
                    "co_user": c.co_user.code or c.co_user.name,
                    "co_user_name": c.co_user.name,
                    "share_percent": str(c.share_percent),
                    "started_on": c.started_on.isoformat() if c.started_on else None,
                    "ended_on": c.ended_on.isoformat() if c.ended_on else None,
                }
                for c in SystemCoUse.objects.select_related("system", "co_user").order_by(
                    "system__code", "co_user__code"
                )
            ]
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False))
            else:
                for r in rows:
                    self.stdout.write(
                        f"{r['system']}\t{r['co_user_name']}\t{r['share_percent']}%\t"
                        f"{r['started_on'] or '-'}\t{r['ended_on'] or '-'}"
                    )
            return
        owner = organisation_from(options["org"])
        system = InformationSystem.objects.filter(
            organisation=owner, code=options["system"]
        ).first()
        if system is None:
            raise CommandError(_("No system %(code)s.") % {"code": options["system"]})
        key = options["co_user"]
        co_user = Organisation.objects.filter(Q(code=key) | Q(name=key)).first()
        if co_user is None:
            raise CommandError(_("No organisation %(key)s.") % {"key": key})
        if options["action"] == "remove":
            co_use = SystemCoUse.objects.filter(system=system, co_user=co_user).first()
            if co_use is None:
                raise CommandError(
                    _("%(org)s does not co-use %(code)s.") % {"org": co_user, "code": system.code}
                )
            services.co_use_remove(co_use=co_use)
            self.stdout.write(_("Removed."))
            return
        try:
            share = Decimal(options["share"].strip().rstrip("%％"))
        except InvalidOperation:
            raise CommandError(_("--share must be a number of percent, e.g. 3.7")) from None
        dates = {}
        for name in ("started_on", "ended_on"):
            if options[name]:
                try:
                    dates[name] = wareki.parse_date(options[name])
                except ValueError as exc:
                    raise CommandError(f"{options[name]}: {exc}") from None
        co_use = services.co_use_set(
            system=system, co_user=co_user, share_percent=share, note=options["note"], **dates
        )
        self.stdout.write(
            _("%(org)s co-uses %(system)s with a %(share)s%% share.")
            % {"org": co_user.name, "system": system.name, "share": co_use.share_percent}
        )
