"""The demo's co-use (共同利用, plan 3.3.5): the prefecture's 電子申請サービス (S0009) is shared
with the municipalities of Okayama — 20 from the start, 4 more from FY2015, the last 3 from FY2016 —
each paying its share of the running cost (idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from daicho.core.models import Organisation, OrganisationKind
from daicho.registry import services
from daicho.registry.models import InformationSystem, SystemCoUse

# The 27 municipalities of Okayama prefecture (全国地方公共団体コード), in the order they joined.
MUNICIPALITIES = [
    ("331007", "岡山市"), ("332020", "倉敷市"), ("332038", "津山市"), ("332046", "玉野市"),
    ("332054", "笠岡市"), ("332071", "井原市"), ("332089", "総社市"), ("332097", "高梁市"),
    ("332101", "新見市"), ("332119", "備前市"), ("332127", "瀬戸内市"), ("332135", "赤磐市"),
    ("332143", "真庭市"), ("332151", "美作市"), ("332160", "浅口市"), ("333468", "和気町"),
    ("334235", "早島町"), ("334456", "里庄町"), ("334618", "矢掛町"), ("336068", "鏡野町"),
    ("336220", "勝央町"), ("336238", "奈義町"), ("336637", "久米南町"), ("336661", "美咲町"),
    ("335860", "新庄村"), ("336432", "西粟倉村"), ("336815", "吉備中央町"),
]  # fmt: skip


def load(*, stdout=None) -> None:
    prefecture = Organisation.objects.filter(code="330001").first()
    system = InformationSystem.objects.filter(organisation=prefecture, code="S0009").first()
    if system is None or SystemCoUse.objects.filter(system=system).exists():
        return
    share = (Decimal(50) / len(MUNICIPALITIES)).quantize(Decimal("0.01"))
    for index, (code, name) in enumerate(MUNICIPALITIES):
        municipality, _created = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": OrganisationKind.MUNICIPALITY}
        )
        started = (
            datetime.date(2005, 4, 1)
            if index < 20
            else datetime.date(2015, 4, 1)
            if index < 24
            else datetime.date(2016, 4, 1)
        )
        services.co_use_set(
            system=system, co_user=municipality, share_percent=share, started_on=started
        )
    _co_user_account()
    if stdout is not None:
        stdout.write(
            _("Co-use: %(system)s shared with %(count)d municipalities.")
            % {"system": system.name, "count": len(MUNICIPALITIES)}
        )
        stdout.write(f"  {CO_USER['username']:<8} {'it_policy':<12} {CO_USER['display_name']}")


# A user of a co-using municipality: reads, on /co-use/, the service it shares and its share.
CO_USER = {"username": "soja", "organisation": "332089", "display_name": "総社市 情報政策担当"}


def _co_user_account() -> None:
    from daicho.core.models import Membership, Role, User
    from daicho.core.services import membership_grant, object_create
    from daicho.registry.demo import DEMO_PASSWORD

    municipality = Organisation.objects.get(code=CO_USER["organisation"])
    user = User.objects.filter(username=CO_USER["username"]).first()
    if user is None:
        user = User(username=CO_USER["username"], first_name=CO_USER["display_name"])
        user.set_password(DEMO_PASSWORD)
        object_create(obj=user)
    if not Membership.objects.filter(user=user, organisation=municipality).exists():
        membership_grant(user=user, organisation=municipality, role=Role.IT_POLICY)
