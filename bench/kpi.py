"""Benchmark: every indicator of a fiscal year, and the annual XLSX, on a large ledger.

Uses the same data as bench/registry_list.py (10,000 systems, 100,000 cost lines; devices and
installations come with the SAM area and are not generated yet), loads the built-in plan, then
times `indicator_rows` (all indicators of FY2014) and `report.xlsx`. Goals (issue #8): all
indicators under 2 s, the annual XLSX under 10 s, on SQLite and PostgreSQL.

    .venv/bin/python bench/kpi.py [--systems 10000] [--lines 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registry_list  # noqa: E402  (the shared data generator)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", help="scratch folder to keep (default: a temporary one)")
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="daicho-kpi-"))
    scratch.mkdir(parents=True, exist_ok=True)
    registry_list.setup_django(scratch)

    from django.db import connection

    from daicho.core.audit import Channel, audit_context
    from daicho.core.models import Organisation
    from daicho.plan import report, selectors, services

    registry_list.generate(args.systems, args.lines)
    organisation = Organisation.objects.get(code="399999")
    with audit_context(actor=None, channel=Channel.CLI):
        text = services.BUILTIN["okayama-2014"].read_text(encoding="utf-8")
        plan = services.plan_import(organisation=organisation, data=services.plan_data(text))

    def timed(fn) -> list[float]:
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        return samples

    rows = selectors.indicator_rows(plan, 2014)
    available = sum(1 for r in rows if r.available)
    indicators = timed(lambda: selectors.indicator_rows(plan, 2014))
    workbook = timed(lambda: report.xlsx(plan, 2014))
    print(
        f"data: {args.systems} systems, {args.lines} cost lines on {connection.vendor}; "
        f"{len(rows)} indicators, {available} computable today"
    )
    print(f"{'':22} {'median s':>9} {'max s':>9} {'goal s':>7}")
    print(
        f"{'all indicators FY2014':22} {statistics.median(indicators):9.3f} "
        f"{max(indicators):9.3f} {2:7}"
    )
    print(f"{'annual XLSX':22} {statistics.median(workbook):9.3f} {max(workbook):9.3f} {10:7}")


if __name__ == "__main__":
    main()
