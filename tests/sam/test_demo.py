"""The demo's software assets: installations on a sample of PCs, a few shortfalls, the year's
棚卸 under way with the sam officer's unit still to confirm."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from daicho.core.models import Organisation
from daicho.sam.models import Installation, InventoryCampaign, Licence, SamAudit
from daicho.sam.selectors import compliance_position, licences_expiring


@pytest.mark.django_db
def test_the_demo_holds_software_assets_with_a_few_shortfalls_and_a_campaign_under_way():
    call_command("demo", "--no-migrate", stdout=io.StringIO())  # (idempotent: tests/core)
    org = Organisation.objects.get(code="330001")
    assert 10_000 < Installation.objects.count() < 20_000
    assert Installation.objects.filter(device__unit__code="D04-S04").exists()
    entries = compliance_position(org, as_of=timezone.localdate())
    short = {e.title for e in entries if e.shortfall}
    assert 3 <= len(short) <= 8
    assert "Microsoft Office Standard" in short
    assert Licence.objects.filter(metric="site").count() == 1
    assert licences_expiring(org, today=timezone.localdate()).exists()
    campaign = InventoryCampaign.objects.get()
    parts = campaign.confirmations
    assert 0 < parts.filter(status="confirmed").count() < parts.count()
    assert parts.get(unit__code="D04-S04").status == "pending"
    assert SamAudit.objects.get().findings.filter(status="open").count() == 2
