"""The import engine: one file, one kind, one transaction, one batch id.

    rows of the file ──► headers matched to the kind's columns ──► cells parsed per column
        ──► the kind resolves each row against the ledger and writes it (audited, channel import)
        ──► all or nothing: any rejected row (unless --skip-invalid) or --dry-run rolls it all back

Kinds (systems, costs, units, …) register themselves; later areas plug theirs in the same way.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import gc
import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core import audit, bulk
from daicho.core.audit import Channel
from daicho.core.importing.keys import text_key
from daicho.core.importing.readers import ImportFileError, open_table
from daicho.core.importing.undo import undo_written
from daicho.core.importing.values import CellError, normalize
from daicho.core.models import ImportBatch, ImportStatus, Organisation, User

MAX_PROBLEMS_KEPT = 1000  # groups of problems a batch keeps (each with its rows as ranges)
MAX_PROBLEM_DETAILS = 100_000  # single problems kept in memory for --json and the caller
MAX_RANGES_KEPT = 500  # row ranges a kept group lists
MAX_ROW_CHANGES = 20  # rows per kind (new, changed) whose changes a batch keeps for its preview


# The kinds of reference a file may name that the ledger may lack. The engine's one policy:
# a missing reference is created and listed under its own kind, unless the user refused that
# kind (`--no-create KIND`, or the web form's boxes); then each row naming it is rejected.
REFERENCES: dict[str, Any] = {
    "units": gettext_lazy("New units"),
    "vendors": gettext_lazy("New vendors"),
    "cost-items": gettext_lazy("New cost items"),
    "devices": gettext_lazy("New devices"),
    "sites": gettext_lazy("New sites"),
    "clusters": gettext_lazy("New clusters"),
    "titles": gettext_lazy("New software titles"),
    "sessions": gettext_lazy("New training sessions"),
}
REFERENCE_NOUNS: dict[str, Any] = {
    "units": gettext_lazy("unit"),
    "vendors": gettext_lazy("vendor"),
    "cost-items": gettext_lazy("cost item"),
    "devices": gettext_lazy("device"),
    "sites": gettext_lazy("site"),
    "clusters": gettext_lazy("cluster"),
    "titles": gettext_lazy("software title"),
    "sessions": gettext_lazy("training session"),
}


def parse_refuse(text: str | Iterable[str] | None) -> frozenset[str]:
    """`--no-create units,vendors` (commas or 、) as reference kinds; unknown ones refused."""
    if not text:
        return frozenset()
    words = text if not isinstance(text, str) else normalize(text).replace("、", ",").split(",")
    chosen = {w.strip().lower() for w in words if w and w.strip()}
    unknown = sorted(chosen - REFERENCES.keys())
    if unknown:
        raise ImportFileError(
            _("--no-create takes %(kinds)s, not %(unknown)s")
            % {"kinds": ", ".join(REFERENCES), "unknown": ", ".join(unknown)}
        )
    return frozenset(chosen)


@dataclass(frozen=True)
class Field:
    """A column a kind reads: canonical name, Japanese label, parser; how it appears in a file."""

    name: str
    label: str
    parse: Callable[[str], Any]
    required: bool = False
    aliases: Sequence[str] = ()
    get: Callable[[Any], Any] | None = None  # the value an export writes (None: not exported)
    fmt: str = ""  # how a spreadsheet shows it: "yen", "date" or "" (see exports.XLSX_FORMATS)
    help: str = ""
    example: str = ""  # a realistic value, as a person types it (the XLSX template's example row)


@dataclass
class Problem:
    """Why a row (or the file) was rejected: row number, column, the value as written, reason."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class ProblemGroup:
    """Every row rejected for one reason in one column: 組織「税務課」がありません — 10,000行."""

    column: str
    message: str
    value: str
    rows: list[int] = field(default_factory=list)

    def ranges(self, limit: int | None = None) -> list[list[int]]:
        """The rows as [first, last] runs (sorted), at most ``limit`` of them."""
        runs: list[list[int]] = []
        for number in sorted(set(self.rows)):
            if runs and number == runs[-1][1] + 1:
                runs[-1][1] = number
            else:
                if limit is not None and len(runs) >= limit:
                    break
                runs.append([number, number])
        return runs


def rows_text(ranges: list[list[int]], count: int) -> str:
    """「10,000行（2〜10001行目）」: how many rows, and which."""
    if not ranges or ranges == [[0, 0]]:
        return ""
    parts = [f"{a}" if a == b else f"{a}〜{b}" for a, b in ranges]
    if count == 1:
        return _("row %(row)s") % {"row": parts[0]}
    listed = sum(b - a + 1 for a, b in ranges)
    more = "…" if listed < count else ""
    return _("%(count)s rows (rows %(rows)s%(more)s)") % {
        "count": f"{count:,}",
        "rows": ", ".join(parts),
        "more": more,
    }


def note_text(note: dict[str, Any]) -> str:
    """What the reader passed over, as a sentence: 「1–2行目は表題として読み飛ばしました」."""
    rows = ProblemGroup("", "", "", list(note.get("rows", []))).ranges(20)
    where = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in rows)
    if len(rows) == 20:
        where += "…"
    text = note.get("text") or ""
    if note.get("reason") == "title":
        return _("Rows %(rows)s were skipped as a title above the header: %(text)s") % {
            "rows": where,
            "text": text,
        }
    if note.get("reason") == "total":
        return _("Rows %(rows)s were skipped as totals (合計/小計), not imported: %(text)s") % {
            "rows": where,
            "text": text,
        }
    return _("Blank rows %(rows)s were skipped.") % {"rows": where}


def _row_number(row: Row | int | None) -> int | None:
    return row.number if isinstance(row, Row) else row


def field_text(model: Any, name: str, value: Any) -> tuple[str, str]:
    """A model field's label and a value of it as a person reads it: the choice's name, a
    record's name, a 和暦 date, 「はい／いいえ」, 「（空）」 for nothing."""
    from django.core.exceptions import FieldDoesNotExist

    model_field = None
    try:
        for part in name.split("__"):  # "pool__capacity": a field of a related record
            model_field = model._meta.get_field(part)
            model = model_field.related_model or model
    except (AttributeError, FieldDoesNotExist):
        model_field = None
    label = str(getattr(model_field, "verbose_name", name))
    if value is None or value == "" or (isinstance(value, list | tuple | set) and not value):
        return label, _("(empty)")
    if isinstance(value, list | tuple | set):  # the records a relation lists
        return label, "、".join(str(item) for item in value)
    if model_field is not None and getattr(model_field, "choices", None):
        return label, str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return label, _("Yes") if value else _("No")
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        from daicho.core import wareki

        return label, wareki.format_date(value)
    if isinstance(value, int) and abs(value) >= 10_000:
        return label, f"{value:,}"  # amounts in yen; years and counts stay as they are
    return label, str(value)


def differences(
    record: Any, data: dict[str, Any], related: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of what ``data`` changes in ``record``: its fields whose value differs,
    and the relations of ``related`` ({name: the records the row lists, or None when the file
    does not say}) whose records differ, as lists of records."""
    after = {k: v for k, v in data.items() if getattr(record, k) != v}
    before = {k: getattr(record, k) for k in after}
    for name, records in (related or {}).items():
        if records is None:
            continue
        current = list(getattr(record, name).all())
        if {r.pk for r in current} != {r.pk for r in records}:
            before[name], after[name] = current, list(records)
    return before, after


class Row:
    """A parsed row: its number in the file, the parsed values, and the raw text per column."""

    __slots__ = ("number", "values", "_cells", "_positions")

    def __init__(
        self, number: int, values: dict[str, Any], cells: list[str], positions: dict[str, int]
    ):
        self.number = number
        self.values = values
        self._cells = cells  # the file's cells, read by column position (shared by every row)
        self._positions = positions

    @property
    def raw(self) -> dict[str, str]:
        """The text of each column as the file wrote it (stripped)."""
        return {column: self._cells[index] for column, index in self._positions.items()}

    def __repr__(self) -> str:
        return f"<Row {self.number} {self.values!r}>"


@dataclass
class Context:
    """What a kind needs while it processes rows, and where it reports what it did."""

    organisation: Organisation
    user: Any  # a User or permissions.TRUSTED
    batch_id: str
    dry_run: bool
    refuse: frozenset[str] = frozenset()  # reference kinds the user refused to create
    effective: Any = None  # the date a changed hosting or placement takes effect (None: today)
    device: str | None = None  # `--device NAME`: the device of a table without a device column
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    )
    problems: list[Problem] = field(default_factory=list)
    groups: dict[tuple[str, str], ProblemGroup] = field(default_factory=dict)
    created_refs: dict[str, list[str]] = field(default_factory=dict)  # reference kind -> names
    cache: dict[str, Any] = field(default_factory=dict)
    # What the first rows will change, for the preview: {"created": [{row, label}],
    # "updated": [{row, label, fields: [{label, before, after}]}]}, MAX_ROW_CHANGES of each.
    row_changes: dict[str, list[dict]] = field(
        default_factory=lambda: {"created": [], "updated": []}
    )
    _rejected_rows: set[int] = field(default_factory=set)

    def reject(self, row: Row | int, column: str, message: str, value: str | None = None) -> None:
        number = row.number if isinstance(row, Row) else row
        if value is None and isinstance(row, Row):
            value = row.raw.get(column, "")
        message = str(message)
        if len(self.problems) < MAX_PROBLEM_DETAILS:
            self.problems.append(Problem(number, column, value or "", message))
        group = self.groups.get((column, message))
        if group is None:
            group = self.groups[(column, message)] = ProblemGroup(column, message, value or "")
        group.rows.append(number)
        if number not in self._rejected_rows:
            self._rejected_rows.add(number)
            self.counts["rejected"] += 1

    @property
    def create_refs(self) -> bool:
        """Whether units may be created (kept for kinds that only create units)."""
        return "units" not in self.refuse

    def may_create(self, reference: str) -> bool:
        """Whether a missing reference of this kind (see REFERENCES) may be created."""
        return reference not in self.refuse

    def created(self, reference: str, name: str) -> None:
        """List a reference the import created (or, in a dry run, would create)."""
        self.created_refs.setdefault(reference, []).append(str(name))

    def refuse_missing(self, row: Row | int, column: str, reference: str, name: str) -> None:
        """Reject a row naming a reference the ledger lacks and the user refused to create."""
        self.reject(
            row,
            column,
            _("No such %(noun)s: %(name)s (not created: --no-create %(reference)s).")
            % {"noun": REFERENCE_NOUNS[reference], "name": name, "reference": reference},
            name,
        )

    def is_rejected(self, row: Row) -> bool:
        return row.number in self._rejected_rows

    def reject_validation(self, row: Row, exc, columns: dict[str, str] | None = None) -> None:
        """Report a service's ValidationError on the file's columns (model field → column)."""
        columns = columns or {}
        if hasattr(exc, "error_dict"):
            for field_name, errors in exc.error_dict.items():
                column = columns.get(field_name, field_name if field_name in row.raw else "")
                for error in errors:
                    for message in error.messages:
                        self.reject(row, column, message)
        else:
            for message in exc.messages:
                self.reject(row, "", message)

    def upsert(
        self,
        existing: Any,
        data: dict[str, Any],
        *,
        update: Callable[[dict], Any],
        create: Callable[[], Any],
        row: Row | int | None = None,
    ) -> Any:
        """Update only what differs (or count it unchanged), or create; returns the record.

        `update` is called as update(data=changes) and `create` without arguments (bind them
        with functools.partial). With ``row``, what it changes is kept for the preview."""
        if existing is None:
            record = create()
            self.count_created(row, record)
            return record
        before, changes = differences(existing, data)
        if changes:
            label = str(existing)  # as the ledger knows it, before the change
            update(data=changes)
            self.count_updated(row, existing, before, changes, label=label)
        else:
            self.counts["unchanged"] += 1
        return existing

    def count_created(self, row: Row | int | None, record: Any) -> None:
        """Count a row that added ``record``, and keep it for the preview."""
        self.counts["created"] += 1
        self.note_created(row, record)

    def count_updated(self, row: Row | int | None, *change: Any, label: str | None = None) -> None:
        """Count a row that changed a record, and keep what it changed for the preview
        (``change``: the record, before and after, as differences() gives them; ``label``
        names the record as it was)."""
        self.counts["updated"] += 1
        self.note_updated(row, *change, label=label)

    def note_created(self, row: Row | int | None, record: Any) -> None:
        """Keep, for the preview, that this row adds ``record`` (the first rows only)."""
        kept = self.row_changes["created"]
        if len(kept) < MAX_ROW_CHANGES:
            kept.append({"row": _row_number(row), "label": str(record)})

    def note_updated(
        self,
        row: Row | int | None,
        record: Any,
        before: dict[str, Any],
        after: dict[str, Any],
        *,
        label: str | None = None,
    ) -> None:
        """Keep, for the preview, the fields this row changes in ``record``: label, before →
        after, as a person reads them (choice names, 和暦 dates); the first rows only."""
        kept = self.row_changes["updated"]
        if len(kept) >= MAX_ROW_CHANGES:
            return
        fields = []
        for name, new in after.items():
            field_label, old_text = field_text(type(record), name, before.get(name))
            fields.append(
                {
                    "label": field_label,
                    "before": old_text,
                    "after": field_text(type(record), name, new)[1],
                }
            )
        kept.append({"row": _row_number(row), "label": label or str(record), "fields": fields})


class Kind:
    """A kind of record that can be imported; subclasses define fields, key and process().

    The same fields (their `get`) define the kind's export, so export → import round-trips.
    """

    name: str = ""
    title: str = ""
    fields: Sequence[Field] = ()
    chunk_size = 2000
    # False for kinds whose rows are not audited one by one (snapshots loaded in bulk): their
    # batches cannot be undone from the audit log; importing the previous file restores them.
    can_roll_back = True

    def export_queryset(self, user):
        """The records of this kind the user may read, as exports list them."""
        raise NotImplementedError

    def export_kind(self):
        from daicho.core.exports import Column, ExportKind

        return ExportKind(
            self.name,
            self.title,
            [
                Column(f.name, f.label, f.get, f.fmt, getattr(f.parse, "choices", None))
                for f in self.fields
                if f.get
            ],
            self.export_queryset,
        )

    def header_names(self) -> dict[str, str]:
        """{header key: column} for every header that names one of the kind's columns: its
        name, its Japanese label, the field's aliases and the app's alias table (data)."""
        names = self.__dict__.get("_header_names")
        if names is None:
            names = {}
            extra = header_aliases().get(self.name, {})
            for f in self.fields:
                for word in (f.name, f.label, *f.aliases, *extra.get(f.name, ())):
                    names.setdefault(header_key(word), f.name)
            self._header_names = names
        return names

    def header_columns(self) -> set[str]:
        """The columns a row must name to be taken as the header row: the required ones."""
        return {f.name for f in self.fields if f.required}

    def label_of(self, column: str) -> str:
        """The Japanese label of a column (its name when it has none)."""
        return next((str(f.label) for f in self.fields if f.name == column), column)

    def column_list(self) -> str:
        """The kind's columns as a user reads them: 「システム名 [name]」、…"""
        return "、".join(f"{f.label} [{f.name}]" for f in self.fields)

    def key(self, values: dict[str, Any]) -> tuple | None:
        """The natural key of a row, for duplicates within one file (None: no check)."""
        return None

    def check(self, headers: set[str]) -> list[str]:
        """Problems with the set of columns present (beyond the required ones)."""
        return []

    def process(self, rows: list[Row], ctx: Context) -> None:
        """Resolve rows against the ledger and write them (or reject them through ctx).

        Report each row through ctx so that the preview lists what it changes:
        ``ctx.upsert(existing, data, row=row, …)``, or for a row written otherwise
        ``ctx.count_created(row, record)`` / ``ctx.count_updated(row, record, before, after)``
        with ``differences()`` taken before the write (tests/test_import_row_changes_kinds.py
        holds a row-change case per kind)."""
        raise NotImplementedError

    def open(
        self,
        source,
        *,
        name: str | None,
        sheet: str | None,
        encoding: str | None,
        mapping: dict[str, str] | None = None,
        device: str | None = None,
        header_test=None,
    ):
        """The table to read from ``source`` (a kind may accept other formats than tables).

        ``mapping`` is the user's `--map` ({their header: column}), ``device`` `--device`,
        ``header_test`` tells the header row from the title rows above it."""
        return open_table(
            source, name=name, sheet=sheet, encoding=encoding, header_test=header_test
        )

    def rollback_blockers(self, batch) -> list[str]:
        """Why an applied batch of this kind cannot be rolled back, besides later changes to
        its records (sentences; a kind that keeps its own undo record says them)."""
        return []

    def roll_back(self, batch) -> int:
        """Undo what the batch wrote outside the audit log (a snapshot loaded in bulk), before
        its audited changes are undone; returns the changes undone."""
        return 0

    # A kind that loads millions of rows below the ORM defines
    # process_table(reader, columns, ctx, progress) instead of process(): it reads
    # reader.records() itself, checks its cells (a RowParser checks them as process() gets
    # them) and reports problems through ctx.
    process_table = None


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Register an import kind, and its export under the same name."""
    from daicho.core import exports

    _kinds[kind.name] = kind
    exports.register(kind.export_kind())


def kinds() -> dict[str, Kind]:
    return dict(sorted(_kinds.items()))


@dataclass
class Result:
    """The outcome of an import, as the CLI prints it and the web shows it."""

    batch: ImportBatch
    problems: list[Problem]
    unknown_columns: list[str]
    columns: dict[str, str]  # file header -> canonical column
    groups: dict[tuple[str, str], ProblemGroup] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)  # what the reader passed over

    @property
    def ok(self) -> bool:
        return self.batch.rejected == 0 and not self.fatal

    fatal: str = ""

    def as_dict(self) -> dict[str, Any]:
        b = self.batch
        return {
            "batch": b.batch_id,
            "kind": b.kind,
            "file": b.file_name,
            "status": b.status,
            "dry_run": b.status == ImportStatus.DRY_RUN,
            "created": b.created,
            "updated": b.updated,
            "unchanged": b.unchanged,
            "rejected": b.rejected,
            "created_refs": b.created_refs,
            "changes": b.changes,
            "unknown_columns": self.unknown_columns,
            "columns": self.columns,
            "error": self.fatal or None,
            "skipped": [{**note, "message": note_text(note)} for note in self.notes],
            "groups": self.group_dicts(with_rows=True),
            "problems": [p.as_dict() for p in self.problems],
        }

    def sorted_groups(self) -> list[ProblemGroup]:
        """The groups of problems, the file-level ones first, then by their first row."""
        return sorted(self.groups.values(), key=lambda g: min(g.rows) if g.rows else 0)

    def header_of(self, column: str) -> str:
        """The user's header of a column with the column in brackets: 「所管 部局 [department]」."""
        if not column:
            return ""
        header = next((h for h, c in self.columns.items() if c == column), None)
        the_kind = _kinds.get(self.batch.kind)
        label = header or (the_kind.label_of(column) if the_kind else column)
        return f"{label} [{column}]"

    def group_dicts(
        self, ranges_limit: int | None = None, *, with_rows: bool = False
    ) -> list[dict[str, Any]]:
        """The groups as kept in the batch: column, the user's header, message, first value,
        count, rows as ranges and as text (and, ``with_rows``, every row number: --json)."""
        groups = []
        for g in self.sorted_groups():
            rows = sorted(set(g.rows)) if any(g.rows) else []  # a file-level problem has none
            ranges = g.ranges(ranges_limit) if rows else []
            group = {
                "column": g.column,
                "header": self.header_of(g.column),
                "message": g.message,
                "value": g.value,
                "count": len(rows),
                "ranges": ranges,
                "rows_text": rows_text(ranges, len(rows)),
            }
            if with_rows:
                group["rows"] = rows
            groups.append(group)
        return groups


def header_key(text: str) -> str:
    """A header as matched: NFKC, every space and line break removed, case folded — the way
    keys compare text (keys.text_key): 「所管 部局」, 「所管\n部局」 (Alt+Enter in Excel) and
    「所管部局」 are the same header."""
    return text_key(text)


@functools.cache
def header_aliases() -> dict[str, dict[str, list[str]]]:
    """Other headers files use for a kind's columns, as data: {kind: {column: [headers]}}.

    Read from every app's ``data/import_headers.yaml``; the words come from the Japanese Excel
    ledgers and the inventory tools public bodies use (SKYSEA, LanScope, AssetView, …)."""
    from django.apps import apps

    merged: dict[str, dict[str, list[str]]] = {}
    for config in apps.get_app_configs():
        path = Path(config.path) / "data" / "import_headers.yaml"
        if not path.exists():
            continue
        for kind, columns in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            for column, words in (columns or {}).items():
                merged.setdefault(kind, {}).setdefault(column, []).extend(map(str, words))
    return merged


def parse_mapping(text: str | None) -> dict[str, str]:
    """`--map "Their header=column,Other=column"` as {their header: column}.

    Full-width ＝ and the Japanese comma 、 are accepted as typed on a Japanese keyboard."""
    mapping: dict[str, str] = {}
    text = (text or "").replace("＝", "=").replace("、", ",").replace("，", ",")
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ImportFileError(
                _("--map takes “their header=column” pairs: %(part)s") % {"part": part.strip()}
            )
        theirs, ours = part.split("=", 1)
        mapping[header_key(theirs)] = ours.strip()
    return mapping


def header_test(kind: Kind, mapping: dict[str, str]):
    """Whether a row of the file is the kind's header row: it names every column the kind
    needs to find its table (through the user's --map too), and at least two columns."""
    names = kind.header_names()
    needed = kind.header_columns()

    def test(cells: list[str]) -> bool:
        found = set()
        for cell in cells:
            if not cell:
                continue
            key = header_key(cell)
            target = mapping.get(key)
            column = names.get(header_key(target)) if target else names.get(key)
            if column:
                found.add(column)
        return needed <= found and len(found) >= min(2, len(names))

    # What the reader says when no row passes: the columns it looked for.
    test.needs = _("The header row must name: %(columns)s (or use --map “your header=column”)") % {
        "columns": "、".join(f"{kind.label_of(c)} [{c}]" for c in sorted(needed))
    }
    return test


def match_headers(
    headers: Iterable[str], kind: Kind, mapping: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """{file header: canonical name} for the headers the kind knows, and the unknown headers.

    The user's ``mapping`` ({header key: column name or label}) comes first: a mapped header
    takes its column even when another header would have matched it by name. A mapping that
    names no header of the file is refused (one naming no column was refused by run())."""
    headers = list(headers)
    names = kind.header_names()
    by_key = {header_key(h): h for h in headers}
    matched: dict[str, str] = {}
    for theirs, ours in mapping.items():
        if theirs not in by_key:
            raise ImportFileError(
                _(
                    "--map names “%(header)s”, which is not a header of the file "
                    "(its headers: %(headers)s)"
                )
                % {"header": theirs, "headers": "、".join(headers)}
            )
        matched[by_key[theirs]] = names[header_key(ours)]  # checked before the file was read
    unknown: list[str] = []
    mapped = set(matched.values())  # the user chose which header these columns are read from
    taken = set(mapped)
    for header in headers:
        if header in matched:
            continue
        canonical = names.get(header_key(header))
        if canonical is None or canonical in mapped:
            unknown.append(header)
        elif canonical in taken:
            label = kind.label_of(canonical)
            raise ImportFileError(
                _(
                    "Two columns of the file mean %(column)s: %(headers)s — keep one, or name "
                    "the one to read with --map"
                )
                % {
                    "column": f"{label} [{canonical}]",
                    "headers": "、".join(
                        [h for h, c in matched.items() if c == canonical] + [header]
                    ),
                }
            )
        else:
            matched[header] = canonical
            taken.add(canonical)
    return matched, unknown


def _digest(source: str | os.PathLike | BinaryIO) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    if isinstance(source, str | os.PathLike) and os.path.isdir(source):
        # A folder (of tag files): the digest of its files' names and contents, in order.
        for root, dirs, files in os.walk(source):
            dirs.sort()
            for file_name in sorted(files):
                path = os.path.join(root, file_name)
                sha.update(os.path.relpath(path, source).encode())
                digest, length = _digest(path)
                sha.update(digest.encode())
                size += length
        return sha.hexdigest(), size
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                sha.update(block)
                size += len(block)
        return sha.hexdigest(), size
    if hasattr(source, "seek") and source.seekable():
        source.seek(0)
        for block in iter(lambda: source.read(1 << 20), b""):
            sha.update(block)
            size += len(block)
        source.seek(0)
    return sha.hexdigest(), size


class _Rollback(Exception):
    pass


@contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that existed before the import (Django's
    modules, models, translations, …) while it runs.

    A big import keeps chunks of rows alive, which triggers full collections again and again,
    each of them scanning every object of the process: about 1 s per million rows. Objects
    made during the import are collected as usual. (The freeze is process-wide: imports that
    overlap in threads only lose some of the speed-up.) A server process whose heap is already
    frozen (`daicho.core.apps.heap_freeze`) is left as it is: its older objects are out of the
    collector's sight already, and thawing them afterwards would cost a full collection of the
    whole heap for every import."""
    if gc.get_freeze_count() > 0:
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(
    *,
    kind: str,
    source: str | os.PathLike | BinaryIO,
    organisation: Organisation,
    user: User | None = None,
    name: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    refuse: str | Iterable[str] | None = None,
    create_refs: bool = True,
    mapping: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    effective=None,
    device: str | None = None,
    channel: str = Channel.IMPORT,
    progress: Callable[[int], None] | None = None,
    max_rows: int | None = None,
    batch: ImportBatch | None = None,
    in_chunks: bool = False,
) -> Result:
    """Import one file. Never raises for bad input: the Result says what was wrong.

    ``refuse`` names the reference kinds not to create (``create_refs=False`` adds units);
    ``max_rows`` refuses, writing nothing, a file with more rows (the web's limit); ``batch``
    is a batch row already claimed for this import (a confirmation), filled in here.
    ``in_chunks`` writes each chunk of rows in a transaction of its own (SQLite's write lock is
    then held a chunk at a time, see importing.services.import_apply): a chunk refused (a
    rejected row, unless ``skip_invalid``) or failing is rolled back and the chunks written
    before it are undone from their audit events, so the import still writes all or nothing.
    Kinds that load their table in bulk (process_table) or cannot be undone from the audit log
    are written in one transaction, as without ``in_chunks``."""
    from daicho.core.permissions import TRUSTED

    the_kind = kinds().get(kind)
    file_name = name or (
        os.path.basename(os.fspath(source)) if isinstance(source, str | os.PathLike) else "upload"
    )
    fields = dict(
        organisation=organisation,
        kind=kind,
        file_name=file_name,
        file_digest="",
        user=user,
        channel=Channel.CLI if user is None else Channel.WEB,
        options={
            "dry_run": dry_run,
            "skip_invalid": skip_invalid,
            "refuse": [],
            "map": mapping or "",
            "sheet": sheet or "",
            "encoding": encoding or "",
            "effective": effective.isoformat() if effective else "",
            "device": device or "",
        },
        status=ImportStatus.REJECTED,
    )
    if batch is None:
        batch = ImportBatch(batch_id=uuid.uuid4().hex, **fields)
    else:
        for attribute, value in fields.items():
            setattr(batch, attribute, value)
    ctx = Context(
        organisation=organisation,
        user=user or TRUSTED,
        batch_id=batch.batch_id,
        dry_run=dry_run,
        effective=effective,
        device=device or None,
    )
    result = Result(batch=batch, problems=ctx.problems, unknown_columns=[], columns={})
    try:
        ctx.refuse = parse_refuse(refuse) | (frozenset() if create_refs else {"units"})
        batch.options["refuse"] = sorted(ctx.refuse)
        if the_kind is None:
            raise ImportFileError(
                _("Unknown kind %(kind)s; choose one of: %(kinds)s")
                % {"kind": kind, "kinds": ", ".join(kinds())}
            )
        batch.file_digest, batch.file_size = _digest(source)
        user_mapping = parse_mapping(mapping)
        known = the_kind.header_names()
        for ours in user_mapping.values():
            if header_key(ours) not in known:
                raise ImportFileError(
                    _(
                        "--map names “%(column)s”, which is not a column of %(kind)s "
                        "(its columns: %(columns)s)"
                    )
                    % {"column": ours, "kind": the_kind.title, "columns": the_kind.column_list()}
                )
        with the_kind.open(
            source,
            name=file_name,
            sheet=sheet,
            encoding=encoding,
            mapping=user_mapping,
            device=device or None,
            header_test=header_test(the_kind, user_mapping),
        ) as reader:
            result.notes = getattr(reader, "skipped", [])  # filled as the rows are read
            columns, unknown = match_headers(reader.headers, the_kind, user_mapping)
            result.columns, result.unknown_columns = columns, unknown
            present = set(columns.values())
            missing = [f for f in the_kind.fields if f.required and f.name not in present]
            if missing:
                raise ImportFileError(
                    _(
                        "Required column missing: %(columns)s (the file's headers, row "
                        "%(row)s: %(headers)s; name yours with --map “your header=column”)"
                    )
                    % {
                        "columns": "、".join(f"{f.label} [{f.name}]" for f in missing),
                        "row": getattr(reader, "header_row", 1),
                        "headers": "、".join(reader.headers),
                    }
                )
            for message in the_kind.check(present):
                raise ImportFileError(message)
            if max_rows:
                _limit_rows(reader, max_rows)
            chunks = (
                in_chunks
                and not dry_run
                and the_kind.process_table is None
                and the_kind.can_roll_back
            )
            with audit.audit_context(actor=user, channel=Channel.IMPORT, request_id=batch.batch_id):
                if chunks:
                    # Recorded before the first chunk: should the process die between two
                    # chunks, what they wrote is traceable to a batch with no finish time.
                    batch.save()
                    with _older_objects_frozen():
                        _process_in_chunks(
                            reader, the_kind, columns, ctx, progress, batch, skip_invalid
                        )
                else:
                    try:
                        with _older_objects_frozen(), transaction.atomic():
                            if the_kind.process_table is not None:
                                the_kind.process_table(reader, columns, ctx, progress)
                            else:
                                _process(reader, the_kind, columns, ctx, progress)
                            if dry_run or (ctx.counts["rejected"] and not skip_invalid):
                                raise _Rollback
                    except _Rollback:
                        pass
    except ImportFileError as exc:
        result.fatal = exc.message
    except (DatabaseError, OverflowError) as exc:  # unforeseen by the kind: nothing was written
        result.fatal = _("The database refused the import: %(error)s") % {"error": exc}
    if result.fatal:
        ctx.problems.insert(0, Problem(0, "", "", result.fatal))
        ctx.groups[("", result.fatal)] = ProblemGroup("", result.fatal, "", [0])
    wrote = not result.fatal and not dry_run and (skip_invalid or not ctx.counts["rejected"])
    batch.status = (
        ImportStatus.DRY_RUN
        if dry_run and not result.fatal
        else ImportStatus.APPLIED
        if wrote
        else ImportStatus.REJECTED
    )
    if wrote:
        bulk.refresh_planner_statistics()
    for key in ("created", "updated", "unchanged", "rejected"):
        setattr(batch, key, ctx.counts[key])
    batch.created_refs = ctx.created_refs
    batch.changes = ctx.row_changes if not result.fatal else {}
    result.groups = ctx.groups
    batch.problems = result.group_dicts(MAX_RANGES_KEPT)[:MAX_PROBLEMS_KEPT]
    batch.notes = list(result.notes)
    batch.finished_at = timezone.now()
    if user is None:
        batch.channel = channel if channel != Channel.IMPORT else Channel.CLI
    batch.save()
    return result


def row_changes(batch: ImportBatch) -> dict[str, Any]:
    """What a batch changes row by row, as its preview shows it: the first rows that add a
    record and that change one (label, before → after), how many more of each, and how many
    rows change nothing."""
    kept = batch.changes or {}
    created, updated = kept.get("created", []), kept.get("updated", [])
    # A kind that sums its changes up per record of another kind (installations: per device)
    # says how many more there are itself.
    return {
        "created": created,
        "created_more": kept.get("created_more", max(batch.created - len(created), 0)),
        "updated": updated,
        "updated_more": kept.get("updated_more", max(batch.updated - len(updated), 0)),
        "unchanged": batch.unchanged,
        "per_device": kept.get("per_device", False),
    }


def row_changes_lines(batch: ImportBatch) -> list[str]:
    """The row changes as lines of text (the CLI's summary)."""
    changes = row_changes(batch)
    lines = []
    for entry in changes["updated"]:
        fields = "; ".join(f"{f['label']}: {f['before']} → {f['after']}" for f in entry["fields"])
        lines.append(
            _("  row %(row)s %(record)s: %(fields)s")
            % {"row": entry["row"] or "?", "record": entry["label"], "fields": fields}
        )
    if changes["updated_more"]:
        more = (
            _("  … and %(n)d more devices changed")
            if changes["per_device"]
            else _("  … and %(n)d more changed")
        )
        lines.append(more % {"n": changes["updated_more"]})
    for entry in changes["created"]:
        lines.append(
            _("  row %(row)s %(record)s: new")
            % {"row": entry["row"] or "?", "record": entry["label"]}
        )
    if changes["created_more"]:
        more = (
            _("  … and %(n)d more new devices")
            if changes["per_device"]
            else _("  … and %(n)d more new")
        )
        lines.append(more % {"n": changes["created_more"]})
    return lines


def too_many_rows(max_rows: int) -> str:
    return _(
        "The file has more than %(limit)s rows, more than one upload may hold; split it, "
        "or ask an administrator to import it with `daicho import`."
    ) % {"limit": f"{max_rows:,}"}


def _limit_rows(reader, max_rows: int) -> None:
    """Make the reader's rows stop the import, as a whole, past `max_rows` (every kind reads
    its rows through `reader.records()`)."""
    records = reader.records

    def limited():
        for count, record in enumerate(records(), 1):
            if count > max_rows:
                raise ImportFileError(too_many_rows(max_rows))
            yield record

    reader.records = limited


# Parsed values kept per column and cell text: codes, years, choices and names repeat on every
# row of a big file. Only immutable values are shared between rows; a column stops adding
# entries at the limit (amounts seldom repeat), which bounds the memory.
PARSE_CACHE_LIMIT = 20_000
_SHAREABLE = frozenset({str, int, bool, type(None), datetime.date, decimal.Decimal})
_MISSING = object()


class RowParser:
    """Parses a table's rows cell by cell into Rows for a kind, reporting bad cells through ctx.

    Kinds that read `reader.records()` themselves (process_table) use it for the rows their
    fast path does not take, so that every row is checked the same way."""

    def __init__(self, kind: Kind, headers: Sequence[str], columns: dict[str, str], ctx: Context):
        fields = {f.name: f for f in kind.fields}
        self.kind = kind
        self.ctx = ctx
        self.width = len(headers)
        self.positions = {columns[h]: i for i, h in enumerate(headers) if h in columns}
        self.plan = [
            (name, index, fields[name].parse, fields[name].required, {})
            for name, index in self.positions.items()
        ]
        self.seen: dict[Any, int] = {}
        self.must_not_be_empty = _("This column must not be empty.")

    def parse(self, number: int, cells: list[str]) -> Row | None:
        """The row with its values parsed, or None when it was rejected."""
        ctx = self.ctx
        if len(cells) < self.width:
            cells.extend([""] * (self.width - len(cells)))
        values: dict[str, Any] = {}
        row = Row(number, values, cells, self.positions)
        for name, index, parse, required, cache in self.plan:
            text = cells[index]
            value = cache.get(text, _MISSING)
            if value is _MISSING:
                try:
                    value = parse(text)
                except CellError as exc:
                    ctx.reject(row, name, str(exc))
                    continue
                if len(cache) < PARSE_CACHE_LIMIT and type(value) in _SHAREABLE:
                    cache[text] = value
            if required and value in (None, ""):
                ctx.reject(row, name, self.must_not_be_empty)
            values[name] = value
        if ctx.is_rejected(row):
            return None
        key = self.kind.key(values)
        if key is not None:
            digest = hash(key)
            if digest in self.seen:
                ctx.reject(
                    row, "", _("The same record as row %(row)d.") % {"row": self.seen[digest]}, ""
                )
                return None
            self.seen[digest] = number
        return row


# On SQLite an import writes its rows in transactions of about this many seconds each (the
# number of rows per transaction adapts to how fast the machine writes them), and waits
# CHUNK_PAUSE_SECONDS after each before it takes the write lock again: a session waiting for
# the lock polls it every 100 ms at most, so it gets its turn between two transactions instead
# of waiting for the whole import (it gives up after 20 s: settings.DATABASES timeout).
CHUNK_SECONDS = 0.5
CHUNK_PAUSE_SECONDS = 0.12
FIRST_CHUNK_ROWS = 100


def _process_in_chunks(
    reader, kind: Kind, columns: dict[str, str], ctx: Context, progress, batch, skip_invalid
) -> None:
    """Parse the rows chunk by chunk and write them in short transactions of their own (see
    run(in_chunks=True)); on a refused or failing transaction, undo the ones already written."""
    parser = RowParser(kind, reader.headers, columns, ctx)
    done = 0
    size = min(FIRST_CHUNK_ROWS, kind.chunk_size)
    try:
        for chunk in _chunks(reader.records(), kind.chunk_size):
            rows = [row for number, cells in chunk if (row := parser.parse(number, cells))]
            if ctx.counts["rejected"] and not skip_invalid:
                raise _Rollback
            while rows:
                part, rows = rows[:size], rows[size:]
                started = time.monotonic()
                with transaction.atomic():
                    kind.process(part, ctx)
                    if ctx.counts["rejected"] and not skip_invalid:
                        raise _Rollback  # these rows go with their transaction
                took = time.monotonic() - started
                fits = int(size * CHUNK_SECONDS / max(took, 0.001))
                size = max(1, min(kind.chunk_size, size * 2, fits))
                time.sleep(CHUNK_PAUSE_SECONDS)
            done += len(chunk)
            if progress:
                progress(done)
    except _Rollback:
        undo_written(batch=batch)
    except BaseException:  # a file error further down, the database: nothing may stay written
        undo_written(batch=batch)
        raise


def _process(reader, kind: Kind, columns: dict[str, str], ctx: Context, progress) -> None:
    """Parse the rows of a table reader and hand them to the kind chunk by chunk."""
    parser = RowParser(kind, reader.headers, columns, ctx)
    done = 0
    for chunk in _chunks(reader.records(), kind.chunk_size):
        rows = [row for number, cells in chunk if (row := parser.parse(number, cells))]
        if rows:
            kind.process(rows, ctx)
        done += len(chunk)
        if progress:
            progress(done)
