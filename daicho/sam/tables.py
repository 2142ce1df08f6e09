"""Columns of the device and licence lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column, label
from daicho.core.templatetags.daicho import jdate, yen
from daicho.sam.models import DeviceStatus, DeviceType, LicenceMetric, LicenceType

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
    Column("unit", _("Unit"), lambda d: d.unit.name, sort=("unit__tree_key",)),
    Column("user_name", _("User"), lambda d: d.user_name, sort=("user_name",)),
    Column("os", _("OS"), lambda d: d.os, sort=("os",)),
    Column(
        "eol",
        _("End of support"),
        lambda d: jdate(d.end_of_support) if d.release else "",  # the organisation's date
        sort=("end_of_support",),
    ),
    Column("serial", _("Serial number"), lambda d: d.serial, default=False),
    Column(
        "purchased_on", _("Purchased on"), lambda d: jdate(d.purchased_on), sort=("purchased_on",)
    ),
    Column("status", _("Status"), lambda d: label(DeviceStatus, d.status), sort=("status",)),
]

LICENCE_COLUMNS = [
    Column(
        "title",
        _("Software"),
        lambda li: str(li.title),
        sort=("title__name", "title__edition"),
        link="sam:licence_detail",
        optional=False,
    ),
    Column("version", _("Version"), lambda li: li.version, sort=("version",)),
    Column("metric", _("Metric"), lambda li: label(LicenceMetric, li.metric), sort=("metric",)),
    Column("quantity", _("Quantity"), lambda li: li.quantity, sort=("quantity",), numeric=True),
    Column("type", _("Licence type"), lambda li: label(LicenceType, li.type), sort=("type",)),
    Column(
        "downgrade_rights",
        _("Downgrade rights"),
        lambda li: "○" if li.downgrade_rights else "",
        sort=("downgrade_rights",),
    ),
    Column("unit", _("Unit"), lambda li: li.unit.name if li.unit else "", sort=("unit__tree_key",)),
    Column("valid_from", _("Valid from"), lambda li: jdate(li.valid_from), sort=("valid_from",)),
    Column(
        "valid_until", _("Valid until"), lambda li: jdate(li.valid_until), sort=("valid_until",)
    ),
    Column("certificate", _("Certificate number"), lambda li: li.certificate, default=False),
    Column(
        "unit_price",
        _("Unit price (yen)"),
        lambda li: yen(li.unit_price) if li.unit_price is not None else "",
        sort=("unit_price",),
        numeric=True,
    ),
]

TITLE_COLUMNS = [
    Column(
        "name",
        _("Software"),
        lambda t: t.name,
        sort=("name", "edition"),
        link="sam:title_edit",
        optional=False,
    ),
    Column("edition", _("Edition"), lambda t: t.edition, sort=("edition",)),
    Column("publisher", _("Publisher"), lambda t: t.publisher, sort=("publisher",)),
    Column("free", _("Free software"), lambda t: "○" if t.free else "", sort=("free",)),
    Column("release_order", _("Versions in release order"), lambda t: t.release_order),
    Column(
        "declared_peak",
        _("Declared peak of concurrent use"),
        lambda t: t.declared_peak,
        numeric=True,
        default=False,
    ),
]
