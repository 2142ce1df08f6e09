"""Devices as a source of the end-of-support listing."""

from __future__ import annotations

from django.db.models import F, Value
from django.utils.translation import gettext_lazy as _

from daicho.lifecycle.eol import EolSource
from daicho.sam.models import Device


def _rows(organisation, as_of):
    return (
        Device.objects.filter(organisation=organisation)
        .in_use_on(as_of)
        .annotate(
            item_name=F("name"),
            unit_name=F("unit__name"),
            unit_path=F("unit__path"),
            system_code=Value(""),
            system_name=Value(""),
        )
    )


devices = EolSource(
    kind="device",
    label=_("Device"),
    rows=_rows,
    url_name="sam:device_detail",
)
