"""Columns of the device list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column, label
from daicho.core.templatetags.daicho import jdate
from daicho.sam.models import DeviceStatus, DeviceType

DEVICE_COLUMNS = [
    Column(
        "name",
        _("Device name"),
        lambda d: d.name,
        sort=("name",),
        link="sam:device_detail",
        optional=False,
    ),
    Column("type", _("Type"), lambda d: label(DeviceType, d.type), sort=("type",)),
    Column("unit", _("Unit"), lambda d: d.unit.name, sort=("unit__path",)),
    Column("user_name", _("User"), lambda d: d.user_name, sort=("user_name",)),
    Column("os", _("OS"), lambda d: d.os, sort=("os",)),
    Column(
        "eol",
        _("End of support"),
        lambda d: jdate(d.release.eol) if d.release else "",
        sort=("release__eol",),
    ),
    Column("serial", _("Serial number"), lambda d: d.serial, default=False),
    Column(
        "purchased_on", _("Purchased on"), lambda d: jdate(d.purchased_on), sort=("purchased_on",)
    ),
    Column("status", _("Status"), lambda d: label(DeviceStatus, d.status), sort=("status",)),
]
