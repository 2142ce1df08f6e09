"""Import (and export) kinds of the registry: systems, costs, vendors, contracts.

Each kind lists its columns once — canonical name, Japanese label, parser, export getter — so the
file an export writes imports back with zero changes.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daicho.core import audit, bulk
from daicho.core.audit import Action
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, Field, Kind, Row, RowParser, register
from daicho.core.importing.keys import text_key
from daicho.core.models import OrgUnit, UnitKind
from daicho.core.services import unit_create
from daicho.registry import selectors, services
from daicho.registry.models import (
    Availability,
    Basis,
    Category,
    Confidentiality,
    Contract,
    ContractKind,
    CostItem,
    CostLine,
    GreenPurchase,
    Hosting,
    InformationSystem,
    Integrity,
    StandardBusiness,
    Status,
    UserBase,
    Vendor,
)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


_key = text_key  # codes and names as keys compare them (NFKC, case, spaces)


class Units:
    """Finds (and, when allowed, creates) departments and sections named in a file."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.units = list(OrgUnit.objects.filter(organisation=ctx.organisation))
        self.top = {}
        self.children = {}
        for unit in self.units:
            for word in (unit.code, unit.name):
                if unit.parent_id is None:
                    self.top.setdefault(_key(word), unit)
                else:
                    self.children.setdefault((unit.department_id, _key(word)), unit)  # any depth
        self.by_code = {_key(u.code): u for u in self.units}

    def find(self, row: Row, department: str, section: str | None) -> OrgUnit | None:
        dept = self.top.get(_key(department)) or self._by_code_at_top(department)
        if dept is None:
            dept = self._create(row, "department", department, None)
            if dept is None:
                return None
        if not section:
            return dept
        unit = self.children.get((dept.pk, _key(section)))
        if unit is None:
            unit = self._create(row, "section", section, dept)
        return unit

    def _by_code_at_top(self, text: str) -> OrgUnit | None:
        unit = self.by_code.get(_key(text))
        return unit if unit is not None and unit.parent_id is None else None

    def _create(self, row: Row, column: str, name: str, parent: OrgUnit | None):
        if not self.ctx.may_create("units"):
            self.ctx.refuse_missing(row, column, "units", name)
            return None
        code = self._next_code(parent)
        try:
            unit = unit_create(
                organisation=self.ctx.organisation,
                code=code,
                name=name,
                kind=UnitKind.SECTION if parent else UnitKind.DEPARTMENT,
                parent=parent,
            )
        except (ValidationError, PermissionDenied) as exc:
            self.ctx.reject(row, column, " ".join(getattr(exc, "messages", [str(exc)])))
            return None
        if parent is None:
            self.top[_key(name)] = unit
        else:
            self.children[(parent.pk, _key(name))] = unit
        self.by_code[_key(code)] = unit
        self.ctx.created("units", f"{parent.name + '/' if parent else ''}{name} ({code})")
        return unit

    def _next_code(self, parent: OrgUnit | None) -> str:
        prefix = f"{parent.code}-" if parent else "D"
        n = 1
        while _key(f"{prefix}{n:02d}") in self.by_code:
            n += 1
        return f"{prefix}{n:02d}"


def _next_code(existing: set[str], prefix: str, width: int) -> str:
    """The next free code like S0203 after the highest existing one (codes compared as keys)."""
    pattern = re.compile(rf"{prefix}(\d+)", re.IGNORECASE)
    numbers = [int(m.group(1)) for c in existing if (m := pattern.fullmatch(c))]
    return f"{prefix}{(max(numbers) + 1 if numbers else 1):0{width}d}"


def system_lookup(ctx: Context) -> dict[str, InformationSystem]:
    """The organisation's systems by normalised system ID, then by name (loaded once per import).

    Every kind whose rows name a system (backups, servers, components, …) finds it here."""
    if "system_lookup" not in ctx.cache:
        lookup: dict[str, InformationSystem] = {}
        systems = list(
            InformationSystem.objects.filter(organisation=ctx.organisation).select_related(
                "organisation", "owner_unit"
            )
        )
        for s in systems:
            lookup.setdefault(_key(s.code), s)
        for s in systems:
            lookup.setdefault(_key(s.name), s)
        ctx.cache["system_lookup"] = lookup
    return ctx.cache["system_lookup"]


def system_named(values: dict[str, Any]) -> str:
    """The system a row names: its システムID, else its システム名 (ledgers kept by name)."""
    return values.get("system") or values.get("system_name") or ""


def system_columns_check(headers: set[str]) -> list[str]:
    """A kind whose rows name a system needs its システムID or its システム名 column."""
    if "system" in headers or "system_name" in headers:
        return []
    return [_("Required column missing: システムID [system] or システム名 [system_name]")]


def _vendor_lookup(ctx: Context) -> dict[str, Vendor]:
    if "vendors" not in ctx.cache:
        lookup = {}
        for vendor in Vendor.objects.filter(organisation=ctx.organisation):
            lookup.setdefault(_key(vendor.code), vendor)
            lookup.setdefault(_key(vendor.name), vendor)
        ctx.cache["vendors"] = lookup
    return ctx.cache["vendors"]


# --- systems ------------------------------------------------------------------------------------


class SystemImport(Kind):
    """Information systems: upsert by system ID, else by name within the organisation.

    Natural key: システムID; a row without one, システム名 (a new system gets the next free ID).
    """

    name = "systems"
    title = gettext_lazy("Information systems")
    fields = [
        Field("code", "システムID", v.code(30), get=lambda s: s.code),
        Field("name", "システム名", v.text(200), required=True, get=lambda s: s.name),
        Field(
            "department",
            "所管部局",
            v.text(100),
            required=True,
            get=lambda s: s.owner_unit.department.name if s.owner_unit.department else None,
        ),
        Field(
            "section",
            "所管課",
            v.text(100),
            get=lambda s: s.owner_unit.name if s.owner_unit.parent_id else None,
        ),
        Field("status", "状態", v.choice(Status.choices), get=lambda s: s.status),
        Field(
            "in_service_from",
            "稼働開始日",
            v.date,
            aliases=("in_service_on",),
            get=lambda s: _iso(s.in_service_on),
            fmt="date",
        ),
        Field("retired_on", "廃止日", v.date, get=lambda s: _iso(s.retired_on), fmt="date"),
        Field("hosting", "稼働環境", v.choice(Hosting.choices), get=lambda s: s.hosting),
        Field(
            "confidentiality",
            "機密性",
            v.choice(Confidentiality.choices),
            get=lambda s: s.confidentiality,
        ),
        Field("integrity", "完全性", v.choice(Integrity.choices), get=lambda s: s.integrity),
        Field(
            "availability", "可用性", v.choice(Availability.choices), get=lambda s: s.availability
        ),
        Field("users", "利用者", v.choice(UserBase.choices), get=lambda s: s.users),
        Field("personal_data", "個人情報", v.boolean, get=lambda s: s.personal_data),
        Field("my_number", "個人番号利用", v.boolean, get=lambda s: s.my_number),
        Field(
            "standard_business",
            "標準化対象業務",
            v.choice(StandardBusiness.choices),
            get=lambda s: s.standard_business,
        ),
        Field("sso_integrated", "統合認証連携", v.boolean, get=lambda s: s.sso_integrated),
        Field(
            "vendor", "保守事業者", v.text(200), get=lambda s: s.vendor.code if s.vendor else None
        ),
        Field("open_data", "オープンデータ公開", v.boolean, get=lambda s: s.open_data),
        Field("description", "概要", v.text(), get=lambda s: s.description),
    ]
    # model field -> column of the file, for error messages
    columns = {"in_service_on": "in_service_from", "owner_unit": "section", "code": "code"}
    blank_as_empty = (
        "confidentiality",
        "integrity",
        "availability",
        "standard_business",
        "description",
    )
    nullable = ("in_service_from", "retired_on", "vendor")

    def key(self, values):
        if values.get("code"):
            return ("code", _key(values["code"]))
        return ("name", _key(values["name"]))

    def export_queryset(self, user):
        return (
            selectors.system_list(user=user)
            .select_related("vendor", "owner_unit__department")
            .order_by("code")
        )

    def _create(self, ctx: Context, code: str | None, known: dict, data: dict):
        """A new system; without a system ID it gets the next free one (S0203, …)."""
        return services.system_create(
            organisation=ctx.organisation, code=code or _next_code(set(known), "S", 4), **data
        )

    def process(self, rows: list[Row], ctx: Context) -> None:
        if "systems" not in ctx.cache:
            systems = list(InformationSystem.objects.filter(organisation=ctx.organisation))
            ctx.cache["systems"] = {
                "code": {_key(s.code): s for s in systems},
                "name": {_key(s.name): s for s in systems},
            }
            ctx.cache["units"] = Units(ctx)
        by = ctx.cache["systems"]
        units: Units = ctx.cache["units"]
        vendors = _vendor_lookup(ctx)
        for row in rows:
            values = row.values
            unit = units.find(row, values["department"], values.get("section"))
            if unit is None:
                continue
            data: dict[str, Any] = {"owner_unit": unit, "name": values["name"]}
            for column, value in values.items():
                if column in ("code", "name", "department", "section", "vendor"):
                    continue
                field_name = "in_service_on" if column == "in_service_from" else column
                if value is None and column not in self.nullable:
                    if column in self.blank_as_empty:
                        data[field_name] = ""
                    continue
                data[field_name] = value
            if "vendor" in values:
                if values["vendor"]:
                    vendor = vendors.get(_key(values["vendor"]))
                    if vendor is None:
                        ctx.reject(
                            row,
                            "vendor",
                            _("No such vendor: %(name)s") % {"name": values["vendor"]},
                        )
                        continue
                    data["vendor"] = vendor
                else:
                    data["vendor"] = None
            existing = (
                by["code"].get(_key(values["code"]))
                if values.get("code")
                else by["name"].get(_key(values["name"]))
            )
            try:
                system = ctx.upsert(
                    existing,
                    data,
                    update=partial(
                        services.system_update, system=existing, effective_on=ctx.effective
                    ),
                    create=partial(self._create, ctx, values.get("code"), by["code"], data),
                )
                by["code"][_key(system.code)] = system
                by["name"][_key(system.name)] = system
            except ValidationError as exc:
                ctx.reject_validation(row, exc, self.columns)
            except PermissionDenied as exc:
                ctx.reject(row, "section", str(exc) or _("You may not edit this system."))


# --- costs --------------------------------------------------------------------------------------


KEY_FIELDS = ("system_id", "fiscal_year", "basis", "category", "item_id")  # of a cost line


class CostImport(Kind):
    """Cost lines: upsert on system + fiscal year + basis + category + cost item.

    Natural key: システムID (or システム名) + 年度 + 予算決算 + 経費区分 + 費目 (its code or name);
    the same line twice in one file is found once the names are resolved.
    """

    name = "costs"
    title = gettext_lazy("Costs")
    chunk_size = 20_000  # rows written at a time: the inserts run faster in big batches
    fields = [
        Field(
            "system",
            "システムID",
            v.code(200),
            aliases=("system_code",),
            get=lambda c: c.system.code,
        ),
        Field("system_name", "システム名", v.text(200), get=lambda c: c.system.name),
        Field("fiscal_year", "年度", v.fiscal_year, required=True, get=lambda c: c.fiscal_year),
        Field("basis", "予算決算", v.choice(Basis.choices), required=True, get=lambda c: c.basis),
        Field(
            "category",
            "経費区分",
            v.choice(Category.choices),
            required=True,
            get=lambda c: c.category,
        ),
        Field("item", "費目", v.text(100), required=True, get=lambda c: c.item.code),
        Field(
            "amount", "金額（円）", v.yen(), aliases=("金額",), get=lambda c: c.amount, fmt="yen"
        ),
        Field("amount_thousand_yen", "金額（千円）", v.yen(thousands=True)),
        Field("note", "備考", v.text(500), get=lambda c: c.note),
    ]

    def check(self, headers):
        if "amount" not in headers and "amount_thousand_yen" not in headers:
            return [
                _(
                    "Required column missing: amount (金額（円）) or amount_thousand_yen "
                    "(金額（千円）)"
                )
            ]
        return system_columns_check(headers)

    def key(self, values):
        return None  # duplicates are found after resolution (RowsById), with less memory

    def export_queryset(self, user):
        return (
            CostLine.objects.visible_to(user)
            .select_related("system", "item")
            .order_by(
                "system__code", "fiscal_year", "basis", "category", "item__sort_order", "item__code"
            )
        )

    def _lookups(self, ctx: Context):
        if "cost_systems" not in ctx.cache:
            systems = list(
                InformationSystem.objects.filter(organisation=ctx.organisation).select_related(
                    "organisation"
                )
            )
            lookup = {}
            for s in systems:
                lookup.setdefault(_key(s.code), s)
            for s in systems:
                lookup.setdefault(_key(s.name), s)
            ctx.cache["cost_systems"] = lookup
            ctx.cache["editable"] = set(
                InformationSystem.objects.editable_by(ctx.user)
                .filter(organisation=ctx.organisation)
                .values_list("pk", flat=True)
            )
            items = {}
            for item in CostItem.objects.filter(organisation=ctx.organisation):
                items.setdefault(_key(item.code), item)
                items.setdefault(_key(item.name), item)
            ctx.cache["items"] = items
            ctx.cache["systems_by_pk"] = {s.pk: s for s in systems}
            ctx.cache["items_by_pk"] = {i.pk: i for i in items.values()}
        return ctx.cache["cost_systems"], ctx.cache["editable"], ctx.cache["items"]

    def process_table(self, reader, columns, ctx: Context, progress) -> None:
        """Resolve the rows one by one and write them `chunk_size` at a time. A row whose cells
        were all seen before on a good row skips the cell-by-cell parsing: files of a million
        lines repeat the same systems, years, bases, categories and items on every line."""
        parser = RowParser(self, reader.headers, columns, ctx)
        fast = _PlainCostRow(parser.positions)
        lines: list[tuple] = []
        done = 0
        for number, cells, line in fast.resolve(reader.records()):
            done += 1
            if line is None:  # new texts or not plain: parse and check it cell by cell
                row = parser.parse(number, cells)
                line = self.resolve(row, ctx) if row else None
                if line is None:
                    continue
                fast.remember(cells, line)
            lines.append(line)
            if len(lines) == self.chunk_size:
                self.write(lines, ctx)
                lines = []
                if progress:
                    progress(done)
        if lines:
            self.write(lines, ctx)
        if progress:
            progress(done)

    def resolve(self, row: Row, ctx: Context) -> tuple | None:
        """A parsed row as (row number, system id, fiscal year, basis, category, item id,
        amount, note or None), or None when it names what does not exist or may not be edited."""
        systems, editable, items = self._lookups(ctx)
        values = row.values
        named = system_named(values)
        system = systems.get(_key(named))
        if system is None:
            column = "system_name" if named and not values.get("system") else "system"
            ctx.reject(
                row,
                column,
                _("No such system: %(system)s") % {"system": named}
                if named
                else _("Give the system's ID or name."),
            )
            return None
        if system.pk not in editable:
            ctx.reject(
                row,
                "system",
                _("You may not edit the costs of %(system)s.") % {"system": system},
            )
            return None
        item = items.get(_key(values["item"]))
        if item is None:
            ctx.reject(
                row,
                "item",
                _("No such cost item: %(item)s (known: %(items)s)")
                % {
                    "item": values["item"],
                    "items": "、".join(sorted({i.name for i in items.values()})),
                },
            )
            return None
        amount = values.get("amount")
        thousand = values.get("amount_thousand_yen")
        if amount is None and thousand is None:
            ctx.reject(row, "amount", _("Give the amount in yen or in thousand yen."))
            return None
        if amount is not None and thousand is not None and amount != thousand:
            ctx.reject(
                row,
                "amount_thousand_yen",
                _("The amount in yen (%(yen)s) and in thousand yen (%(thousand)s) differ.")
                % {"yen": f"{amount:,}", "thousand": f"{thousand:,}"},
            )
            return None
        return (
            row.number,
            system.pk,
            values["fiscal_year"],
            values["basis"],
            values["category"],
            item.pk,
            amount if amount is not None else thousand,
            values.get("note"),
        )

    def write(self, lines: list[tuple], ctx: Context) -> None:
        """Create the new lines and update the changed ones (resolved rows, in file order)."""
        existing: dict[tuple, tuple[int, int, str]] = {}  # key → (id, amount, note)
        for pk, *key, amount, note in (
            CostLine.objects.filter(
                system_id__in={line[1] for line in lines},
                fiscal_year__in={line[2] for line in lines},
            )
            .order_by()
            .values_list("pk", *KEY_FIELDS, "amount", "note")
            .iterator(chunk_size=10_000)
        ):
            existing[tuple(key)] = (pk, amount, note)
        written: RowsById = ctx.cache.setdefault("cost_rows", RowsById())
        in_chunk: dict[tuple, int] = {}
        created: list[tuple] = []
        to_update: list[tuple[CostLine, dict, dict]] = []
        for line in lines:
            number, key = line[0], line[1:6]
            old = existing.get(key)
            # The same line twice in one file (perhaps once by code, once by name).
            first = in_chunk.get(key) or (written.get(old[0]) if old is not None else None)
            if first:
                ctx.reject(number, "", _("The same record as row %(row)d.") % {"row": first}, "")
                continue
            in_chunk[key] = number
            if old is None:
                created.append(line)
                continue
            pk, old_amount, old_note = old
            written.add(pk, number)
            amount, note = line[6], old_note if line[7] is None else line[7]
            if old_amount == amount and old_note == note:
                ctx.counts["unchanged"] += 1
                continue
            cost_line = CostLine(id=pk, **dict(zip(KEY_FIELDS, key, strict=True)))
            cost_line.amount, cost_line.note = amount, note
            to_update.append(
                (
                    cost_line,
                    {"amount": old_amount, "note": old_note},
                    {"amount": amount, "note": note},
                )
            )
        if created:
            self._create(created, written, ctx)
        if to_update:
            CostLine.objects.bulk_update(
                [line for line, _b, _a in to_update], ["amount", "note"], batch_size=2000
            )
            systems, items = ctx.cache["systems_by_pk"], ctx.cache["items_by_pk"]
            for line, _b, _a in to_update:
                line.system, line.item = systems[line.system_id], items[line.item_id]  # audit text
            audit.record_many(
                [(Action.UPDATE, line, before, after) for line, before, after in to_update],
                organisation=ctx.organisation,
            )
            ctx.counts["updated"] += len(to_update)

    FIELDS = ("id", *KEY_FIELDS, "amount", "note")

    def _create(self, lines: list[tuple], written: RowsById, ctx: Context) -> None:
        """Insert new lines below the ORM (DESIGN.md), each with its own audit event, which the
        database builds from the inserted rows (the same event as `str(line)` and `snapshot`)."""
        ids = bulk.allocate_ids(CostLine, len(lines))
        written.add_many(ids, [line[0] for line in lines])
        bulk.insert(
            CostLine,
            self.FIELDS,
            [
                (pk, system, year, basis, category, item, amount, note or "")
                for pk, (_n, system, year, basis, category, item, amount, note) in zip(
                    ids, lines, strict=True
                )
            ],
        )
        where, params = bulk.ids_filter("c.id", ids)
        basis, basis_params = _sql_case("c.basis", {v: str(label) for v, label in Basis.choices})
        items = ctx.cache["items_by_pk"]
        names = {pk: items[pk].name for pk in {line[5] for line in lines}}
        item, item_params = _sql_case("c.item_id", names)
        audit.record_created_by_query(
            CostLine,
            alias="c",
            after=self.FIELDS,
            # as CostLine.__str__: "S0001 FY2014 予算 委託料"
            text=f"s.code || ' FY' || c.fiscal_year || ' ' || {basis} || ' ' || {item}",
            text_params=[*basis_params, *item_params],
            joins="JOIN registry_informationsystem s ON s.id = c.system_id",
            where=where,
            params=params,
            root=InformationSystem,
            root_column="system_id",
            organisation=ctx.organisation,
        )
        ctx.counts["created"] += len(lines)


def _sql_case(column: str, names: dict[Any, str]) -> tuple[str, list]:
    """SQL naming each of a few values of `column` (cheaper than a join for every row)."""
    return (
        f"CASE {column}{' WHEN %s THEN %s' * len(names)} END",
        [x for pair in names.items() for x in pair],
    )


class _PlainCostRow:
    """The fast path of cost rows: every cell text already seen on a good row, a plain amount.

    A text is remembered (with what it resolved to) only once the row it came on passed every
    check, so a row resolved here resolves exactly as the cell-by-cell path would resolve it.
    Files with amounts in thousand yen take the cell-by-cell path."""

    LIMIT = 100_000  # texts remembered per column: they repeat, so memory stays small

    def __init__(self, positions: dict[str, int]):
        self.enabled = "amount" in positions and "amount_thousand_yen" not in positions
        if not self.enabled:
            return
        # A file without システムID names its systems by システム名 (only checked otherwise).
        system = "system" if "system" in positions else "system_name"
        columns = (system, "fiscal_year", "basis", "category", "item")
        self.keys = [(positions[c], {}) for c in columns]  # (cell index, text → resolved)
        self.amount = positions["amount"]
        self.note = positions.get("note")
        self.notes: dict[str, str] = {}
        # Columns only checked (the system's name): the texts seen on good rows.
        self.checked = [
            (i, set()) for c, i in positions.items() if c not in (*columns, "amount", "note")
        ]

    def resolve(self, records: Iterable[tuple[int, list[str]]]) -> Iterator[tuple]:
        """(number, cells, the row resolved as CostImport.resolve would or None if it cannot
        tell) for each record, lazily: what a row remembers serves the rows after it."""
        if not self.enabled:
            for number, cells in records:
                yield number, cells, None
            return
        (s, systems), (y, years), (b, bases), (c, categories), (i, items) = self.keys
        amounts, n, notes, checked = self.amount, self.note, self.notes, self.checked
        for number, cells in records:
            try:
                line = (
                    number,
                    systems[cells[s]],
                    years[cells[y]],
                    bases[cells[b]],
                    categories[cells[c]],
                    items[cells[i]],
                )
                amount = cells[amounts]
                note = None if n is None else notes[cells[n]]
                plain = amount.isdigit() and amount.isascii() and len(amount) <= 15
                # values.yen() reads the other forms (separators, full width, 千円)
                if plain and (not checked or all(cells[k] in seen for k, seen in checked)):
                    yield number, cells, (*line, int(amount), note)
                    continue
            except (KeyError, IndexError):
                pass
            yield number, cells, None

    def remember(self, cells: list[str], line: tuple) -> None:
        """Remember the texts of a row that passed every check, with what they resolved to."""
        if not self.enabled:
            return
        for (index, texts), value in zip(self.keys, line[1:6], strict=True):
            # A blank cell resolved through another column (a blank システムID, the system
            # given by its name) says nothing about the rows after it.
            if len(texts) < self.LIMIT and cells[index]:
                texts[cells[index]] = value
        if self.note is not None and len(self.notes) < self.LIMIT:
            self.notes[cells[self.note]] = line[7]
        for index, seen in self.checked:
            if len(seen) < self.LIMIT:
                seen.add(cells[index])


class RowsById:
    """Which file row wrote each cost line of this import, compactly (an array per id range)."""

    def __init__(self) -> None:
        self.base: int | None = None
        self.rows = array("L")

    def add(self, pk: int, number: int) -> None:
        if self.base is None:
            self.base = pk
        if pk < self.base:  # an older line touched by this import: rare, keep it simple
            self.rows = array("L", [0] * (self.base - pk)) + self.rows
            self.base = pk
        offset = pk - self.base
        if offset >= len(self.rows):  # grow in blocks, not row by row
            self.rows.extend(array("L", [0]) * max(offset - len(self.rows) + 1, 8192))
        self.rows[offset] = number

    def add_many(self, pks: Sequence[int], numbers: list[int]) -> None:
        """add() for each; at once for the consecutive new ids SQLite allocates (above every id
        of the table, so nothing was added at or after the first of them)."""
        if isinstance(pks, range) and pks.step == 1 and pks:
            if self.base is None:
                self.base = pks.start
            offset = pks.start - self.base
            if offset >= 0:
                del self.rows[offset:]
                self.rows.extend(array("L", [0]) * (offset - len(self.rows)))
                self.rows.extend(array("L", numbers))
                return
        for pk, number in zip(pks, numbers, strict=True):
            self.add(pk, number)

    def get(self, pk: int) -> int | None:
        if self.base is None or pk < self.base or pk - self.base >= len(self.rows):
            return None
        return self.rows[pk - self.base] or None


class VendorImport(Kind):
    """Vendors: upsert by vendor ID, else by corporate number, else by name.

    Natural key: 事業者ID; a row without one, 法人番号, else 事業者名 (a vendor known by name
    without a corporate number takes the row's); a new vendor gets the next free ID.
    """

    name = "vendors"
    title = gettext_lazy("Vendors")
    fields = [
        Field("code", "事業者ID", v.code(30), get=lambda x: x.code),
        Field("name", "事業者名", v.text(200), required=True, get=lambda x: x.name),
        Field("corporate_number", "法人番号", v.code(13), get=lambda x: x.corporate_number),
        Field("phone", "電話番号", v.text(30), get=lambda x: x.phone),
        Field("email", "メールアドレス", v.text(254), get=lambda x: x.email),
        Field("note", "備考", v.text(), get=lambda x: x.note),
    ]

    def key(self, values):
        if values.get("code"):
            return ("code", _key(values["code"]))
        if values.get("corporate_number"):
            return ("corporate_number", values["corporate_number"])
        return ("name", _key(values["name"]))

    def export_queryset(self, user):
        return Vendor.objects.visible_to(user).order_by("code")

    def _create(self, ctx: Context, code: str | None, known: dict, data: dict):
        """A new vendor; without a vendor ID it gets the next free one (V016, …)."""
        return services.vendor_create(
            organisation=ctx.organisation, code=code or _next_code(set(known), "V", 3), **data
        )

    def process(self, rows, ctx):
        vendors = list(Vendor.objects.filter(organisation=ctx.organisation))
        by_code = {_key(x.code): x for x in vendors}
        by_number = {x.corporate_number: x for x in vendors if x.corporate_number}
        by_name = {_key(x.name): x for x in vendors}
        for row in rows:
            values = row.values
            data = {k: (val or "") for k, val in values.items() if k != "code"}
            if values.get("code"):
                existing = by_code.get(_key(values["code"]))
            else:
                number = values.get("corporate_number")
                existing = by_number.get(number) if number else None
                if existing is None:
                    # By name, unless that vendor's corporate number says it is another company
                    # (a vendor created from a name in a system ledger has none yet).
                    named = by_name.get(_key(values["name"]))
                    if named is not None and not (number and named.corporate_number):
                        existing = named
            try:
                vendor = ctx.upsert(
                    existing,
                    data,
                    update=partial(services.vendor_update, vendor=existing),
                    create=partial(self._create, ctx, values.get("code"), by_code, data),
                )
                by_code[_key(vendor.code)] = vendor
                by_name[_key(vendor.name)] = vendor
                if vendor.corporate_number:
                    by_number[vendor.corporate_number] = vendor
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
            except PermissionDenied as exc:
                ctx.reject(row, "", str(exc))
        ctx.cache.pop("vendors", None)


SEPARATORS = re.compile(r"[\s,、，;；]+")


class ContractImport(Kind):
    """Contracts: upsert by contract ID, else by title, vendor and start.

    Natural key: 契約ID; a row without one, 件名 + 事業者 + 契約開始日 (a new contract gets the
    next free ID).
    """

    name = "contracts"
    title = gettext_lazy("Contracts")
    fields = [
        Field("code", "契約ID", v.code(30), get=lambda c: c.code),
        Field("title", "件名", v.text(200), required=True, get=lambda c: c.title),
        Field("vendor", "事業者", v.text(200), required=True, get=lambda c: c.vendor.code),
        Field("owner_unit", "担当課", v.text(100), required=True, get=lambda c: c.owner_unit.code),
        Field(
            "systems",
            "対象システムID",
            v.text(),
            get=lambda c: " ".join(s.code for s in c.systems.all()),
        ),
        Field(
            "kind",
            "契約種別",
            v.choice(ContractKind.choices, {"リース": "lease", "保守": "maintenance"}),
            required=True,
            get=lambda c: c.kind,
        ),
        Field(
            "start_on",
            "契約開始日",
            v.date,
            required=True,
            get=lambda c: _iso(c.start_on),
            fmt="date",
        ),
        Field(
            "end_on", "契約終了日", v.date, required=True, get=lambda c: _iso(c.end_on), fmt="date"
        ),
        Field("yearly_amount", "年額（円）", v.yen(), get=lambda c: c.yearly_amount, fmt="yen"),
        Field("yearly_amount_thousand_yen", "年額（千円）", v.yen(thousands=True)),
        Field(
            "green",
            "グリーン購入",
            v.choice(GreenPurchase.choices, {"適合": "yes", "不適合": "no", "対象外": "na"}),
            get=lambda c: c.green,
        ),
        Field("note", "備考", v.text(), get=lambda c: c.note),
    ]

    def key(self, values):
        if values.get("code"):
            return ("code", _key(values["code"]))
        return ("title", _key(values["title"]), _key(values["vendor"]), values["start_on"])

    def export_queryset(self, user):
        return (
            Contract.objects.visible_to(user)
            .select_related("vendor", "owner_unit")
            .prefetch_related("systems")
            .order_by("code")
        )

    def process(self, rows, ctx):
        vendors = _vendor_lookup(ctx)
        units = {}
        for unit in OrgUnit.objects.filter(organisation=ctx.organisation):
            units.setdefault(_key(unit.code), unit)
            units.setdefault(_key(unit.name), unit)
        systems = {
            _key(s.code): s for s in InformationSystem.objects.filter(organisation=ctx.organisation)
        }
        contracts = {
            _key(c.code): c
            for c in Contract.objects.filter(organisation=ctx.organisation).prefetch_related(
                "systems"
            )
        }
        by_title = {(_key(c.title), c.vendor_id, c.start_on): c for c in contracts.values()}
        for row in rows:
            values = row.values
            vendor = vendors.get(_key(values["vendor"]))
            unit = units.get(_key(values["owner_unit"]))
            if vendor is None:
                ctx.reject(
                    row, "vendor", _("No such vendor: %(name)s") % {"name": values["vendor"]}
                )
            if unit is None:
                ctx.reject(
                    row, "owner_unit", _("No such unit: %(name)s") % {"name": values["owner_unit"]}
                )
            linked = None
            if "systems" in values:
                codes = [c for c in SEPARATORS.split(values["systems"] or "") if c]
                missing = [c for c in codes if _key(c) not in systems]
                if missing:
                    ctx.reject(
                        row,
                        "systems",
                        _("Unknown system IDs: %(codes)s") % {"codes": ", ".join(missing)},
                    )
                linked = [systems[_key(c)] for c in codes if _key(c) in systems]
            amount = values.get("yearly_amount")
            if amount is None:
                amount = values.get("yearly_amount_thousand_yen")
            if ctx.is_rejected(row):
                continue
            data = {
                "title": values["title"],
                "vendor": vendor,
                "owner_unit": unit,
                "kind": values["kind"],
                "start_on": values["start_on"],
                "end_on": values["end_on"],
            }
            if amount is not None:
                data["yearly_amount"] = amount
            if "note" in values:
                data["note"] = values["note"] or ""
            if "green" in values:
                data["green"] = values["green"] or ""
            if values.get("code"):
                existing = contracts.get(_key(values["code"]))
            else:
                existing = by_title.get((_key(values["title"]), vendor.pk, values["start_on"]))
            try:
                if existing is not None:
                    changes = {k: val for k, val in data.items() if getattr(existing, k) != val}
                    same_systems = linked is None or {s.pk for s in linked} == {
                        s.pk for s in existing.systems.all()
                    }
                    if not changes and same_systems:
                        ctx.counts["unchanged"] += 1
                        continue
                    services.contract_update(
                        contract=existing, data=changes, systems=None if same_systems else linked
                    )
                    ctx.counts["updated"] += 1
                else:
                    contract = services.contract_create(
                        organisation=ctx.organisation,
                        code=values.get("code") or _next_code(set(contracts), "C", 4),
                        systems=linked or [],
                        **data,
                    )
                    contracts[_key(contract.code)] = contract
                    by_title[(_key(contract.title), contract.vendor_id, contract.start_on)] = (
                        contract
                    )
                    ctx.counts["created"] += 1
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
            except PermissionDenied as exc:
                ctx.reject(row, "owner_unit", str(exc))


def register_kinds() -> None:
    for kind in (SystemImport(), CostImport(), VendorImport(), ContractImport()):
        register(kind)
