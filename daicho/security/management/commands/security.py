"""`daicho security LIST [--json]`: incidents, training and targeted-mail drills.

daicho security incidents [--fy 2014]
daicho security training  [--fy 2014]   sessions with attendance (staff trained per year)
daicho security phishing                 drills and the trend of their rates
"""

from __future__ import annotations

import datetime
import json

from django.core.management.base import CommandError
from django.db.models import Count, Q

from daicho.core import wareki
from daicho.core.access import CLI_MEMBERS
from daicho.core.management.base import DaichoCommand, organisation_from, user_from
from daicho.security import selectors
from daicho.security.models import Incident, TrainingSession

LISTS = ("incidents", "training", "phishing")


def _num(value):
    return None if value is None else float(value)


# Who may run it through `--as` (daicho.core.access): the organisation's members.
ACCESS = {"": CLI_MEMBERS}


class Command(DaichoCommand):
    help = "Lists of the security area: " + ", ".join(LISTS) + "."

    def add_arguments(self, parser):
        parser.add_argument("list", choices=LISTS)
        parser.add_argument("--org", help="organisation code or name")
        parser.add_argument("--as", dest="as_user", help="only what this user may read")
        parser.add_argument("--fy", help="fiscal year")
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args, **options):
        organisation = organisation_from(options["org"])
        user = user_from(options["as_user"], organisation)
        fy = None
        if options["fy"]:
            try:
                fy = wareki.parse_fiscal_year(options["fy"])
            except wareki.WarekiError as exc:
                raise CommandError(str(exc)) from None
        rows = getattr(self, f"list_{options['list']}")(organisation, user, fy)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            self.stdout.write("  ".join("" if v is None else str(v) for v in row.values()))

    @staticmethod
    def _in_year(queryset, field, fy):
        if fy is None:
            return queryset
        return queryset.filter(
            **{
                f"{field}__gte": datetime.date(fy, 4, 1),
                f"{field}__lte": datetime.date(fy + 1, 3, 31),
            }
        )

    def list_incidents(self, organisation, user, fy):
        incidents = (
            self._in_year(
                Incident.objects.visible_to(user).filter(organisation=organisation),
                "occurred_on",
                fy,
            )
            .select_related("unit")
            .prefetch_related("systems")
            .order_by("occurred_on", "code")
        )
        return [
            {
                "code": i.code,
                "occurred_on": i.occurred_on.isoformat(),
                "title": i.title,
                "kind": i.kind,
                "severity": i.severity,
                "unit": i.unit.code,
                "systems": [s.code for s in i.systems.all()],
                "personal_data": i.personal_data,
                "personal_records": i.personal_records,
                "status": i.status,
                "reported_to": i.reported_to,
            }
            for i in incidents
        ]

    def list_training(self, organisation, user, fy):
        sessions = (
            self._in_year(
                TrainingSession.objects.visible_to(user).filter(organisation=organisation),
                "held_on",
                fy,
            )
            .annotate(
                registered=Count("attendances"),
                attended=Count("attendances", filter=Q(attendances__attended=True)),
            )
            .order_by("held_on", "code")
        )
        return [
            {
                "code": s.code,
                "held_on": s.held_on.isoformat(),
                "title": s.title,
                "topic": s.topic,
                "hours": _num(s.hours),
                "registered": s.registered,
                "attended": s.attended,
            }
            for s in sessions
        ]

    def list_phishing(self, organisation, user, fy):
        rows = selectors.phishing_trend(user=user, organisation=organisation)
        return [
            {
                "sent_on": r["drill"].sent_on.isoformat(),
                "title": r["drill"].title,
                "sent": r["sent"],
                "opened": r["opened"],
                "clicked": r["clicked"],
                "reported": r["reported"],
                "opened_rate": _num(r["opened_rate"]),
                "clicked_rate": _num(r["clicked_rate"]),
                "reported_rate": _num(r["reported_rate"]),
                "clicked_change": _num(r["clicked_change"]),
            }
            for r in rows
            if fy is None or wareki.fiscal_year_of(r["drill"].sent_on) == fy
        ]
