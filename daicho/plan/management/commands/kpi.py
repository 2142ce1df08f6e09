"""`daicho kpi --fy 2014 [--plan CODE] [--json]`: every indicator of the year."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils.translation import gettext as _

from daicho.core import metrics
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.plan import selectors
from daicho.plan.models import Plan


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = "Print the plan's indicators (and every registered metric) for a fiscal year."

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="fiscal year, e.g. 2014")
        parser.add_argument("--plan", help="plan code (default: the latest)")
        parser.add_argument("--org", help="organisation code or name")
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args, **options):
        organisation = organisation_from(options["org"])
        plans = Plan.objects.filter(organisation=organisation)
        plan = (
            plans.filter(code=options["plan"]).first()
            if options["plan"]
            else plans.order_by("-start_year").first()
        )
        fy = options["fy"]
        out = []
        covered = set()
        if plan is not None:
            for row in selectors.indicator_rows(plan, fy):
                i = row.indicator
                covered.add(i.metric)
                out.append(
                    {
                        "code": i.code,
                        "name": i.name,
                        "unit": i.unit,
                        "measure": i.measure.code,
                        "actual": _number(row.value),
                        "target": _number(i.target),
                        "target_kind": i.target_kind,
                        "met": row.met,
                        "previous": _number(row.previous),
                        "source": row.source,
                        "detail": row.detail,
                    }
                )
        for key, metric in sorted(metrics.metrics().items()):
            if key in covered:
                continue
            m = metric.compute(organisation, fy)
            prev = metric.compute(organisation, fy - 1)
            out.append(
                {
                    "code": key,
                    "name": metric.name,
                    "unit": metric.unit,
                    "measure": None,
                    "actual": _number(m.value),
                    "target": None,
                    "target_kind": None,
                    "met": None,
                    "previous": _number(prev.value),
                    "source": "computed",
                    "detail": m.detail,
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        na = _("not available")
        for item in out:
            actual = na if item["actual"] is None else f"{item['actual']}{item['unit']}"
            target = "" if item["target"] is None else f" / {item['target']}{item['unit']}"
            met = {True: " ✓", False: " ✗", None: ""}[item["met"]]
            self.stdout.write(f"{item['code']:<30} {actual}{target}{met}  {item['name']}")
