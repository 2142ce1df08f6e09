"""Loading installations: each file is a snapshot of the devices it names.

    rows ──► device (by name; created when the ledger lacks it, unless refused) and title (by
             the rules); a unit or user column updates the device
         ──► inserted below the ORM in chunks (COPY on PostgreSQL, executemany on SQLite)
         ──► per device, the new snapshot compared with the one it replaces (a fingerprint of
             the rows): an identical snapshot is left as it was (the new rows go), a changed one
             replaces it and the old rows move to ReplacedInstallation, keyed by the import
             (InstallationLoad), so that the import can be rolled back

Installations are inventory data, audited per import batch (ImportBatch: who, when, file digest,
counts); the devices and titles an import creates or changes get one audit event each, and a
rollback one event for the batch.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import audit, bulk
from daicho.core.audit import Action
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context
from daicho.core.importing.refs import unit_resolver
from daicho.core.importing.values import CellError, normalize
from daicho.core.models import OrgUnit
from daicho.core.permissions import TRUSTED, scope_of
from daicho.sam.models import (
    Device,
    DeviceStatus,
    Installation,
    InstallationLoad,
    LoadedDevice,
    ReplacedInstallation,
    SoftwareTitle,
)
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
LIMITS = {"device": 100, "software": 300, "publisher": 200, "version": 100, "user": 100}
ARCHIVED = ("title_id", "raw_name", "publisher", "raw_version", "version", "installed_on")
# A device's snapshot fingerprint: the sum over its rows of a 64-bit hash of (name, publisher,
# version as found, installed on), plus the row count above bit 96 (order does not matter).
_MASK = (1 << 64) - 1
_ROW = 1 << 96
_MIX = 0x9E3779B97F4A7C15


def _key(text: str) -> str:
    return normalize(text).lower()


def _hash(text: str) -> int:
    """A 64-bit hash of a text that is the same in every process (unlike hash())."""
    data = text.encode()
    return zlib.crc32(data) << 32 | zlib.adler32(data)


def fingerprint_text(total: int) -> str:
    """The stored form of a device's fingerprint: rows and hash (the sum modulo 2⁶⁴)."""
    return f"{total >> 96}:{total & _MASK:016x}"


def _in(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


class Loader:
    """One snapshot load into one organisation, inside the import's transaction."""

    def __init__(self, ctx: Context, *, default_unit: OrgUnit | None = None):
        self.ctx = ctx
        self.organisation = ctx.organisation
        self.normaliser = Normaliser(self.organisation)
        devices = Device.objects.filter(organisation=self.organisation).values_list(
            "pk", "name", "unit_id", "user_name"
        )
        self.devices: dict[str, int] = {}
        self.device_state: dict[int, tuple[int, str]] = {}  # id -> (unit id, user name)
        for pk, name, unit_id, user_name in devices:
            self.devices[name] = pk
            self.devices.setdefault(_key(name), pk)
            self.device_state[pk] = (unit_id, user_name)
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
        self._default = default_unit
        self.resolved: dict[tuple[str, str], tuple[Any, str]] = {}
        self.dates: dict[str, Any] = {"": (None, _hash(""))}
        self.row_hashes: dict[tuple[str, str, str], int] = {}
        # (name, publisher, version as found) -> [row hash × _MIX, title, version]: rows seen
        self.known: dict[tuple[str, str, str], list] = {}
        self.prints: dict[Any, int] = {}  # device id (or pending key) -> fingerprint sum
        self.units: dict[str, Any] = {}  # unit text -> OrgUnit, or the message that refused it
        self.first_attrs: dict[str, tuple[tuple[str, str], int]] = {}  # name -> (unit, user), row
        self.updates: dict[int, dict[str, Any]] = {}  # device id -> changed fields
        self.pending_devices: dict[str, tuple[str, OrgUnit, str]] = {}  # key -> (name, unit, user)
        self.pending_titles: dict[tuple[str, str, str], bool] = {}  # key -> free
        self.free_of: dict[tuple[str, str, str], bool] = {}
        self.inserted = 0
        self.replaced = 0
        self.unchanged_rows = 0
        self.devices_created: list[str] = []
        self.threshold = self._highest_id()
        self.index_dropped = False

    @property
    def default_unit(self) -> OrgUnit | None:
        if self._default is None:
            self._default = self._default_unit(self.ctx.user) or False
        return self._default or None

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
            for c in ("device", "software", "publisher", "version", "installed_on", "unit", "user")
        )
        # The file says which unit and user its devices have: they are checked once per device.
        self.attrs = "unit" in where or "user" in where
        i_device, i_software, i_publisher, i_version, i_installed, i_unit, i_user = self.ix
        attrs_given = self.attrs
        # Most rows repeat what earlier rows settled: the device of the row before (inventories
        # list a device's programs together), a program and version seen on other devices, a
        # date seen before. Such a row takes the fast path below, with nothing to check again;
        # any other row goes through row(), which checks it and fills these caches.
        known = self.known
        dates, prints, titles = self.dates, self.prints, self.titles
        row_mark, mask = _ROW, _MASK
        last_name: str | None = None
        last_id: Any = None
        last_attrs: tuple[str, str] | None = None
        last_pending = False  # last_id is the key of a device this load creates
        total = 0  # the fast rows' share of last_id's fingerprint, added to prints on a change
        chunk: list[tuple] = []
        add = chunk.append
        pending: list[int] = []  # the chunk's rows naming a device or title not created yet
        for number, cells in records:
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            cells.append("")
            software = cells[i_software]
            publisher = cells[i_publisher]
            raw_version = cells[i_version]
            entry = known.get((software, publisher, raw_version))
            dated = dates.get(cells[i_installed])
            if (
                entry is None
                or dated is None
                or cells[i_device] != last_name
                or (attrs_given and (cells[i_unit], cells[i_user]) != last_attrs)
            ):
                if total:
                    prints[last_id] = prints.get(last_id, 0) + total
                    total = 0
                row = self.row(number, cells)
                if row is None:
                    last_name = None
                    continue
                last_name, last_id = cells[i_device], row[0]
                last_attrs = (cells[i_unit], cells[i_user]) if attrs_given else None
                last_pending = last_id.__class__ is tuple
                if last_pending or row[1].__class__ is tuple:
                    pending.append(len(chunk))
                add(row)
            else:
                mixed, title, version = entry
                total += row_mark + ((mixed + dated[1]) & mask)
                if title.__class__ is tuple:  # a title this load creates
                    pk = titles.get(title)
                    if pk is not None:
                        entry[1] = title = pk
                if last_pending or title.__class__ is tuple:
                    pending.append(len(chunk))
                add((last_id, title, software, publisher, raw_version, version, dated[0]))
            if len(chunk) >= CHUNK:
                self.flush(chunk, pending)
                chunk, pending = [], []
                add = chunk.append
                if last_pending:  # the device now has its id
                    if total:
                        prints[last_id] = prints.get(last_id, 0) + total
                        total = 0
                    last_id, last_pending = self.devices[last_id[1]], False
        if total:
            prints[last_id] = prints.get(last_id, 0) + total
        if chunk:
            self.flush(chunk, pending)
        self.finish()

    def row(self, number: int, cells: list[str]) -> tuple | None:
        """The table row for one file row, or None (rejected through the context)."""
        ctx = self.ctx
        i_device, i_software, i_publisher, i_version, i_installed, i_unit, i_user = self.ix
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
        installed = cells[i_installed]
        dated = self.dates.get(installed)
        if dated is None:
            try:
                value = v.date(installed)
            except CellError as exc:
                ctx.reject(number, "installed_on", str(exc), installed)
                return None
            iso = value.isoformat() if value else None
            dated = self.dates[installed] = (iso, _hash(iso or ""))
        installed_on, date_hash = dated
        if self.attrs:
            attrs = (cells[i_unit], cells[i_user])
            first = self.first_attrs.get(name)
            if first is None:
                self.first_attrs[name] = (attrs, number)
            elif first[0] != attrs:
                self._conflict(number, name, first, attrs)
                return None
        else:
            attrs = None
        device_id = self.devices.get(name)
        if device_id is None:
            device_id = self._device(number, name, attrs)
            if device_id is None:
                return None
        elif self.editable is not None and device_id not in self.editable:
            ctx.reject(number, "device", _("You may not keep the inventory of this device."), name)
            return None
        elif attrs is not None and first is None and not self._update(number, device_id, attrs):
            del self.first_attrs[name]  # the device's next row is checked (and refused) again
            return None
        key = (software, publisher, raw_version)
        row_hash = self.row_hashes.get(key)
        if row_hash is None:
            row_hash = self.row_hashes[key] = _hash("\x1f".join(key))
        prints = self.prints
        prints[device_id] = (
            prints.get(device_id, 0) + _ROW + ((row_hash * _MIX + date_hash) & _MASK)
        )
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
        self.known[key] = [(row_hash * _MIX) & _MASK, title, version]
        return (device_id, title, software, publisher, raw_version, version, installed_on)

    def _conflict(self, number: int, name: str, first, attrs) -> None:
        (unit, user), row = first
        column, value, before = (
            ("unit", attrs[0], unit) if attrs[0] != unit else ("user", attrs[1], user)
        )
        self.ctx.reject(
            number,
            column,
            _("Row %(row)d gives device %(device)s “%(before)s” here; one device, one value.")
            % {"row": row, "device": name, "before": before},
            value,
        )

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

    def _unit(self, number: int, text: str) -> OrgUnit | None:
        """The unit a cell names (each distinct text resolved once), created when the ledger
        lacks it unless refused; None when the row was rejected."""
        found = self.units.get(text)
        if found is None:
            before = len(self.ctx.problems)
            unit = unit_resolver(self.ctx).find(number, "unit", text)
            if unit is not None:
                self.units[text] = unit
                return unit
            problems = self.ctx.problems[before:]
            self.units[text] = problems[-1].message if problems else _("No such unit.")
            return None
        if isinstance(found, OrgUnit):
            return found
        self.ctx.reject(number, "unit", found, text)
        return None

    def _user(self, number: int, text: str) -> str | None:
        if len(text) > LIMITS["user"]:
            self.ctx.reject(
                number,
                "user",
                _("Too long: %(length)d characters, at most %(max)d.")
                % {"length": len(text), "max": LIMITS["user"]},
                text,
            )
            return None
        return text

    def _update(self, number: int, device_id: int, attrs: tuple[str, str]) -> bool:
        """Note the unit and user the file gives a device the ledger has (checked on its first
        row); False when the row was rejected."""
        unit_text, user_text = attrs
        unit_id, user_name = self.device_state[device_id]
        changes: dict[str, Any] = {}
        if unit_text:
            unit = self._unit(number, unit_text)
            if unit is None:
                return False
            if unit.pk != unit_id:
                if self.editable is not None and not self._may_keep(unit):
                    self.ctx.reject(
                        number, "unit", _("You may not move devices to this unit."), unit_text
                    )
                    return False
                changes["unit"] = unit
        if user_text and user_text != user_name:
            if self._user(number, user_text) is None:
                return False
            changes["user_name"] = user_text
        if changes:
            self.updates[device_id] = changes
        return True

    def _device(self, number: int, name: str, attrs: tuple[str, str] | None) -> Any:
        key = _key(name)
        if key in self.devices:
            device_id = self.devices[key]
            self.devices[name] = device_id
            if self.editable is not None and device_id not in self.editable:
                self.ctx.reject(
                    number, "device", _("You may not keep the inventory of this device."), name
                )
                return None
            first = self.first_attrs.get(name)
            is_first = attrs is not None and first is not None and first[1] == number
            if is_first and not self._update(number, device_id, attrs):
                del self.first_attrs[name]
                return None
            return device_id
        if key in self.pending_devices:
            return ("device", key)
        if not self.ctx.may_create("devices"):
            self.ctx.refuse_missing(number, "device", "devices", name)
            return None
        unit_text, user_text = attrs or ("", "")
        if unit_text:
            unit = self._unit(number, unit_text)
            if unit is None:
                return None
        else:
            unit = self.default_unit
            if unit is None:
                self.ctx.reject(
                    number,
                    "device",
                    _("The device is not in the ledger and no unit is given for it."),
                    name,
                )
                return None
        if user_text and self._user(number, user_text) is None:
            return None
        if self.editable is not None and not self._may_keep(unit):
            self.ctx.reject(number, "device", _("You may not keep devices of this unit."), name)
            return None
        self.pending_devices[key] = (name, unit, user_text)
        return ("device", key)

    def _may_keep(self, unit: OrgUnit) -> bool:
        return scope_of(self.ctx.user).may_own(unit, Device.scoped.editors)

    # -- writing -------------------------------------------------------------------------------

    def flush(self, chunk: list[tuple], pending: list[int] | None = None) -> None:
        """Create the devices and titles the chunk needs, then insert its rows; ``pending`` lists
        the rows naming one of them by its key (all rows are looked at when it is not given)."""
        if self.pending_devices:
            self._create_devices()
        if self.pending_titles:
            self._create_titles()
        devices, titles = self.devices, self.titles
        if pending is None:
            pending = [
                i for i, r in enumerate(chunk) if isinstance(r[0], tuple) or isinstance(r[1], tuple)
            ]
        for i in pending:
            r = chunk[i]
            chunk[i] = (
                devices[r[0][1]] if isinstance(r[0], tuple) else r[0],
                titles[r[1]] if isinstance(r[1], tuple) else r[1],
                *r[2:],
            )
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
        for pk, (name, unit, user) in zip(ids, pending, strict=True):
            rows.append(
                (pk, self.organisation.pk, name, "desktop", unit.pk, user, "", "", "in_use", now)
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
                (
                    pk,
                    name,
                    None,
                    {
                        "name": name,
                        "unit_id": unit.pk,
                        "user_name": user,
                        "status": DeviceStatus.IN_USE,
                    },
                )
                for pk, (name, unit, user) in zip(ids, pending, strict=True)
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
            self.ctx.created("titles", " ".join(p for p in key[1:] if p))

    def finish(self) -> None:
        """Keep or replace each named device's snapshot, note the load, update the devices."""
        # A device created by this load may have rows under its pending key and under its id
        # (rows after the chunk that created it): the fingerprint is the sum of both.
        totals: dict[int, int] = {}
        for d, total in self.prints.items():
            device_id = self.devices[d[1]] if isinstance(d, tuple) else d
            totals[device_id] = totals.get(device_id, 0) + total
        prints = {d: fingerprint_text(total) for d, total in totals.items()}
        previous = self._previous_prints(sorted(prints))
        changed = sorted(d for d, text in prints.items() if previous.get(d) != text)
        same = sorted(d for d, text in prints.items() if previous.get(d) == text)
        table = Installation._meta.db_table
        archive = ReplacedInstallation._meta.db_table
        load = InstallationLoad.objects.create(
            organisation=self.organisation, batch_id=self.ctx.batch_id
        )
        columns = ", ".join(ARCHIVED)
        with connection.cursor() as cursor:
            # Devices whose inventory is what the ledger has: the rows just loaded go.
            for start in range(0, len(same), 500):
                part = same[start : start + 500]
                cursor.execute(
                    f'DELETE FROM "{table}" WHERE id > %s AND device_id IN ({_in(part)})',  # noqa: S608
                    [self.threshold, *part],
                )
                self.unchanged_rows += cursor.rowcount
            # The others: their older rows become the previous snapshot, kept for a rollback
            # (a device keeps one: the one its latest import replaced).
            for start in range(0, len(changed), 500):
                part = changed[start : start + 500]
                marks = _in(part)
                cursor.execute(
                    f'DELETE FROM "{archive}" WHERE device_id IN ({marks})',  # noqa: S608
                    part,
                )
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f'WITH moved AS (DELETE FROM "{table}" WHERE id <= %s AND device_id IN '  # noqa: S608
                        f"({marks}) RETURNING device_id, {columns}) "
                        f'INSERT INTO "{archive}" (load_id, device_id, {columns}) '
                        f"SELECT %s, device_id, {columns} FROM moved",
                        [self.threshold, *part, load.pk],
                    )
                else:
                    cursor.execute(
                        f'INSERT INTO "{archive}" (load_id, device_id, {columns}) '  # noqa: S608
                        f'SELECT %s, device_id, {columns} FROM "{table}" '
                        f"WHERE id <= %s AND device_id IN ({marks})",
                        [load.pk, self.threshold, *part],
                    )
                    cursor.execute(
                        f'DELETE FROM "{table}" WHERE id <= %s AND device_id IN ({marks})',  # noqa: S608
                        [self.threshold, *part],
                    )
                self.replaced += cursor.rowcount
        bulk.insert(
            LoadedDevice,
            ("load", "device", "fingerprint"),
            [(load.pk, d, prints[d]) for d in changed],
        )
        if self.index_dropped:
            self._restore_index()
        self._apply_updates()
        counts = self.ctx.counts
        counts["created"] += self.inserted - self.unchanged_rows
        counts["unchanged"] += self.unchanged_rows
        counts["updated"] += len(self.updates)
        for name in self.devices_created:
            self.ctx.created("devices", name)

    @staticmethod
    def _previous_prints(device_ids: list[int]) -> dict[int, str]:
        """The fingerprint of each device's current snapshot, as its latest import (not rolled
        back) noted it; devices loaded before fingerprints were kept have none."""
        found: dict[int, str] = {}
        for start in range(0, len(device_ids), 500):
            part = device_ids[start : start + 500]
            rows = (
                LoadedDevice.objects.filter(device_id__in=part, load__rolled_back_at__isnull=True)
                .order_by("device_id", "-load_id")
                .values_list("device_id", "fingerprint")
            )
            for device_id, text in rows:
                found.setdefault(device_id, text)
        return found

    def _apply_updates(self) -> None:
        """Give the devices the unit and user the file names (audited as device updates)."""
        if not self.updates:
            return
        now = timezone.now()
        changes = []
        ids = sorted(self.updates)
        for start in range(0, len(ids), 1000):
            devices = list(Device.objects.filter(pk__in=ids[start : start + 1000]))
            for device in devices:
                data = self.updates[device.pk]
                before = {
                    "unit_id": device.unit_id,
                    "user_name": device.user_name,
                }
                for field, value in data.items():
                    setattr(device, field, value)
                device.updated_at = now
                changes.append(
                    (
                        Action.UPDATE,
                        device,
                        before,
                        {"unit_id": device.unit_id, "user_name": device.user_name},
                    )
                )
            Device.objects.bulk_update(devices, ["unit", "user_name", "updated_at"])
        audit.record_many(changes, organisation=self.organisation)


def loaded_devices_blocking(load: InstallationLoad) -> list[tuple[str, str]]:
    """(device, batch) for the devices of ``load`` that a later import loaded again."""
    mine = LoadedDevice.objects.filter(load=load).values("device_id")
    later = (
        LoadedDevice.objects.filter(device_id__in=mine, load_id__gt=load.pk)
        .select_related("device", "load")
        .order_by("device__name")
    )
    return [(row.device.name, row.load.batch_id) for row in later[:50]]


def load_roll_back(load: InstallationLoad) -> tuple[int, int, int]:
    """Put back the snapshots ``load`` replaced: the devices' current installations (the
    load's) go, the kept rows return. Returns (devices, rows removed, rows restored)."""
    table = Installation._meta.db_table
    archive = ReplacedInstallation._meta.db_table
    titles = SoftwareTitle._meta.db_table
    devices = list(LoadedDevice.objects.filter(load=load).values_list("device_id", flat=True))
    removed = restored = 0
    # The kept rows have no foreign-key constraints: a title deleted since comes back as none.
    plain = [c for c in ARCHIVED if c != "title_id"]
    columns = ", ".join(f"a.{c}" for c in plain)
    with connection.cursor() as cursor:
        for start in range(0, len(devices), 500):
            part = devices[start : start + 500]
            marks = _in(part)
            cursor.execute(
                f'DELETE FROM "{table}" WHERE device_id IN ({marks})',  # noqa: S608
                part,
            )
            removed += cursor.rowcount
            cursor.execute(
                f'INSERT INTO "{table}" (device_id, title_id, {", ".join(plain)}) '  # noqa: S608
                f'SELECT a.device_id, t.id, {columns} FROM "{archive}" a '
                f'LEFT JOIN "{titles}" t ON t.id = a.title_id '
                f"WHERE a.device_id IN ({marks}) AND a.load_id = %s",
                [*part, load.pk],
            )
            restored += cursor.rowcount
            cursor.execute(
                f'DELETE FROM "{archive}" WHERE device_id IN ({marks}) AND load_id = %s',  # noqa: S608
                [*part, load.pk],
            )
    return len(devices), removed, restored
