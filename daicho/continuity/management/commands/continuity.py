"""`daicho continuity LIST [--json]`: the continuity area's lists on the command line.

daicho continuity backups      backup configurations
daicho continuity compliance   systems against the standard in force (--on DATE, --failing)
daicho continuity readiness    ICT-BCP entries and their contradictions
daicho continuity drills       drills with their findings and actions
daicho continuity actions      actions of drill findings (--overdue)
daicho continuity availability availability per system (--fy)
daicho continuity outages      outages (--fy)
"""

from __future__ import annotations

import datetime
import json

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.continuity import selectors
from daicho.continuity.models import BackupConfig, Drill, DrillFinding, Outage, ServiceProfile
from daicho.core import wareki
from daicho.core.access import CLI_MEMBERS
from daicho.core.exports import iso
from daicho.core.management.base import DaichoCommand, organisation_from, user_from

LISTS = ("backups", "compliance", "readiness", "drills", "actions", "availability", "outages")


def _local(value):
    return timezone.localtime(value).isoformat() if value else None


# Who may run it through `--as` (daicho.core.access): the organisation's members.
ACCESS = {"": CLI_MEMBERS}


class Command(DaichoCommand):
    help = "Lists of the continuity area: " + ", ".join(LISTS) + "."

    def add_arguments(self, parser):
        parser.add_argument("list", choices=LISTS)
        parser.add_argument("--org", help="organisation code or name")
        parser.add_argument("--as", dest="as_user", help="only what this user may read")
        parser.add_argument("--on", help="compliance on this date (default: today)")
        parser.add_argument("--fy", help="fiscal year (availability, outages)")
        parser.add_argument("--failing", action="store_true", help="compliance: failing only")
        parser.add_argument("--overdue", action="store_true", help="actions: overdue only")
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args, **options):
        organisation = organisation_from(options["org"])
        user = user_from(options["as_user"], organisation)
        rows = getattr(self, f"list_{options['list']}")(organisation, user, options)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            self.stdout.write("  ".join(_text(v) for v in row.values()))

    def _fy(self, options) -> int:
        if not options["fy"]:
            return wareki.fiscal_year_of(timezone.localdate())
        try:
            return wareki.parse_fiscal_year(options["fy"])
        except wareki.WarekiError as exc:
            raise CommandError(str(exc)) from None

    def list_backups(self, organisation, user, options):
        configs = (
            BackupConfig.objects.visible_to(user)
            .filter(system__organisation=organisation)
            .select_related("system")
            .order_by("system__code")
        )
        return [
            {
                "system": c.system.code,
                "name": c.system.name,
                "method": c.method,
                "target": c.target,
                "frequency": c.frequency,
                "generations": c.generations,
                "copy_location": c.copy_location,
                "encrypted": c.encrypted,
                "last_success_on": iso(c.last_success_on),
            }
            for c in configs
        ]

    def list_compliance(self, organisation, user, options):
        on = timezone.localdate()
        if options["on"]:
            try:
                on = wareki.parse_date(options["on"])
            except wareki.WarekiError as exc:
                raise CommandError(str(exc)) from None
        standard, results = selectors.backup_compliance(organisation=organisation, on=on)
        if standard is None:
            raise CommandError(_("No backup standard is in force on %(date)s.") % {"date": on})
        return [
            {**r.as_dict(), "standard": standard.version, "on": on.isoformat()}
            for r in results
            if not (options["failing"] and r.compliant)
        ]

    def list_readiness(self, organisation, user, options):
        out = []
        for plan in selectors.bcp_list(user=user, organisation=organisation).order_by(
            "system__code"
        ):
            issues = selectors.readiness(plan)
            out.append(
                {
                    "system": plan.system.code,
                    "name": plan.system.name,
                    "priority_work": plan.priority_work,
                    "recovery_priority": plan.recovery_priority,
                    "rto_hours": plan.rto_hours,
                    "rpo_hours": plan.rpo_hours,
                    "dependencies": [d.code for d in plan.dependencies.all()],
                    "contradictions": sum(1 for i in issues if i.contradiction),
                    "issues": [i.as_dict() for i in issues],
                }
            )
        return out

    def list_drills(self, organisation, user, options):
        drills = (
            Drill.objects.visible_to(user)
            .filter(organisation=organisation)
            .prefetch_related("systems", "units", "findings__action_unit")
            .order_by("held_on")
        )
        return [
            {
                "held_on": d.held_on.isoformat(),
                "fiscal_year": wareki.fiscal_year_of(d.held_on),
                "title": d.title,
                "kind": d.kind,
                "participants": d.participants,
                "systems": [s.code for s in d.systems.all()],
                "units": [u.code for u in d.units.all()],
                "findings": [_finding(f) for f in d.findings.all()],
            }
            for d in drills
        ]

    def list_actions(self, organisation, user, options):
        findings = (
            DrillFinding.objects.visible_to(user)
            .filter(drill__organisation=organisation)
            .select_related("drill", "action_unit")
            .order_by("due_on")
        )
        if options["overdue"]:
            findings = findings.overdue(timezone.localdate())
        return [{**_finding(f), "drill": f.drill.title} for f in findings]

    def list_availability(self, organisation, user, options):
        fy = self._fy(options)
        ids = set(
            ServiceProfile.objects.filter(system__organisation=organisation).values_list(
                "system_id", flat=True
            )
        ) | set(
            Outage.objects.visible_to(user)
            .filter(system__organisation=organisation)
            .values_list("system_id", flat=True)
        )
        from daicho.registry.models import InformationSystem

        out = []
        for system in (
            InformationSystem.objects.visible_to(user).filter(pk__in=ids).order_by("code")
        ):
            a = selectors.system_availability(system=system, fiscal_year=fy)
            out.append(
                {
                    "system": system.code,
                    "name": system.name,
                    "fiscal_year": fy,
                    "service_minutes": a.service_minutes,
                    "downtime_minutes": a.downtime_minutes,
                    "planned_minutes": a.planned_minutes,
                    "outages": a.outages,
                    "availability": float(a.percent) if a.percent is not None else None,
                }
            )
        return out

    def list_outages(self, organisation, user, options):
        outages = (
            Outage.objects.visible_to(user)
            .filter(system__organisation=organisation)
            .select_related("system")
            .order_by("started_at")
        )
        if options["fy"]:
            fy = self._fy(options)
            tz = timezone.get_current_timezone()
            outages = outages.filter(
                started_at__lt=datetime.datetime(fy + 1, 4, 1, tzinfo=tz)
            ).exclude(ended_at__lte=datetime.datetime(fy, 4, 1, tzinfo=tz))
        return [
            {
                "system": o.system.code,
                "started_at": _local(o.started_at),
                "ended_at": _local(o.ended_at),
                "planned": o.planned,
                "cause": o.cause,
            }
            for o in outages
        ]


def _finding(f) -> dict:
    return {
        "finding": f.finding,
        "action": f.action,
        "action_unit": f.action_unit.code,
        "action_owner": f.action_owner,
        "due_on": f.due_on.isoformat(),
        "status": f.status,
        "done_on": iso(f.done_on),
        "overdue": f.due_on < timezone.localdate() and f.status != "act",
    }


def _text(value) -> str:
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return value.get("message") or json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)
