"""The demo organisation is assembled by loaders each app registers (core never imports them)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[..., None]
    order: int


_loaders: dict[str, DemoLoader] = {}


def register(name: str, load: Callable[..., None], *, order: int) -> None:
    """Register an app's demo loader; ``load(organisation=…, stdout=…)`` must be idempotent."""
    _loaders[name] = DemoLoader(name=name, load=load, order=order)


def loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda loader: loader.order)


def data_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a demo data file (CSV in UTF-8 with the kind's Japanese headers, as an
    organisation's own file or Daicho's export has them), keyed by those headers."""
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def import_rows(kind: str, rows: list[dict], *, organisation, name: str, effective=None) -> int:
    """Load demo rows through the import engine, as a user's CSV file with the kind's Japanese
    headers (the demo then takes the same path as an organisation's own files, and its import
    batches appear in the import history). Rows are keyed by column names or by the headers
    themselves (``data_rows``); ``effective`` is the import's --effective date. Raises when the
    engine refuses anything: demo data that does not import is a bug. Returns the number of
    rows."""
    import io

    from daicho.core.importing import engine

    if not rows:
        return 0
    the_kind = engine.kinds()[kind]
    columns = list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([the_kind.label_of(c) for c in columns])
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    result = engine.run(
        kind=kind,
        source=io.BytesIO(buffer.getvalue().encode("utf-8")),
        name=name,
        organisation=organisation,
        effective=effective,
    )
    if not result.ok:
        raise RuntimeError(f"demo {kind}: {result.fatal or result.problems[:3]}")
    return len(rows)
