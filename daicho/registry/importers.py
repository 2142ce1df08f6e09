"""Import (and export) kinds of the registry: systems, costs, cost items, vendors, contracts.

Each kind lists its columns once — canonical name, Japanese label, parser, export getter — so the
file an export writes imports back with zero changes.
"""

from __future__ import annotations

import functools
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
from daicho.core.exports import iso
from daicho.core.importing import engine
from daicho.core.importing import values as v
from daicho.core.importing.engine import (
    Context,
    Field,
    Kind,
    Row,
    RowParser,
    differences,
    register,
)
from daicho.core.importing.keys import text_key
from daicho.core.importing.refs import unit_resolver
from daicho.core.importing.rows import words
from daicho.core.importing.values import normalize
from daicho.registry import selectors, services
from daicho.registry.cost_items import new_item_defaults
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
    cost_item_key,
)

_key = text_key  # codes and names as keys compare them (NFKC, case, spaces)


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


_COMPANY_FORMS = {"(株)": "株式会社", "(有)": "有限会社", "(合)": "合同会社", "(同)": "合同会社"}
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def _vendor_key(text: str | None) -> str:
    """A vendor's name as files are matched against it: NFKC, no spaces, (株)/㈱ as 株式会社.

    「株式会社 岡山システム」, 「㈱岡山システム」 and 「(株)岡山システム」 are one vendor."""
    key = _SPACES.sub("", normalize(text or ""))
    for short, full in _COMPANY_FORMS.items():
        key = key.replace(short, full)
    return key.lower()


class Vendors:
    """The organisation's vendors by ID and by name, loaded once per import. A vendor a row
    names that the ledger lacks is created once, however many rows name it, and listed under
    新しい事業者 — unless the user refused to create vendors (`--no-create vendors`)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.lookup: dict[str, Vendor] = {}
        self.codes: set[str] = set()
        self.failed: dict[str, str] = {}  # name key -> why it could not be created
        for vendor in Vendor.objects.filter(organisation=ctx.organisation):
            self._add(vendor)

    @classmethod
    def of(cls, ctx: Context) -> Vendors:
        if "vendor_refs" not in ctx.cache:
            ctx.cache["vendor_refs"] = cls(ctx)
        return ctx.cache["vendor_refs"]

    def _add(self, vendor: Vendor) -> None:
        self.codes.add(_key(vendor.code))
        self.lookup.setdefault(_key(vendor.code), vendor)
        self.lookup.setdefault(_vendor_key(vendor.name), vendor)

    def find(self, row: Row, column: str, text: str, *, create: bool = True) -> Vendor | None:
        """The vendor ``text`` names (ID or name), created when missing and allowed; None when
        the row was rejected (or, with ``create`` False, when it names a new vendor)."""
        vendor = self.lookup.get(_key(text)) or self.lookup.get(_vendor_key(text))
        if vendor is not None:
            return vendor
        key = _vendor_key(text)
        if not self.ctx.may_create("vendors"):
            self.ctx.refuse_missing(row, column, "vendors", text)
            return None
        if not create:
            return None
        if key in self.failed:
            self.ctx.reject(row, column, self.failed[key])
            return None
        try:
            vendor = services.vendor_create(
                organisation=self.ctx.organisation,
                code=_next_code(self.codes, "V", 3),
                name=text,
            )
        except (ValidationError, PermissionDenied) as exc:
            self.failed[key] = _("The vendor %(name)s could not be added: %(reason)s") % {
                "name": text,
                "reason": " ".join(getattr(exc, "messages", None) or [str(exc)]),
            }
            self.ctx.reject(row, column, self.failed[key])
            return None
        self._add(vendor)
        self.ctx.created("vendors", text)
        return vendor


# --- systems ------------------------------------------------------------------------------------


class SystemImport(Kind):
    """Information systems: upsert by system ID, else by name within the organisation.

    Natural key: システムID; a row without one, システム名 (a new system gets the next free ID).
    """

    name = "systems"
    title = gettext_lazy("Information systems")
    fields = [
        Field("code", "システムID", v.code(30), get=lambda s: s.code, example="S0001"),
        Field(
            "name",
            "システム名",
            v.text(200),
            required=True,
            get=lambda s: s.name,
            example="住民記録システム",
        ),
        Field(
            "department",
            "所管部局",
            v.text(100),
            required=True,
            get=lambda s: s.owner_unit.department.name if s.owner_unit.department else None,
            example="市民生活部",
        ),
        Field(
            "section",
            "所管課",
            v.text(100),
            get=lambda s: s.owner_unit.name if s.owner_unit.parent_id else None,
            example="市民課",
        ),
        Field(
            "status",
            "状態",
            v.choice(Status.choices, synonyms="systems.status"),
            get=lambda s: s.status,
            example="運用中",
        ),
        Field(
            "in_service_from",
            "稼働開始日",
            v.date,
            aliases=("in_service_on",),
            get=lambda s: iso(s.in_service_on),
            fmt="date",
            example="2016-01-04",
        ),
        Field("retired_on", "廃止日", v.date, get=lambda s: iso(s.retired_on), fmt="date"),
        Field(
            "hosting",
            "稼働環境",
            v.choice(Hosting.choices, synonyms="systems.hosting"),
            get=lambda s: s.hosting,
            example="ガバメントクラウド",
        ),
        Field(
            "confidentiality",
            "機密性",
            v.choice(Confidentiality.choices, synonyms="systems.confidentiality"),
            get=lambda s: s.confidentiality,
            example="機密性3",
        ),
        Field(
            "integrity",
            "完全性",
            v.choice(Integrity.choices, synonyms="systems.integrity"),
            get=lambda s: s.integrity,
            example="完全性2",
        ),
        Field(
            "availability",
            "可用性",
            v.choice(Availability.choices, synonyms="systems.availability"),
            get=lambda s: s.availability,
            example="可用性2",
        ),
        Field(
            "users",
            "利用者",
            v.choice(UserBase.choices, synonyms="systems.users"),
            get=lambda s: s.users,
            example="職員",
        ),
        Field(
            "personal_data", "個人情報", v.boolean, get=lambda s: s.personal_data, example="あり"
        ),
        Field("my_number", "個人番号利用", v.boolean, get=lambda s: s.my_number, example="あり"),
        Field(
            "standard_business",
            "標準化対象業務",
            v.choice(StandardBusiness.choices, synonyms="systems.standard_business"),
            get=lambda s: s.standard_business,
            example="住民基本台帳",
        ),
        Field(
            "sso_integrated",
            "統合認証連携",
            v.boolean,
            get=lambda s: s.sso_integrated,
            example="あり",
        ),
        Field(
            "vendor",
            "保守事業者",
            v.text(200),
            aliases=("保守業者", "保守業者名", "保守事業者名", "保守会社"),
            get=lambda s: s.vendor.code if s.vendor else None,
            help=gettext_lazy("Vendor ID or name; a vendor the ledger lacks is created."),
        ),
        Field(
            "open_data", "オープンデータ公開", v.boolean, get=lambda s: s.open_data, example="なし"
        ),
        Field(
            "description",
            "概要",
            v.text(),
            get=lambda s: s.description,
            example="住民基本台帳の記録と証明書の交付（標準準拠システム）",
        ),
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
        by = ctx.cache["systems"]
        units = unit_resolver(ctx)
        vendors = Vendors.of(ctx)
        for row in rows:
            values = row.values
            unit = units.find_pair(
                row, "department", values["department"], "section", values.get("section")
            )
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
                    vendor = vendors.find(row, "vendor", values["vendor"])
                    if vendor is None:
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
                    row=row,
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
            example="S0001",
            help=gettext_lazy("Required unless the file names its systems by システム名."),
        ),
        Field(
            "system_name",
            "システム名",
            v.text(200),
            get=lambda c: c.system.name,
            example="住民記録システム",
        ),
        Field(
            "fiscal_year",
            "年度",
            v.fiscal_year,
            required=True,
            get=lambda c: c.fiscal_year,
            example="令和6年度",
        ),
        Field(
            "basis",
            "予算決算",
            v.choice(Basis.choices, synonyms="costs.basis"),
            required=True,
            get=lambda c: c.basis,
            example="予算",
        ),
        Field(
            "category",
            "経費区分",
            v.choice(Category.choices, synonyms="costs.category"),
            required=True,
            get=lambda c: c.category,
            example="運用等経費",
        ),
        Field(
            "item",
            "費目",
            v.text(100),
            required=True,
            aliases=("費目名",),
            get=lambda c: c.item.code,
            help=gettext_lazy("Cost item code or name; an item the ledger lacks is created."),
            example="委託料",
        ),
        Field(
            "amount",
            "金額（円）",
            v.yen(),
            aliases=("金額",),
            get=lambda c: c.amount,
            fmt="yen",
            example="12000000",
        ),
        Field("amount_thousand_yen", "金額（千円）", v.yen(thousands=True), example="12000"),
        Field("note", "備考", v.text(500), get=lambda c: c.note, example="運用保守業務委託"),
    ]

    def check(self, headers):
        problems = system_columns_check(headers)
        if "amount" not in headers and "amount_thousand_yen" not in headers:
            problems.append(
                _(
                    "Required column missing: amount (金額（円）) or amount_thousand_yen "
                    "(金額（千円）)"
                )
            )
        return problems

    def header_columns(self) -> set[str]:
        # A 経費調書 often names its systems by name only: システムID or システム名 will do.
        return super().header_columns() - {"system"}

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
            # One dict: codes (as _key) and names (as cost_item_key: 使用料及賃借料 is 使用料及び
            # 賃借料); a cell is looked up as a code, then as a name.
            items = {}
            by_pk = {}
            for item in CostItem.objects.filter(organisation=ctx.organisation):
                items.setdefault(_key(item.code), item)
                by_pk[item.pk] = item
            for item in by_pk.values():
                items.setdefault(cost_item_key(item.name), item)
            ctx.cache["items"] = items
            ctx.cache["systems_by_pk"] = {s.pk: s for s in systems}
            ctx.cache["items_by_pk"] = by_pk
        return ctx.cache["cost_systems"], ctx.cache["editable"], ctx.cache["items"]

    def _item(self, row: Row, ctx: Context, text: str) -> CostItem | None:
        """The 費目 a row names: found by code or name, else created once (listed under
        新しい費目) unless the user refused to create cost items."""
        items = ctx.cache["items"]
        item = items.get(_key(text)) or items.get(cost_item_key(text))
        if item is not None:
            return item
        if not ctx.may_create("cost-items"):
            ctx.refuse_missing(row, "item", "cost-items", text)
            return None
        key = cost_item_key(text)
        failed = ctx.cache.setdefault("item_failures", {})
        if key in failed:
            ctx.reject(row, "item", failed[key])
            return None
        by_pk = ctx.cache["items_by_pk"]
        try:
            item = services.cost_item_create(
                organisation=ctx.organisation,
                code=_next_code({_key(i.code) for i in by_pk.values()}, "H", 2),
                name=text,
                **new_item_defaults(text, by_pk.values()),
            )
        except (ValidationError, PermissionDenied) as exc:
            failed[key] = _("The cost item %(name)s could not be added: %(reason)s") % {
                "name": text,
                "reason": " ".join(getattr(exc, "messages", None) or [str(exc)]),
            }
            ctx.reject(row, "item", failed[key])
            return None
        items[_key(item.code)] = item
        items.setdefault(key, item)
        by_pk[item.pk] = item
        ctx.created("cost-items", text)
        return item

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
        systems, editable, _items = self._lookups(ctx)
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
        item = self._item(row, ctx, values["item"])  # last: a new item only for a good row
        if item is None:
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
        numbers: list[int] = []  # the row of each line to update
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
            numbers.append(number)
            to_update.append(
                (
                    cost_line,
                    {"amount": old_amount, "note": old_note},
                    {"amount": amount, "note": note},
                )
            )
        if created:
            self._create(created, written, ctx)
            self._note_created(created, ctx)
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
            for number, (line, before, after) in zip(numbers, to_update, strict=True):
                if len(ctx.row_changes["updated"]) >= engine.MAX_ROW_CHANGES:
                    break
                changed = {k: v for k, v in after.items() if before[k] != v}
                ctx.note_updated(number, line, before, changed)

    @staticmethod
    def _note_created(lines: list[tuple], ctx: Context) -> None:
        """Keep the first new lines for the preview (named as their audit events name them)."""
        systems, items = ctx.cache["systems_by_pk"], ctx.cache["items_by_pk"]
        for line in lines:
            if len(ctx.row_changes["created"]) >= engine.MAX_ROW_CHANGES:
                break
            cost_line = CostLine(**dict(zip(KEY_FIELDS, line[1:6], strict=True)))
            cost_line.system, cost_line.item = systems[line[1]], items[line[5]]
            ctx.note_created(line[0], cost_line)

    FIELDS = ("id", *KEY_FIELDS, "amount", "note")

    def _create(self, lines: list[tuple], written: RowsById, ctx: Context) -> None:
        """Insert new lines below the ORM (docs/architecture.md), each with its own audit event,
        which the database builds from the inserted rows (the same event as `str(line)` and
        `snapshot`)."""
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


class CostItemImport(Kind):
    """The organisation's 費目: upsert by code, else by name (as cost files name them).

    Natural key: 費目コード; a row without one, 費目名."""

    name = "cost-items"
    title = gettext_lazy("Cost items")
    fields = [
        Field(
            "code",
            "費目コード",
            v.code(30),
            aliases=("コード",),
            get=lambda i: i.code,
            example="H01",
        ),
        Field(
            "name",
            "費目名",
            v.text(100),
            required=True,
            aliases=("費目",),
            get=lambda i: i.name,
            example="運用保守委託料",
        ),
        Field(
            "budget_section",
            "節",
            v.text(30),
            aliases=("節名", "予算節"),
            get=lambda i: i.budget_section,
            help=gettext_lazy("Blank: kept; a new item takes the 節 its name ends in."),
            example="委託料",
        ),
        Field(
            "sort_order",
            "表示順",
            v.integer,
            aliases=("並び順", "順序"),
            get=lambda i: i.sort_order,
            example="125",
        ),
    ]

    def key(self, values):
        if values.get("code"):
            return ("code", _key(values["code"]))
        return ("name", cost_item_key(values["name"]))

    def export_queryset(self, user):
        return CostItem.objects.visible_to(user).order_by("organisation_id", "sort_order", "code")

    def _create(self, ctx: Context, code: str | None, items: list[CostItem], data: dict):
        """A new item; without a code it gets the next free one (H01, …), without a 節 or a
        sort order those its name suggests."""
        defaults = new_item_defaults(data["name"], items)
        for field_name, value in defaults.items():
            if data.get(field_name) in (None, ""):
                data[field_name] = value
        return services.cost_item_create(
            organisation=ctx.organisation,
            code=code or _next_code({_key(i.code) for i in items}, "H", 2),
            **data,
        )

    def process(self, rows, ctx):
        items = list(CostItem.objects.filter(organisation=ctx.organisation))
        by_code = {_key(i.code): i for i in items}
        by_name = {cost_item_key(i.name): i for i in items}
        for row in rows:
            values = row.values
            data: dict[str, Any] = {"name": values["name"]}
            # A blank 節 or order is not given: a new item takes those its name suggests, and
            # the file imports twice with no change.
            for column in ("budget_section", "sort_order"):
                if values.get(column) not in (None, ""):
                    data[column] = values[column]
            code = values.get("code")
            existing = (
                by_code.get(_key(code)) if code else by_name.get(cost_item_key(values["name"]))
            )
            try:
                item = ctx.upsert(
                    existing,
                    data,
                    row=row,
                    update=partial(services.cost_item_update, item=existing),
                    create=partial(self._create, ctx, code, items, data),
                )
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
                continue
            except PermissionDenied as exc:
                ctx.reject(row, "", str(exc))
                continue
            if existing is None:
                items.append(item)
            by_code[_key(item.code)] = item
            by_name[cost_item_key(item.name)] = item


class VendorImport(Kind):
    """Vendors: upsert by vendor ID, else by corporate number, else by name.

    Natural key: 事業者ID; a row without one, 法人番号, else 事業者名 (a vendor known by name
    without a corporate number takes the row's); a new vendor gets the next free ID.
    """

    name = "vendors"
    title = gettext_lazy("Vendors")
    fields = [
        Field("code", "事業者ID", v.code(30), get=lambda x: x.code, example="V001"),
        Field(
            "name",
            "事業者名",
            v.text(200),
            required=True,
            get=lambda x: x.name,
            example="株式会社吉備情報システム",
        ),
        Field(
            "corporate_number",
            "法人番号",
            v.code(13),
            get=lambda x: x.corporate_number,
            example="2260001012345",
        ),
        Field("phone", "電話番号", v.text(30), get=lambda x: x.phone, example="086-000-0000"),
        Field(
            "email",
            "メールアドレス",
            v.text(254),
            get=lambda x: x.email,
            example="eigyo@kibi-joho.example.jp",
        ),
        Field("note", "備考", v.text(), get=lambda x: x.note, example="住民記録システムの保守"),
    ]

    def key(self, values):
        if values.get("code"):
            return ("code", _key(values["code"]))
        if values.get("corporate_number"):
            return ("corporate_number", values["corporate_number"])
        return ("name", _vendor_key(values["name"]))

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
        by_name = {_vendor_key(x.name): x for x in vendors}
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
                    named = by_name.get(_vendor_key(values["name"]))
                    if named is not None and not (number and named.corporate_number):
                        existing = named
            try:
                vendor = ctx.upsert(
                    existing,
                    data,
                    row=row,
                    update=partial(services.vendor_update, vendor=existing),
                    create=partial(self._create, ctx, values.get("code"), by_code, data),
                )
                by_code[_key(vendor.code)] = vendor
                by_name[_vendor_key(vendor.name)] = vendor
                if vendor.corporate_number:
                    by_number[vendor.corporate_number] = vendor
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
            except PermissionDenied as exc:
                ctx.reject(row, "", str(exc))
        ctx.cache.pop("vendor_refs", None)


class ContractImport(Kind):
    """Contracts: upsert by contract ID, else by title, vendor and start.

    Natural key: 契約ID; a row without one, 件名 + 事業者 + 契約開始日 (a new contract gets the
    next free ID).
    """

    name = "contracts"
    title = gettext_lazy("Contracts")
    fields = [
        Field("code", "契約ID", v.code(30), get=lambda c: c.code, example="R6-0012"),
        Field(
            "title",
            "件名",
            v.text(200),
            required=True,
            get=lambda c: c.title,
            example="住民記録システム運用保守業務委託",
        ),
        Field(
            "vendor",
            "事業者",
            v.text(200),
            required=True,
            aliases=("事業者名", "契約相手方", "契約の相手方", "契約業者", "受注者"),
            get=lambda c: c.vendor.code,
            help=gettext_lazy("Vendor ID or name; a vendor the ledger lacks is created."),
            example="株式会社吉備情報システム",
        ),
        Field(
            "owner_unit",
            "担当課",
            v.text(100),
            required=True,
            get=lambda c: c.owner_unit.code,
            example="市民課",
        ),
        Field(
            "systems",
            "対象システムID",
            v.text(),
            get=lambda c: " ".join(s.code for s in c.systems.all()),
            example="S0001",
        ),
        Field(
            "kind",
            "契約種別",
            v.choice(ContractKind.choices, synonyms="contracts.kind"),
            required=True,
            get=lambda c: c.kind,
            example="運用保守",
        ),
        Field(
            "start_on",
            "契約開始日",
            v.date,
            required=True,
            get=lambda c: iso(c.start_on),
            fmt="date",
            example="2024-04-01",
        ),
        Field(
            "end_on",
            "契約終了日",
            v.date,
            required=True,
            get=lambda c: iso(c.end_on),
            fmt="date",
            example="2025-03-31",
        ),
        Field(
            "yearly_amount",
            "年額（円）",
            v.yen(),
            get=lambda c: c.yearly_amount,
            fmt="yen",
            example="12000000",
        ),
        Field("yearly_amount_thousand_yen", "年額（千円）", v.yen(thousands=True), example="12000"),
        Field(
            "green",
            "グリーン購入",
            v.choice(GreenPurchase.choices, synonyms="contracts.green"),
            get=lambda c: c.green,
            example="対象外（役務のみ）",
        ),
        Field("note", "備考", v.text(), get=lambda c: c.note, example="単年度契約"),
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
        vendors = Vendors.of(ctx)
        units = unit_resolver(ctx)
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
            unit = units.find(row, "owner_unit", values["owner_unit"])
            linked = None
            if "systems" in values:
                codes = words(values["systems"])
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
            # A new vendor is created only for a row that is otherwise good.
            vendor = vendors.find(row, "vendor", values["vendor"], create=not ctx.is_rejected(row))
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
                    before, after = differences(existing, data, {"systems": linked})
                    if not after:
                        ctx.counts["unchanged"] += 1
                        continue
                    label = str(existing)
                    services.contract_update(
                        contract=existing,
                        data={k: val for k, val in after.items() if k in data},
                        systems=after.get("systems"),
                    )
                    ctx.count_updated(row, existing, before, after, label=label)
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
                    ctx.count_created(row, contract)
            except ValidationError as exc:
                ctx.reject_validation(row, exc)
            except PermissionDenied as exc:
                ctx.reject(row, "owner_unit", str(exc))


def register_kinds() -> None:
    for kind in (
        SystemImport(),
        CostImport(),
        CostItemImport(),
        VendorImport(),
        ContractImport(),
    ):
        register(kind)
