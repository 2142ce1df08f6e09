"""Loading installations: each file is a snapshot of the devices it names.

    rows ──► device (by name; created when the ledger lacks it) and title (by the rules)
         ──► inserted below the ORM in chunks (COPY on PostgreSQL, executemany on SQLite)
         ──► the named devices' older installations deleted: re-importing never duplicates

Installations are inventory data, audited per import batch (ImportBatch: who, when, file digest,
counts); the devices and titles an import creates get one audit event each.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import audit, bulk
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context
from daicho.core.importing.values import CellError, normalize
from daicho.core.models import OrgUnit
from daicho.core.permissions import TRUSTED, scope_of
from daicho.sam.models import Device, DeviceStatus, Installation, SoftwareTitle
from daicho.sam.normalisation import Normaliser

CHUNK = 50_000
FIELDS = (
    "device_id",
    "title_id",
    "raw_name",
    "publisher",
    "raw_version",
    "version",
    "installed_on",
)
LIMITS = {"device": 100, "software": 300, "publisher": 200, "version": 100}


def _key(text: str) -> str:
    return normalize(text).lower()


class Loader:
    """One snapshot load into one organisation, inside the import's transaction."""

    def __init__(self, ctx: Context, *, default_unit: OrgUnit | None = None):
        self.ctx = ctx
        self.organisation = ctx.organisation
        self.normaliser = Normaliser(self.organisation)
        devices = Device.objects.filter(organisation=self.organisation).values_list("pk", "name")
        self.devices: dict[str, int] = {}
        for pk, name in devices:
            self.devices[name] = pk
            self.devices.setdefault(_key(name), pk)
        user = ctx.user
        if user is TRUSTED or scope_of(user).superuser:
            self.editable = None
        else:
            self.editable = set(Device.objects.editable_by(user).values_list("pk", flat=True))
        self.titles: dict[tuple[str, str, str], int] = {
            (p, n, e): pk
            for pk, p, n, e in SoftwareTitle.objects.filter(
                organisation=self.organisation
            ).values_list("pk", "publisher", "name", "edition")
        }
        self.units = {}
        for unit in OrgUnit.objects.filter(organisation=self.organisation):
            self.units.setdefault(_key(unit.code), unit)
            self.units.setdefault(_key(unit.name), unit)
        self.default_unit = default_unit or self._default_unit(user)
        self.resolved: dict[tuple[str, str], tuple[Any, str]] = {}
        self.dates: dict[str, Any] = {"": None}
        self.seen: set[int] = set()
        self.pending_devices: dict[str, tuple[str, OrgUnit]] = {}  # key -> (name, unit)
        self.pending_titles: dict[tuple[str, str, str], bool] = {}  # key -> free
        self.free_of: dict[tuple[str, str, str], bool] = {}
        self.inserted = 0
        self.replaced = 0
        self.devices_created: list[str] = []
        self.threshold = self._highest_id()
        self.index_dropped = False

    def _default_unit(self, user) -> OrgUnit | None:
        scope = scope_of(user)
        for path in scope.sam_paths + scope.owner_paths:
            unit = OrgUnit.objects.filter(organisation=self.organisation, path=path).first()
            if unit:
                return unit
        return (
            OrgUnit.objects.filter(organisation=self.organisation, parent__isnull=True)
            .order_by("sort_order", "path")
            .first()
        )

    @staticmethod
    def _highest_id() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{Installation._meta.db_table}"')  # noqa: S608
            return cursor.fetchone()[0]

    # -- rows ----------------------------------------------------------------------------------

    def load(self, records: Iterable[tuple[int, list[str]]], headers: list[str], columns) -> None:
        """Rows as (row number, cells in the order of ``headers``); ``columns`` maps the file's
        headers to the kind's columns. Cells are read by position: no dict per row."""
        width = len(headers)
        where = {columns[h]: i for i, h in enumerate(headers) if h in columns}
        # A column the file lacks reads the empty cell added at the end of every row.
        self.ix = tuple(
            where.get(c, width)
            for c in ("device", "software", "publisher", "version", "installed_on", "unit")
        )
        chunk: list[tuple] = []
        for number, cells in records:
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            cells.append("")
            row = self.row(number, cells)
            if row is not None:
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    self.flush(chunk)
                    chunk = []
        if chunk:
            self.flush(chunk)
        self.finish()

    def row(self, number: int, cells: list[str]) -> tuple | None:
        """The table row for one file row, or None (rejected through the context)."""
        ctx = self.ctx
        i_device, i_software, i_publisher, i_version, i_installed, i_unit = self.ix
        name = cells[i_device]
        software = cells[i_software]
        publisher = cells[i_publisher]
        raw_version = cells[i_version]
        if not name or not software:
            ctx.reject(
                number,
                "device" if not name else "software",
                _("This column must not be empty."),
                "",
            )
            return None
        if len(name) > 100 or len(software) > 300 or len(publisher) > 200 or len(raw_version) > 100:
            for column, text in (
                ("device", name),
                ("software", software),
                ("publisher", publisher),
                ("version", raw_version),
            ):
                if len(text) > LIMITS[column]:
                    ctx.reject(
                        number,
                        column,
                        _("Too long: %(length)d characters, at most %(max)d.")
                        % {"length": len(text), "max": LIMITS[column]},
                        text,
                    )
                    return None
        device_id = self.devices.get(name)
        if device_id is None:
            device_id = self._device(number, name, cells[i_unit])
            if device_id is None:
                return None
        elif self.editable is not None and device_id not in self.editable:
            ctx.reject(number, "device", _("You may not keep the inventory of this device."), name)
            return None
        self.seen.add(device_id)
        installed = cells[i_installed]
        installed_on = self.dates.get(installed, False)
        if installed_on is False:
            try:
                value = v.date(installed)
                installed_on = value.isoformat() if value else None
            except CellError as exc:
                ctx.reject(number, "installed_on", str(exc), installed)
                return None
            self.dates[installed] = installed_on
        resolved = self.resolved.get((software, publisher))
        if resolved is None:
            resolved = self._resolve(software, publisher)
        title, version = resolved
        if isinstance(title, tuple):
            pk = self.titles.get(title)
            if pk is None:  # a title this load creates: its id comes when the chunk is flushed
                self.pending_titles.setdefault(title, self.free_of[title])
            else:
                title = pk
                self.resolved[(software, publisher)] = (pk, version)
        return (device_id, title, software, publisher, raw_version, version, installed_on)

    def _resolve(self, software: str, publisher: str) -> tuple[Any, str]:
        found = self.normaliser(software, publisher)
        if not found.matched:
            result = (None, "")
        else:
            key = found.key
            title = self.titles.get(key, key)
            self.free_of.setdefault(key, found.free)
            result = (title, found.version)
        self.resolved[(software, publisher)] = result
        return result

    def _device(self, number: int, name: str, unit_text: str) -> Any:
        key = _key(name)
        if key in self.devices:
            device_id = self.devices[key]
            self.devices[name] = device_id
            if self.editable is not None and device_id not in self.editable:
                self.ctx.reject(
                    number, "device", _("You may not keep the inventory of this device."), name
                )
                return None
            return device_id
        if key in self.pending_devices:
            return ("device", key)
        unit = self.units.get(_key(unit_text)) if unit_text else self.default_unit
        if unit is None:
            self.ctx.reject(
                number,
                "unit" if unit_text else "device",
                _("No such unit: %(name)s") % {"name": unit_text}
                if unit_text
                else _("The device is not in the ledger and no unit is given for it."),
                unit_text or name,
            )
            return None
        if self.editable is not None and not self._may_keep(unit):
            self.ctx.reject(number, "device", _("You may not keep devices of this unit."), name)
            return None
        self.pending_devices[key] = (name, unit)
        return ("device", key)

    def _may_keep(self, unit: OrgUnit) -> bool:
        scope = scope_of(self.ctx.user)
        return unit.organisation_id in scope.policy_org_ids or any(
            unit.path.startswith(p) for p in scope.owner_paths + scope.sam_paths
        )

    # -- writing -------------------------------------------------------------------------------

    def flush(self, chunk: list[tuple]) -> None:
        """Create the devices and titles the chunk needs, then insert its rows."""
        if self.pending_devices:
            self._create_devices()
        if self.pending_titles:
            self._create_titles()
        devices, titles = self.devices, self.titles
        if any(isinstance(r[0], tuple) or isinstance(r[1], tuple) for r in chunk):
            chunk = [
                (
                    devices[r[0][1]] if isinstance(r[0], tuple) else r[0],
                    titles[r[1]] if isinstance(r[1], tuple) else r[1],
                    *r[2:],
                )
                for r in chunk
            ]
            self.seen.update(r[0] for r in chunk)
            self.seen.discard(None)
        if len(chunk) >= CHUNK and not self.index_dropped and connection.vendor == "sqlite":
            self._drop_index()
        bulk.insert(Installation, FIELDS, chunk)
        self.inserted += len(chunk)

    # A large file lands in random (title, version) order: keeping that index up to date row by
    # row costs more than the load itself, so it is dropped for the load and built again after
    # (in the same transaction, so nobody sees the table without it).
    @staticmethod
    def _index_sql(action: str) -> str:
        # The editor only renders the statement: SQLite's cannot be entered inside a transaction.
        editor = connection.SchemaEditorClass(connection, collect_sql=True)
        editor.deferred_sql = []
        index = Installation._meta.indexes[0]
        sql = index.create_sql if action == "create" else index.remove_sql
        return str(sql(Installation, editor))

    def _drop_index(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self._index_sql("remove"))
        self.index_dropped = True

    def _restore_index(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # PostgreSQL builds no index over rows whose deferred foreign-key checks are
                # pending: run those checks now (they would run at commit anyway).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(self._index_sql("create"))
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cursor.execute(self._index_sql("create"))
        self.index_dropped = False

    def _create_devices(self) -> None:
        pending = list(self.pending_devices.values())
        self.pending_devices = {}
        ids = bulk.allocate_ids(Device, len(pending))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = []
        for pk, (name, unit) in zip(ids, pending, strict=True):
            rows.append(
                (pk, self.organisation.pk, name, "desktop", unit.pk, "", "", "", "in_use", now)
            )
            self.devices[_key(name)] = pk
            self.devices[name] = pk
            self.devices_created.append(name)
        bulk.insert(
            Device,
            (
                "id",
                "organisation",
                "name",
                "type",
                "unit",
                "user_name",
                "os",
                "serial",
                "status",
                "updated_at",
            ),
            rows,
        )
        audit.record_created_rows(
            Device,
            [
                (pk, name, None, {"name": name, "unit_id": unit.pk, "status": DeviceStatus.IN_USE})
                for pk, (name, unit) in zip(ids, pending, strict=True)
            ],
            organisation=self.organisation,
        )

    def _create_titles(self) -> None:
        pending = list(self.pending_titles.items())
        self.pending_titles = {}
        ids = bulk.allocate_ids(SoftwareTitle, len(pending))
        rows = [
            (pk, self.organisation.pk, publisher, name, edition, free, "")
            for pk, ((publisher, name, edition), free) in zip(ids, pending, strict=True)
        ]
        bulk.insert(
            SoftwareTitle,
            ("id", "organisation", "publisher", "name", "edition", "free", "release_order"),
            rows,
        )
        audit.record_created_rows(
            SoftwareTitle,
            [
                (
                    pk,
                    " ".join(p for p in (name, edition) if p),
                    None,
                    {"publisher": publisher, "name": name, "edition": edition, "free": free},
                )
                for pk, ((publisher, name, edition), free) in zip(ids, pending, strict=True)
            ],
            organisation=self.organisation,
        )
        for pk, (key, _free) in zip(ids, pending, strict=True):
            self.titles[key] = pk

    def finish(self) -> None:
        """Delete the older installations of the devices this file named."""
        table = Installation._meta.db_table
        seen = sorted(d for d in self.seen if isinstance(d, int))
        with connection.cursor() as cursor:
            for start in range(0, len(seen), 500):
                part = seen[start : start + 500]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f'DELETE FROM "{table}" WHERE id <= %s AND device_id IN ({marks})',  # noqa: S608
                    [self.threshold, *part],
                )
                self.replaced += cursor.rowcount
        if self.index_dropped:
            self._restore_index()
        self.ctx.counts["created"] += self.inserted
        self.ctx.counts["updated"] += 0
        for name in self.devices_created:
            self.ctx.created("devices", name)
