"""Columns of the SAM lists (devices, licences, titles, 棚卸 campaigns, audits, normalisation
rules)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from daicho.core.tables import Column
from daicho.core.templatetags.daicho import fy, jdate, yen
from daicho.sam.models import (
    CampaignStatus,
    DeviceStatus,
    DeviceType,
    LicenceMetric,
    LicenceType,
)


def _circle(value: bool) -> str:
    return "○" if value else ""


DEVICE_COLUMNS = [
    Column("name", _("Device name"), link="sam:device_detail", optional=False),
    Column("type", _("Type"), choices=DeviceType),
    Column("unit", _("Unit"), field="unit__name", sort=("unit__tree_key",)),
    Column("user_name", _("User")),
    Column("os", _("OS")),
    Column(
        "eol",
        _("End of support"),
        lambda d: jdate(d.end_of_support) if d.release else "",  # the organisation's date
        sort=("end_of_support",),
    ),
    Column("serial", _("Serial number"), sort=(), default=False),
    Column("purchased_on", _("Purchased on"), format=jdate),
    Column("status", _("Status"), choices=DeviceStatus),
]

LICENCE_COLUMNS = [
    Column(
        "title",
        _("Software"),
        format=str,
        sort=("title__name", "title__edition"),
        link="sam:licence_detail",
        optional=False,
    ),
    Column("version", _("Version")),
    Column("metric", _("Metric"), choices=LicenceMetric),
    Column("quantity", _("Quantity"), numeric=True),
    Column("type", _("Licence type"), choices=LicenceType),
    Column("downgrade_rights", _("Downgrade rights"), format=_circle),
    Column("unit", _("Unit"), field="unit__name", sort=("unit__tree_key",)),
    Column("valid_from", _("Valid from"), format=jdate),
    Column("valid_until", _("Valid until"), format=jdate),
    Column("certificate", _("Certificate number"), sort=(), default=False),
    Column("unit_price", _("Unit price (yen)"), format=yen, numeric=True),
]

TITLE_COLUMNS = [
    Column("name", _("Software"), sort=("name", "edition"), link="sam:title_edit", optional=False),
    Column("edition", _("Edition")),
    Column("publisher", _("Publisher")),
    Column("free", _("Free software"), format=_circle),
    Column("release_order", _("Versions in release order"), sort=()),
    Column(
        "declared_peak",
        _("Declared peak of concurrent use"),
        sort=(),
        numeric=True,
        default=False,
    ),
]


def _completion(campaign) -> str:
    return f"{round(campaign.done * 100 / campaign.units)}%" if campaign.units else ""


CAMPAIGN_COLUMNS = [
    Column("name", _("name"), link="sam:campaign_detail", optional=False),
    Column("fiscal_year", _("fiscal year"), format=fy),
    Column("deadline", _("deadline"), format=jdate),
    Column("status", _("status"), choices=CampaignStatus),
    Column("confirmed", _("Units confirmed"), lambda c: f"{c.done} / {c.units}", numeric=True),
    Column("completion", _("Completion"), _completion, numeric=True),
]

AUDIT_COLUMNS = [
    Column("name", _("name"), link="sam:audit_detail", optional=False),
    Column("fiscal_year", _("fiscal year"), format=fy),
    Column("held_on", _("held on"), format=jdate),
    Column("auditor", _("auditor")),
    Column("findings_count", _("Findings"), numeric=True),
    Column("open_count", _("Not yet addressed"), numeric=True),
]


def code(value: str) -> str:
    """A pattern as the user wrote it, in a fixed-width font (empty when there is none)."""
    return format_html("<code>{}</code>", value) if value else ""


def _rule_delete(rule) -> str:
    # The button posts the page's `rule-delete` form (outside the table: forms do not nest).
    return format_html(
        '<button class="btn btn-sm btn-link text-danger p-0" form="rule-delete" name="rule" '
        'value="{}">{}</button>',
        rule.pk,
        _("Delete"),
    )


RULE_COLUMNS = [
    Column("priority", _("priority"), numeric=True),
    Column("pattern", _("pattern"), format=code, optional=False),
    Column("publisher_pattern", _("publisher"), format=code),
    Column("title", _("title")),
    Column("edition", _("edition")),
    Column("version", _("version")),
    Column("free", _("free"), format=_circle),
]
# For the IT policy division only.
RULE_DELETE_COLUMN = Column("delete", "", _rule_delete, optional=False)
