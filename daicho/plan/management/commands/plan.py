"""`daicho plan import FILE|--builtin NAME`, `daicho plan export`, `daicho plan publish --fy`."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.core.models import Organisation
from daicho.plan import services
from daicho.plan.models import Plan

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"import": OPERATOR, "export": OPERATOR, "publish": OPERATOR}


class Command(DaichoCommand):
    help = "Plans: import a plan file (YAML) or a built-in plan, export one, publish a year."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="load a plan file (or --builtin okayama-2014)")
        imp.add_argument("file", nargs="?")
        imp.add_argument("--builtin", choices=sorted(services.BUILTIN))
        imp.add_argument("--org", help="organisation code or name (default: the only one)")
        exp = sub.add_parser("export", help="write a plan as YAML")
        exp.add_argument("--plan", help="plan code (default: the latest)")
        exp.add_argument("-o", "--output")
        exp.add_argument("--org")
        pub = sub.add_parser("publish", help="freeze a fiscal year's figures")
        pub.add_argument("--fy", type=int, required=True)
        pub.add_argument("--plan")
        pub.add_argument("--org")

    def handle(self, *args, **options):
        organisation = organisation_from(options.get("org"))
        if options["action"] == "import":
            if options["builtin"]:
                text = services.BUILTIN[options["builtin"]].read_text(encoding="utf-8")
            elif options["file"]:
                try:
                    with open(options["file"], encoding="utf-8") as fh:
                        text = fh.read()
                except OSError as exc:
                    raise CommandError(f"{options['file']}: {exc.strerror}") from None
            else:
                raise CommandError(_("Give a plan file or --builtin NAME."))
            plan = services.plan_import(organisation=organisation, data=services.plan_data(text))
            count = sum(m.indicators.count() for m in plan.measures.all())
            self.stdout.write(
                _("Plan %(title)s: %(measures)d measures, %(indicators)d indicators.")
                % {"title": plan.title, "measures": plan.measures.count(), "indicators": count}
            )
            return
        plan = plan_from(organisation, options.get("plan"))
        if options["action"] == "export":
            text = services.plan_export(plan=plan)
            if options["output"]:
                with open(options["output"], "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                self.stdout.write(text, ending="")
            return
        count = services.year_publish(plan=plan, fiscal_year=options["fy"])
        self.stdout.write(
            _("FY%(year)s published: %(count)d figures frozen.")
            % {"year": options["fy"], "count": count}
        )


def plan_from(organisation: Organisation, code: str | None) -> Plan:
    plans = Plan.objects.filter(organisation=organisation)
    plan = plans.filter(code=code).first() if code else plans.order_by("-start_year").first()
    if plan is None:
        raise CommandError(
            _("No plan%(code)s; load one with `daicho plan import`.")
            % {"code": f" {code}" if code else ""}
        )
    return plan
