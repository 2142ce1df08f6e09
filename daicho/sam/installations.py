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
from daicho.core.importing import engine
from daicho.core.importing import values as v
from daicho.core.importing.engine import Context, field_text
from daicho.core.importing.keys import text_key
from daicho.core.importing.refs import unit_resolver
from daicho.core.importing.values import CellError
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

# Rows inserted at a time: a chunk is flushed between two devices' rows, or within one device's
# when four times as long. On PostgreSQL the rows stream into one COPY, sent in smaller chunks
# (2,000 and 5,000 loaded a million rows alike; 50,000 took a sixth longer: bench/sam.py).
CHUNK = 50_000
BIG_CHUNK = 4 * CHUNK
STREAM_CHUNK = 2_000
HELD = 50_000  # rows held back for the devices and titles they name (see Loader.flush)
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
            self.devices.setdefault(text_key(name), pk)
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
        # Each ledger device's current snapshot as its latest import noted it: a device whose
        # rows in the file add up to it is skipped before its rows are inserted (see load()).
        self.previous = self._previous_prints(self.device_state)
        self.blocks_seen: set[int] = set()  # devices whose first run of rows has been read
        self.skipped: dict[int, int] = {}  # device id -> rows left out (snapshot unchanged)
        self.first_rows: dict[Any, int] = {}  # device id (or pending key) -> its first row
        self.devices_created: list[str] = []
        self.threshold = self._highest_id()
        self.index_dropped = False
        self.held: list[tuple] = []  # rows waiting for the devices or titles they name (flush)

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
        # Each chunk's rows go in while the next chunk is read: on PostgreSQL they stream into
        # the table in small chunks (bulk.Inserts).
        with bulk.Inserts(Installation, FIELDS) as self.inserts:
            self._load(records, headers, columns)

    def _load(self, records: Iterable[tuple[int, list[str]]], headers: list[str], columns) -> None:
        limit = min(CHUNK, STREAM_CHUNK) if self.inserts.streams else CHUNK
        big = min(BIG_CHUNK, 4 * limit)
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
        # A block is a run of rows naming one device (inventories list a device's programs
        # together). At the end of a device's first block its fingerprint is complete in the
        # usual case: when it is the one the ledger has, the block's rows leave the chunk
        # before anything is inserted (a re-import writes nothing). Chunks are therefore
        # flushed between blocks only.
        block_name: str | None = None
        block_start = 0
        block_device: Any = None
        block_may_skip = False
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
                if cells[i_device] != block_name:
                    if block_may_skip:
                        self._skip_if_unchanged(chunk, pending, block_start, block_device)
                    if len(chunk) >= limit:
                        self.flush(chunk, pending)
                        chunk, pending = [], []
                        add = chunk.append
                    block_name, block_start, block_device = cells[i_device], len(chunk), None
                    block_may_skip = False
                row = self.row(number, cells)
                if row is None:
                    last_name = None
                    continue
                if block_device is None:
                    block_device = row[0]
                    self.first_rows.setdefault(block_device, number)
                    block_may_skip = self._first_block(block_device, chunk, pending)
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
                if len(chunk) >= big:  # one device with very many rows: flushed within
                    block_may_skip = False
                    self.flush(chunk, pending, settle=True)
                    chunk, pending = [], []
                    add = chunk.append
                    block_start = 0
                    if last_pending:  # the device now has its id
                        if total:
                            prints[last_id] = prints.get(last_id, 0) + total
                            total = 0
                        last_id, last_pending = self.devices[last_id[1]], False
        if total:
            prints[last_id] = prints.get(last_id, 0) + total
        if block_may_skip:
            self._skip_if_unchanged(chunk, pending, block_start, block_device)
        if chunk or self.held:
            self.flush(chunk, pending, settle=True)
        self.inserts.pause()
        self.finish()

    def _first_block(self, device: Any, chunk: list[tuple], pending: list[int]) -> bool:
        """Whether the block of rows that starts here may be skipped: the device's first in
        this file, of a device the ledger has a snapshot fingerprint for. A device met again
        after its first block was skipped gets that block's rows back (its current rows)."""
        if device.__class__ is tuple:  # a device this load creates
            return False
        if device in self.blocks_seen:
            if device in self.skipped:
                self._restore_skipped(device, chunk, pending)
            return False
        self.blocks_seen.add(device)
        return device in self.previous

    def _skip_if_unchanged(
        self, chunk: list[tuple], pending: list[int], start: int, device: int
    ) -> None:
        """Leave out the block ``chunk[start:]`` when it is the device's whole snapshot as the
        ledger has it."""
        if fingerprint_text(self.prints.get(device, 0)) != self.previous[device]:
            return
        self.skipped[device] = len(chunk) - start
        del chunk[start:]
        while pending and pending[-1] >= start:
            pending.pop()

    def _restore_skipped(self, device: int, chunk: list[tuple], pending: list[int]) -> None:
        """The rows of a skipped block, for a device the file names again further down: they
        are the device's current rows (the fingerprints were equal), named by today's rules."""
        del self.skipped[device]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT raw_name, publisher, raw_version, installed_on "  # noqa: S608
                f'FROM "{Installation._meta.db_table}" WHERE device_id = %s AND id <= %s',
                [device, self.threshold],
            )
            rows = cursor.fetchall()
        for software, publisher, raw_version, installed_on in rows:
            resolved = self.resolved.get((software, publisher))
            if resolved is None:
                resolved = self._resolve(software, publisher)
            title, version = resolved
            if title.__class__ is tuple:
                pk = self.titles.get(title)
                if pk is None:
                    self.pending_titles.setdefault(title, self.free_of[title])
                    pending.append(len(chunk))
                else:
                    title = pk
            chunk.append((device, title, software, publisher, raw_version, version, installed_on))

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
        key = text_key(name)
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

    def flush(
        self, chunk: list[tuple], pending: list[int] | None = None, *, settle: bool = False
    ) -> None:
        """Insert the chunk's rows, creating first the devices and titles they name; ``pending``
        lists the rows naming one of them by its key (all rows are looked at when it is not
        given).

        While the rows stream into the table (PostgreSQL, bulk.Inserts), creating devices and
        titles ends the COPY: rows naming them are held back, up to HELD rows, and go in with
        the next ones created (``settle``: now). A file of 10,000 PCs, a tenth of them new,
        ended its COPY 542 times in chunks of 500 rows, and took twice as long."""
        if pending is None:
            pending = [
                i for i, r in enumerate(chunk) if isinstance(r[0], tuple) or isinstance(r[1], tuple)
            ]
        if pending and self.inserts.streams and not settle and len(self.held) < HELD:
            waiting = set(pending)
            self.held.extend(chunk[i] for i in pending)
            chunk = [r for i, r in enumerate(chunk) if i not in waiting]
            pending = []
        elif self.held:
            pending = [*pending, *range(len(chunk), len(chunk) + len(self.held))]
            chunk = chunk + self.held
            self.held = []
        if pending or settle:  # settling creates every device and title met, as before streaming
            if self.pending_devices:
                self._create_devices()
            if self.pending_titles:
                self._create_titles()
            devices, titles = self.devices, self.titles
            for i in pending:
                r = chunk[i]
                chunk[i] = (
                    devices[r[0][1]] if isinstance(r[0], tuple) else r[0],
                    titles[r[1]] if isinstance(r[1], tuple) else r[1],
                    *r[2:],
                )
        if len(chunk) >= CHUNK and not self.index_dropped and connection.vendor == "sqlite":
            self._drop_index()
        self.inserts.put(chunk)
        self.inserted += len(chunk)

    # A large file lands in random (title, version) order: keeping that index up to date row by
    # row costs more than the load itself, so it is dropped for the load and built again after
    # (in the same transaction, so nobody sees the table without it). SQLite only: on PostgreSQL
    # dropping an index would lock the table against its readers until the import commits.
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
            self.devices[text_key(name)] = pk
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
        previous = self.previous
        skipped = self.skipped
        changed = sorted(d for d, text in prints.items() if previous.get(d) != text)
        # Unchanged devices whose rows were inserted all the same (rows over several blocks).
        same = sorted(
            d for d, text in prints.items() if previous.get(d) == text and d not in skipped
        )
        self._note_changes(changed, totals)
        table = Installation._meta.db_table
        archive = ReplacedInstallation._meta.db_table
        load = InstallationLoad.objects.create(
            organisation=self.organisation, batch_id=self.ctx.batch_id
        )
        columns = ", ".join(ARCHIVED)
        # The older rows of the devices that changed become their previous snapshot, kept for
        # a rollback (a device keeps one: the one its latest import replaced). A device this
        # load created has none, nor has any when the table had no rows before the load.
        created = {self.devices[name] for name in self.devices_created}
        moving = [d for d in changed if d not in created] if self.threshold else []
        if same or moving:  # statements on the rows just loaded: planned for the table as it is
            bulk.analyse_after_load(Installation, self.inserted)
        with connection.cursor() as cursor:
            # Devices whose inventory is what the ledger has: the rows just loaded go.
            for start in range(0, len(same), 500):
                part = same[start : start + 500]
                cursor.execute(
                    f'DELETE FROM "{table}" WHERE id > %s AND device_id IN ({_in(part)})',  # noqa: S608
                    [self.threshold, *part],
                )
                self.unchanged_rows += cursor.rowcount
            for start in range(0, len(moving), 500):
                part = moving[start : start + 500]
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
        counts["unchanged"] += self.unchanged_rows + sum(self.skipped.values())
        counts["updated"] += len(self.updates)
        for name in self.devices_created:
            self.ctx.created("devices", name)

    def _note_changes(self, changed: list[int], totals: dict[int, int]) -> None:
        """For the preview, per device (not per row): the devices this load creates with their
        number of programs, and for the first devices whose inventory or unit and user change,
        the programs added, removed and whose version moved."""
        kept = self.ctx.row_changes
        first = {
            (self.devices[d[1]] if d.__class__ is tuple else d): number
            for d, number in self.first_rows.items()
        }
        created = {self.devices[name]: name for name in self.devices_created}
        for device in sorted(created, key=lambda d: first.get(d, 0))[: engine.MAX_ROW_CHANGES]:
            kept["created"].append(
                {
                    "row": first.get(device),
                    "label": _("%(device)s (%(count)d programs)")
                    % {"device": created[device], "count": totals.get(device, 0) >> 96},
                }
            )
        updated = sorted(
            (set(changed) | set(self.updates)) - set(created), key=lambda d: (first.get(d, 0), d)
        )
        listed = updated[: engine.MAX_ROW_CHANGES]
        names = dict(Device.objects.filter(pk__in=listed).values_list("pk", "name"))
        units = OrgUnit.objects.in_bulk(
            {self.device_state[d][0] for d in listed if d in self.updates}
        )
        for device in listed:
            fields = []
            unit_id, user_name = self.device_state[device]
            for name, after in self.updates.get(device, {}).items():
                label, before = field_text(
                    Device, name, units.get(unit_id) if name == "unit" else user_name
                )
                fields.append(
                    {"label": label, "before": before, "after": field_text(Device, name, after)[1]}
                )
            if device in changed:
                fields += self._inventory_changes(device)
            kept["updated"].append(
                {"row": first.get(device), "label": names.get(device, ""), "fields": fields}
            )
        kept["per_device"] = True
        kept["created_more"] = max(len(created) - len(kept["created"]), 0)
        kept["updated_more"] = max(len(updated) - len(listed), 0)

    def _inventory_changes(self, device: int, shown: int = 5) -> list[dict[str, str]]:
        """What the file changes in a device's inventory: the programs (by name and publisher)
        whose version moved, those added and those removed; the first ``shown`` of each named."""
        versions: tuple[dict, dict] = ({}, {})  # before, after: (name, publisher) -> versions
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id > %s, raw_name, publisher, raw_version "  # noqa: S608
                f'FROM "{Installation._meta.db_table}" WHERE device_id = %s',
                [self.threshold, device],
            )
            for is_new, name, publisher, raw_version in cursor.fetchall():
                versions[bool(is_new)].setdefault((name, publisher), set()).add(raw_version)
        before, after = versions

        def listing(keys: list) -> str:
            text = "、".join(name for name, _publisher in keys[:shown])
            if len(keys) > shown:
                text += _(" … and %(n)d more") % {"n": len(keys) - shown}
            return text

        def versions_text(found: set[str]) -> str:
            return "、".join(sorted(found)) or _("(empty)")

        moved = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
        fields = [
            {
                "label": key[0],
                "before": versions_text(before[key]),
                "after": versions_text(after[key]),
            }
            for key in moved[:shown]
        ]
        if len(moved) > shown:
            fields.append(
                {
                    "label": _("Other programs whose version moved"),
                    "before": "",
                    "after": str(len(moved) - shown),
                }
            )
        added = sorted(after.keys() - before.keys())
        if added:
            fields.append(
                {
                    "label": _("Programs added (%(n)d)") % {"n": len(added)},
                    "before": "",
                    "after": listing(added),
                }
            )
        removed = sorted(before.keys() - after.keys())
        if removed:
            fields.append(
                {
                    "label": _("Programs removed (%(n)d)") % {"n": len(removed)},
                    "before": listing(removed),
                    "after": "",
                }
            )
        return fields

    def _previous_prints(self, devices: dict[int, Any]) -> dict[int, str]:
        """The fingerprint of each device's current snapshot, as its latest import (not rolled
        back) noted it; devices loaded before fingerprints were kept have none."""
        found: dict[int, str] = {}
        rows = (
            LoadedDevice.objects.filter(
                load__organisation=self.organisation, load__rolled_back_at__isnull=True
            )
            .order_by("device_id", "-load_id")
            .values_list("device_id", "fingerprint")
        )
        for device_id, text in rows.iterator(chunk_size=10_000):
            if device_id in devices:
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
