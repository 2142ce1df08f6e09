"""Factories for tests: records built directly (services are what the tests exercise)."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from daicho.core.models import Membership, Organisation, OrgUnit, User
from daicho.registry.models import (
    Basis,
    Category,
    Contract,
    CostItem,
    CostLine,
    InformationSystem,
    Vendor,
)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"テスト県{n}")
    code = factory.Sequence(lambda n: f"{990000 + n}")


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"テスト課{n}")
    kind = "section"

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        obj.path = f"{obj.parent.path if obj.parent else ''}{obj.pk}/"
        obj.tree_key = (obj.parent.tree_key if obj.parent else "") + OrgUnit.key_part(
            obj.sort_order, obj.pk
        )
        obj.department_id = obj.parent.department_id if obj.parent else obj.pk
        OrgUnit.objects.filter(pk=obj.pk).update(
            path=obj.path, tree_key=obj.tree_key, department_id=obj.department_id
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        obj.save()


def member(
    user: User, role: str, unit: OrgUnit | None = None, organisation: Organisation | None = None
) -> User:
    Membership.objects.create(
        user=user, role=role, unit=unit, organisation=organisation or unit.organisation
    )
    return user


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = InformationSystem

    owner_unit = factory.SubFactory(OrgUnitFactory)
    organisation = factory.LazyAttribute(lambda o: o.owner_unit.organisation)
    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"テストシステム{n}")
    status = "operating"
    in_service_on = datetime.date(2010, 4, 1)
    hosting = "on_premises"


class CostItemFactory(DjangoModelFactory):
    class Meta:
        model = CostItem
        django_get_or_create = ("organisation", "code")

    organisation = factory.SubFactory(OrganisationFactory)
    code = "itaku"
    name = "委託料"


class CostLineFactory(DjangoModelFactory):
    class Meta:
        model = CostLine

    system = factory.SubFactory(SystemFactory)
    fiscal_year = 2014
    basis = Basis.BUDGET
    category = Category.OPERATION
    item = factory.LazyAttribute(lambda o: CostItemFactory(organisation=o.system.organisation))
    amount = 1_000_000


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"V{n:03d}")
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    vendor = factory.SubFactory(VendorFactory)
    organisation = factory.LazyAttribute(lambda o: o.vendor.organisation)
    owner_unit = factory.LazyAttribute(lambda o: OrgUnitFactory(organisation=o.organisation))
    code = factory.Sequence(lambda n: f"C{n:04d}")
    title = factory.Sequence(lambda n: f"テスト保守業務{n}")
    kind = "maintenance"
    start_on = datetime.date(2014, 4, 1)
    end_on = datetime.date(2015, 3, 31)
    yearly_amount = 1_200_000
