"""`core.services.objects_create_many`: many new records in bulk, each with its audit event."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daicho.core.models import AuditEvent
from daicho.core.services import objects_create_many
from daicho.registry.models import Vendor
from tests.factories import OrganisationFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_the_records_keep_the_keys_their_events_name():
    org = OrganisationFactory()
    VendorFactory(organisation=org)  # a row before: the new keys come after it
    vendors = objects_create_many(
        objs=[Vendor(organisation=org, code=f"V9{i:02d}", name=f"業者{i}") for i in range(3)],
        organisation=org,
    )
    stored = dict(Vendor.objects.filter(code__startswith="V9").values_list("code", "pk"))
    assert stored == {v.code: v.pk for v in vendors}
    events = AuditEvent.objects.filter(action="create", object_id__in=[str(v.pk) for v in vendors])
    assert sorted(e.object_repr for e in events) == ["業者0", "業者1", "業者2"]
    assert {e.after["code"] for e in events} == {"V900", "V901", "V902"}
    assert all(e.organisation_id == org.pk for e in events)


def test_a_bad_field_stops_them_all():
    org = OrganisationFactory()
    with pytest.raises(ValidationError):
        objects_create_many(
            objs=[Vendor(organisation=org, code="V901", name="x" * 500)], organisation=org
        )
    assert not Vendor.objects.filter(code="V901").exists()
