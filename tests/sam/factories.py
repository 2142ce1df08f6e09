"""Factories of SAM records (kept beside the SAM tests)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from daicho.sam.models import Device, Installation, Licence, SoftwareTitle


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device

    name = factory.Sequence(lambda n: f"PC{n:06d}")
    organisation = factory.SelfAttribute("unit.organisation")
    unit = None


class TitleFactory(DjangoModelFactory):
    class Meta:
        model = SoftwareTitle

    name = factory.Sequence(lambda n: f"ソフト{n}")


class InstallationFactory(DjangoModelFactory):
    class Meta:
        model = Installation

    raw_name = factory.LazyAttribute(lambda o: str(o.title) if o.title else "raw")


class LicenceFactory(DjangoModelFactory):
    class Meta:
        model = Licence

    organisation = factory.SelfAttribute("title.organisation")
    quantity = 1
