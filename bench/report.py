"""Benchmark: the annual report of the demo year, in each format (issue #18 point 3).

Loads the demo into a scratch database (SQLite by default, or DATABASE_URL; `--keep DIR` reuses
one between runs), then times `daicho report annual` as the web and the CLI produce it — HTML,
XLSX and PDF (headless Chromium) — for the demo's unpublished year (速報値, computed from the
ledger: FY2016, the dashboard's default) and a published one (FY2015, read from what publishing
froze). Prints the first, median and max of `--repeat` runs per format (the first PDF of a
process starts Chromium; later ones find it warm, see docs/annual-report.md; set
DAICHO_PDF_KEEP_WARM=0 to time a cold start every time). Goal: < 3 s for PDF and XLSX.

To compare two checkouts in the same run, point `--code` at the other one's folder (the same
database is used; a checkout without frozen reports computes every year):

    .venv/bin/python bench/report.py [--repeat 5] [--keep /tmp/daicho-report] [--fy 2016 2015]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", help="scratch folder to keep (default: a temporary one)")
    parser.add_argument("--fy", type=int, nargs="+", default=[2016, 2015])
    parser.add_argument("--formats", nargs="+", default=["html", "xlsx", "pdf"])
    parser.add_argument("--code", default=str(ROOT), help="checkout whose daicho to time")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import pages  # (setup_django, load_demo; it puts this checkout first on the path)

    sys.path.insert(0, args.code)  # the checkout to time goes before it

    scratch = Path(args.keep or tempfile.mkdtemp(prefix="daicho-report-"))
    scratch.mkdir(parents=True, exist_ok=True)
    pages.setup_django(scratch)
    pages.load_demo()

    from django.db import connection

    import daicho
    from daicho.plan import report
    from daicho.plan.models import Plan

    plan = Plan.objects.get(organisation__code="330001")
    makers = {
        "html": lambda fy: report.html(plan, fy).encode(),
        "xlsx": lambda fy: report.xlsx(plan, fy),
        "pdf": lambda fy: report.pdf(plan, fy),
    }
    print(f"code: {Path(daicho.__file__).parent.parent}; database: {connection.vendor}")
    print(f"{'report':24} {'first s':>8} {'median s':>9} {'max s':>9} {'size kB':>8} {'goal s':>7}")
    for fy in args.fy:
        for fmt in args.formats:
            samples, size = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                size = len(makers[fmt](fy))
                samples.append(time.perf_counter() - started)
            goal = f"{GOAL_S:7.0f}" if fmt != "html" else f"{'':7}"
            print(
                f"{'FY' + str(fy) + ' ' + fmt.upper():24} {samples[0]:8.2f} "
                f"{statistics.median(samples):9.2f} "
                f"{max(samples):9.2f} {size / 1024:8.0f} {goal}"
            )


if __name__ == "__main__":
    main()
