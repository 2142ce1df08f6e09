"""The 棚卸 indicator: share of units that completed the year's inventory-taking (3.3.4)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from daicho.core import metrics
from daicho.core.metrics import Measurement
from daicho.core.models import OrgUnit
from daicho.sam.models import ConfirmationStatus, InventoryCampaign


def sam_inventory_rate(organisation, fiscal_year: int, **_params) -> Measurement:
    """Units that finished / units in scope, over the year's campaign (the latest one when a
    year has several). A unit has finished when it confirmed its part; confirming needs every
    device decided by someone (scanned, checked, or marked with a reason), so no device counts
    as found by default. A past year's campaign is entered with its real dates. No campaign:
    no value."""
    campaign = (
        InventoryCampaign.objects.filter(organisation=organisation, fiscal_year=fiscal_year)
        .annotate(
            units=Count("confirmations"),
            done=Count(
                "confirmations",
                filter=Q(confirmations__status=ConfirmationStatus.CONFIRMED),
            ),
        )
        .order_by("-pk")
        .first()
    )
    if campaign is None:
        return Measurement(None, "", reason=_("There is no 棚卸 campaign for this fiscal year."))
    if not campaign.units:
        return Measurement(
            None,
            "",
            campaign.get_absolute_url(),
            reason=_("The campaign %(name)s has no units in scope.") % {"name": campaign.name},
        )
    rate = (Decimal(campaign.done) * 100 / Decimal(campaign.units)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return Measurement(
        rate,
        f"{campaign.done} / {campaign.units} 所属",
        campaign.get_absolute_url(),
        extra={"campaign": campaign.pk},
        records=OrgUnit.objects.filter(
            pk__in=campaign.confirmations.filter(status=ConfirmationStatus.CONFIRMED).values("unit")
        ),
    )


def register() -> None:
    metrics.register(
        "sam_inventory_rate",
        name="各所属の棚卸実施率",
        unit="%",
        compute=sam_inventory_rate,
    )
