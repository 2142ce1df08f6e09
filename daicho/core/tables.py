"""List tables: columns, sorting from `?sort=`, pagination from `?page=` and `?per_page=`.

The header, the rows and the page links are written in Python (each value escaped once) and the
template inserts them as strings: a page of 50 rows costs well under a millisecond instead of a
template loop per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Window
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from daicho.core.audit import Action, Channel
from daicho.core.html import esc, query_string_with
from daicho.core.models import ImportStatus, UnitKind
from daicho.core.templatetags.daicho import jdatetime

_PK = "987654321"  # reverse() once per column with this stand-in, then put each row's pk in
MAX_PAGE = 1_000_000  # beyond it a request asks for the last page (and offsets stay in range)


def page_with_total(queryset, offset: int, size: int) -> tuple[list, int]:
    """The rows ``offset`` to ``offset + size`` of ``queryset`` and the number of rows it
    matches.

    On PostgreSQL in one query: each row carries ``COUNT(*) OVER ()`` (a second query counts only
    for a page past the end), which costs no more than the page alone and saves a round trip.
    SQLite computes a window over every matching row with all its columns before it sorts, three
    times the cost of a count and the page apart (4.1 against 1.4 ms for a page of 50 of 10,000
    systems, ``bench/registry_list.py``), and has no round trip to save: there it is two queries.
    A query with DISTINCT or a UNION is counted the usual way.
    """
    if isinstance(queryset, list):  # a report's rows, computed in Python
        return queryset[offset : offset + size], len(queryset)
    query = queryset.query
    if query.distinct or query.combinator or connections[queryset.db].vendor != "postgresql":
        return list(queryset[offset : offset + size]), queryset.count()
    rows = list(queryset.annotate(pagination_total=Window(Count("*")))[offset : offset + size])
    if not rows:
        return rows, queryset.count()
    first = rows[0]
    return rows, first["pagination_total"] if isinstance(first, dict) else first.pagination_total


@dataclass(frozen=True)
class Column:
    """One column: what it shows, how it sorts, whether it links to the record.

    By default a column shows its row's field of the same name (``field`` names another: a dict
    row's key, or a model instance's attribute path written ``unit__name``), passed through
    ``format`` or shown as the label of ``choices``; it sorts by that field and, on dict rows,
    reads it alone. ``value`` computes the cell from the whole row instead; such a column sorts
    by ``sort`` and reads ``reads`` only when given. ``sort=()`` makes a field column unsortable.
    """

    name: str
    header: str
    value: Callable[[Any], Any] | None = None
    sort: Sequence[str] | None = None  # order_by fields; () = not sortable
    link: str = ""  # URL name of the record's page (takes the pk), e.g. "registry:system_detail"
    numeric: bool = False
    optional: bool = True  # may be hidden with the column chooser
    default: bool = True  # shown when the user has not chosen columns
    # The keys of a dict row the cell shows and depends on alone (where a list reads dicts):
    # the list reads only those, and writes a cell once per distinct value on a page.
    reads: tuple[str, ...] | None = None
    field: str = ""  # the row's field the column shows (default: its name)
    format: Callable[[Any], Any] | None = None  # applied to the field's value
    choices: Any = None  # a TextChoices class: the column shows the value's label

    def __post_init__(self) -> None:
        computed = self.value is not None
        field = self.field or self.name
        set_ = object.__setattr__  # (frozen)
        set_(self, "field", field)
        if self.sort is None:
            set_(self, "sort", () if computed else (field,))
        if self.reads is None:
            set_(self, "reads", () if computed else (field,))
        if not computed:
            read = _field_reader(field)
            show = self.format
            if self.choices is not None:
                choices = self.choices
                show = lambda v: label(choices, v)  # noqa: E731
            set_(self, "value", read if show is None else (lambda r: show(read(r))))

    def cell(self, record: Any, pk: Any = None, url_pattern: str = "") -> str:
        """The cell's HTML: the value escaped (or as is when it is already safe HTML), linked to
        the record's page when the column links."""
        value = self.value(record)
        html = "—" if value is None or value == "" else esc(value)
        if url_pattern:
            return f'<a href="{url_pattern.replace(_PK, str(pk))}">{html}</a>'
        return html


def _field_reader(field: str) -> Callable[[Any], Any]:
    """A function reading ``field`` from a row: a dict's key, or an instance's attribute path
    (``unit__name``; None when a step on the way is None)."""
    steps = field.split("__")

    def read(record: Any) -> Any:
        if isinstance(record, dict):
            return record[field]
        for step in steps:
            if record is None:
                return None
            record = getattr(record, step)
        return record

    return read


@dataclass
class Table:
    """A sorted, paginated page of a queryset with the chosen columns rendered.

    The rows are model instances, or dicts of the columns (with ``id``) where the list reads
    them with ``values()``; ``describe`` gives a row's name for its selection box.
    """

    columns: Sequence[Column]
    queryset: Any
    request: Any
    default_sort: str = ""
    per_page: int = 50
    selectable: bool = False
    chosen: Sequence[str] | None = None
    describe: Callable[[Any], str] = str
    # What the rows are read as, given the visible columns (a list reading dicts reads only
    # what they show); the queryset as it is when None.
    read: Callable[[Any, Sequence[Column]], Any] | None = None
    per_page_choices: Sequence[int] = (25, 50, 100, 250)
    # A row's attributes in its <tr> (already escaped), e.g. ``class="failing"``.
    row_attrs: Callable[[Any], str] | None = None
    empty_text: str = ""  # what the table says when no row matches
    # Before the names of its ``sort`` and ``page`` parameters, for a second table on a page.
    prefix: str = ""
    # Called with the page's rows before their cells are written: what they need, read once
    # for the page (e.g. the organisation's own support dates of their releases).
    prepare: Callable[[list], Any] | None = None
    rows: list[tuple[Any, Any, list[str]]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        names = set(self.chosen) if self.chosen else None
        self.visible = [
            c
            for c in self.columns
            if not c.optional or (c.name in names if names is not None else c.default)
        ]
        self.sort = self.request.GET.get(f"{self.prefix}sort") or self.default_sort
        if self.read is not None:
            self.queryset = self.read(self.queryset, self.visible)
        # Without a sort (none asked, none by default) the rows keep their own order (a
        # search's ranking, a report's order).
        if isinstance(self.queryset, list):  # a report's rows: sorted here
            if self.sort:
                self.queryset = sorted_rows(self.queryset, self._order_by(self.sort)[:-1])
        elif self.sort or not self.queryset.ordered:
            self.queryset = self.queryset.order_by(*self._order_by(self.sort))
        self.page = self._page()
        self.page_range = list(
            self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        )
        self.ellipsis = Paginator.ELLIPSIS
        if self.prepare is not None:
            self.prepare(self.page.object_list)
        patterns = [reverse(c.link, args=[_PK]) if c.link else "" for c in self.visible]
        written: dict[tuple, str] = {}  # a label or a date shows on many rows of a page
        for record in self.page.object_list:
            if isinstance(record, dict):
                pk = record.get("id")
                cells = []
                for column, pattern in zip(self.visible, patterns, strict=True):
                    if pattern or not column.reads:
                        cells.append(column.cell(record, pk, pattern))
                        continue
                    key = (column.name, *[record[k] for k in column.reads])
                    html = written.get(key)
                    if html is None:
                        html = written[key] = column.cell(record)
                    cells.append(html)
            else:
                pk = record.pk
                cells = [c.cell(record, pk, p) for c, p in zip(self.visible, patterns, strict=True)]
            self.rows.append((pk, record, cells))

    def _page(self) -> Page:
        """The page asked for (the first when the number is not one, the last when past the
        end), read with the total count in one query."""
        try:
            number = min(max(int(self.request.GET.get(f"{self.prefix}page") or 1), 1), MAX_PAGE)
        except ValueError:
            number = 1
        paginator = Paginator(self.queryset, self.per_page)
        rows, count = page_with_total(self.queryset, (number - 1) * self.per_page, self.per_page)
        paginator.count = count  # what its cached property would count with a second query
        if not rows and number > paginator.num_pages:
            number = paginator.num_pages
            rows, count = page_with_total(
                self.queryset, (number - 1) * self.per_page, self.per_page
            )
        return Page(rows, number, paginator)

    def html(self) -> SafeString:
        """The table with its header and rows, and the page links below it."""
        return mark_safe(  # noqa: S308 (the parts are escaped)
            '<table class="table table-sm table-hover bg-white align-middle">'
            f"{self.head()}<tbody>{self.body()}</tbody></table>{self.pagination()}"
        )

    def head(self) -> SafeString:
        """The header row: each sortable column links to the list sorted by it (the current
        sort's column the other way round, with its arrow)."""
        current = self.sort.lstrip("-")
        descending = self.sort.startswith("-")
        sorted_by = query_string_with(
            self.request.GET, f"{self.prefix}sort", **{f"{self.prefix}page": None}
        )
        parts = ["<thead><tr>"]
        if self.selectable:
            label = esc(gettext("Select all"))
            parts.append(
                f'<th><input type="checkbox" data-select-all="1" aria-label="{label}"></th>'
            )
        for column in self.visible:
            parts.append('<th class="num">' if column.numeric else "<th>")
            if column.sort:
                this = current == column.name
                sort = f"-{column.name}" if this and not descending else column.name
                href = esc("?" + sorted_by(sort))
                arrow = (" ▼" if descending else " ▲") if this else ""
                parts.append(f'<a href="{href}">{esc(column.header)}{arrow}</a>')
            else:
                parts.append(esc(column.header))
            parts.append("</th>")
        parts.append("</tr></thead>")
        return mark_safe("".join(parts))  # noqa: S308 (every value is escaped above)

    def body(self) -> SafeString:
        """The rows of the page as HTML table rows (with a selection box when selectable), or a
        row saying that none match."""
        if not self.rows:
            none = esc(self.empty_text or gettext("No records match."))
            return mark_safe(  # noqa: S308 (escaped)
                f'<tr><td colspan="{len(self.visible) + 1}" class="text-muted">{none}</td></tr>'
            )
        parts = []
        attrs = self.row_attrs
        for pk, record, cells in self.rows:
            parts.append(f"<tr {attrs(record)}>" if attrs else "<tr>")
            if self.selectable:
                parts.append(
                    f'<td><input type="checkbox" name="pk" value="{pk}" '
                    f'aria-label="{esc(self.describe(record))}"></td>'
                )
            for cell in cells:
                parts.append(f"<td>{cell}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))  # noqa: S308 (every cell is escaped above)

    def pagination(self) -> SafeString:
        """Links to the previous and next page and to the pages around this one (none when
        everything fits on one page)."""
        page = self.page
        if page.paginator.num_pages <= 1:
            return mark_safe("")

        page_number = query_string_with(self.request.GET, f"{self.prefix}page")

        def link(number: int, text: str) -> str:
            href = esc(page_number(number))
            return f'<li class="page-item"><a class="page-link" href="?{href}">{text}</a></li>'

        # (gettext outside the f-strings: makemessages does not look inside them)
        pages, previous, following = gettext("Pages"), gettext("previous"), gettext("next")
        parts = [
            f'<nav aria-label="{esc(pages)}">'
            '<ul class="pagination pagination-sm justify-content-center">'
        ]
        if page.has_previous():
            parts.append(link(page.previous_page_number(), f"‹ {esc(previous)}"))
        for number in self.page_range:
            if number == page.number:
                parts.append(
                    f'<li class="page-item active"><span class="page-link">{number}</span></li>'
                )
            elif number == self.ellipsis:
                parts.append('<li class="page-item disabled"><span class="page-link">…</span></li>')
            else:
                parts.append(link(number, str(number)))
        if page.has_next():
            parts.append(link(page.next_page_number(), f"{esc(following)} ›"))
        parts.append("</ul></nav>")
        return mark_safe("".join(parts))  # noqa: S308 (every value is escaped above)

    def column_choices(self) -> SafeString:
        """The column chooser's boxes: one per optional column, ticked when it is shown."""
        shown = {id(c) for c in self.visible}
        return mark_safe(  # noqa: S308 (every value is escaped)
            "".join(
                f'<label class="dropdown-item"><input type="checkbox" name="cols" '
                f'value="{esc(c.name)}"{" checked" if id(c) in shown else ""}> '
                f"{esc(c.header)}</label>"
                for c in self.columns
                if c.optional
            )
        )

    def per_page_options(self) -> SafeString:
        """The rows-per-page choice's options, the page's size selected (so that filtering
        again keeps it)."""
        return mark_safe(  # noqa: S308 (numbers only)
            "".join(
                f'<option value="{n}"{" selected" if n == self.per_page else ""}>{n}</option>'
                for n in self.per_page_choices
            )
        )

    def _order_by(self, sort: str) -> list[str]:
        name = sort.lstrip("-")
        column = next((c for c in self.columns if c.name == name and c.sort), None)
        if column is None:
            return ["pk"]
        if sort.startswith("-"):
            fields = [f[1:] if f.startswith("-") else f"-{f}" for f in column.sort]
        else:
            fields = list(column.sort)
        return [*fields, "pk"]

    @property
    def count(self) -> int:
        return self.page.paginator.count


def sorted_rows(rows: list, order_by: Sequence[str]) -> list:
    """A report's rows (dicts or objects) sorted as ``order_by`` would sort a queryset (empty
    values first, as SQLite does; ties keep the rows' order)."""
    rows = list(rows)
    for spec in reversed(order_by):
        read = _field_reader(spec.lstrip("-"))

        def key(row, read=read):
            value = read(row)
            return (value is not None, value if value is not None else 0)

        rows.sort(key=key, reverse=spec.startswith("-"))
    return rows


_label_cache: dict[tuple[type, str], dict[Any, str]] = {}


def label(choices: type, value: Any) -> str:
    """The translated label of a choice value, without get_FOO_display's per-call work (lists
    render it for every row)."""
    from django.utils.translation import get_language

    key = (choices, get_language() or "")
    labels = _label_cache.get(key)
    if labels is None:
        labels = _label_cache[key] = {v: str(text) for v, text in choices.choices}
    return labels.get(value, value or "")


# --- the core pages' lists (units, audit log, imports) ------------------------------------------


def _unit_name(unit) -> str:
    name = format_html("<strong>{}</strong>", unit.name) if unit.depth == 0 else unit.name
    return format_html('<span class="unit-depth-{}">{}</span>', unit.depth, name)


def _unit_systems(unit) -> str:
    url = reverse("registry:system_list")
    return format_html(
        '<a href="{}?owner_unit={}">{}</a>', url, quote_plus(unit.code), unit.system_count
    )


def _unit_edit(unit) -> str:
    if not unit.editable:
        return ""
    return format_html('<a href="{}">{}</a>', reverse("unit_edit", args=[unit.pk]), _("Edit"))


UNIT_COLUMNS = [
    Column("code", _("Code"), optional=False),
    Column("name", _("Name"), _unit_name, sort=("organisation_id", "tree_key"), optional=False),
    Column("kind", _("Kind"), choices=UnitKind),
    Column("system_count", _("Systems"), _unit_systems, sort=("system_count",), numeric=True),
    Column("edit", "", _unit_edit, optional=False),
]

AUDIT_COLUMNS = [
    Column(
        "time",
        _("Time"),
        format=lambda t: timezone.localtime(t).strftime("%Y-%m-%d %H:%M:%S"),
        optional=False,
    ),
    Column("actor_name", _("Actor")),
    Column("channel", _("Channel"), choices=Channel, sort=()),
    Column("action", _("Action"), choices=Action, sort=()),
    Column("object_repr", _("Object"), sort=()),
    Column(
        "changes",
        _("Changes"),
        lambda e: render_to_string("core/_audit_changes.html", {"record": e}),
    ),
]

IMPORT_BADGES = {"applied": "success", "dry_run": "info", "rolled_back": "secondary"}


def _import_status(batch) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        IMPORT_BADGES.get(batch.status, "danger"),
        label(ImportStatus, batch.status),
    )


def _import_rejected(batch):
    if batch.rejected:
        return batch.rejected
    if batch.status == "rejected":
        reason = batch.problems[0].get("message", "") if batch.problems else ""
        return format_html('<span class="text-danger" title="{}">{}</span>', reason, _("the file"))
    return 0


IMPORT_COLUMNS = [
    Column("started_at", _("Time"), format=jdatetime, link="import_detail", optional=False),
    Column("kind", _("Kind")),
    Column("file_name", _("File")),
    Column(
        "user", _("User"), lambda b: b.user.username if b.user else "cli", sort=("user__username",)
    ),
    Column("status", _("Status"), _import_status, sort=("status",)),
    Column("created", _("Created"), numeric=True),
    Column("updated", _("Updated"), numeric=True),
    Column("unchanged", _("Unchanged"), numeric=True),
    Column("rejected", _("Rejected"), _import_rejected, sort=("rejected",), numeric=True),
]
