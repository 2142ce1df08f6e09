"""The demo municipality's standardisation, loaded on the test world (whose organisation is the
prefecture, 330001): 倉敷市 with its 20 areas, the co-used system and the costs since FY2018."""

from __future__ import annotations

import pytest

from daicho.core.audit import Channel, audit_context
from daicho.core.models import Organisation
from daicho.standardisation import demo


@pytest.fixture
def kurashiki(world) -> Organisation:
    with audit_context(actor=None, channel=Channel.CLI):
        Organisation.objects.create(code="331007", name="岡山市", kind="municipality")
        Organisation.objects.create(code="332046", name="玉野市", kind="municipality")
        demo.load()
    return Organisation.objects.get(code="332020")
