"""Benchmark: every indicator of a fiscal year, and the annual XLSX, on a large ledger.

Uses the data of bench/registry_list.py (10,000 systems, 100,000 cost lines) and of bench/eol.py
(100,000 devices, 5,000 servers), imports 1,000,000 installations (10,000 devices × 100 programs,
as bench/sam.py writes them), loads the built-in plan, then times `indicator_rows` (all
indicators of FY2014) and `report.xlsx` (which carries each area's summary: consolidation, end
of support, backups, the licence position). Goals (issue #8): all indicators under 2 s, the
annual XLSX under 10 s, on SQLite and PostgreSQL.

    .venv/bin/python bench/kpi.py [--systems 10000] [--lines 100000] [--devices 100000]
                                  [--installations 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eol  # noqa: E402  (devices and servers)
import registry_list  # noqa: E402  (the shared data generator)
import sam  # noqa: E402  (the programs an inventory lists)


def installations(organisation, scratch: Path, rows: int) -> None:
    """Import ``rows`` installations (100 per device) unless they are already there."""
    import csv
    import random

    from daicho.core.importing import engine
    from daicho.sam.models import Installation

    if Installation.objects.count() >= rows:
        return
    path = scratch / "installations.csv"
    pool = sam.software_pool()
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(sam.HEADER)
        for n in range(rows // 100):
            for raw, version, publisher in rng.sample(pool, 100):
                writer.writerow((f"PC{n:07d}", raw, version, publisher, "2015/4/1"))
    start = time.perf_counter()
    result = engine.run(kind="installations", source=path, organisation=organisation)
    print(
        f"installations imported in {time.perf_counter() - start:.1f} s "
        f"({'ok' if result.ok else result.fatal})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--servers", type=int, default=5_000)
    parser.add_argument("--installations", type=int, default=1_000_000)
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
    eol.generate(args.devices, args.servers)
    organisation = Organisation.objects.get(code="399999")
    installations(organisation, scratch, args.installations)
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
        f"data: {args.systems} systems, {args.lines} cost lines, {args.devices} devices, "
        f"{args.installations} installations on {connection.vendor}; "
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
