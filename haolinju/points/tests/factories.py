"""A small world for points tests: a compound with a member, its secretary, a second staff
member, the community's secretary, a station with a shop and a partner unit."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from haolinju.org.models import AreaKind, Organisation, OrgKind
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Title
from haolinju.people.tests.factories import MemberFactory, PersonFactory, account_for, staff

PAST = dt.date(2025, 3, 10)  # a date in a month that has ended


def member(unit, username: str | None = None):
    person = PersonFactory(area=unit)
    MemberFactory(person=person)
    return account_for(person, username=username)


def world() -> SimpleNamespace:
    tree = Tree()
    compound, community = tree.compounds[0], tree.communities[0]
    station = Organisation.objects.create(
        kind=OrgKind.STATION, name="好邻居工作站", area=compound, area_path=compound.path
    )
    partner = Organisation.objects.create(
        kind=OrgKind.PARTNER_UNIT,
        name="区供电公司",
        area=tree.district,
        area_path=tree.district.path,
    )
    assert compound.kind == AreaKind.COMPOUND
    return SimpleNamespace(
        tree=tree,
        compound=compound,
        community=community,
        station=station,
        partner=partner,
        member=member(tree.units[0]),
        other=member(tree.units[1]),
        stranger=member(tree.units[8]),  # another compound
        secretary=staff(Title.BRANCH_SECRETARY, compound),
        deputy=staff(Title.GRID_WORKER, compound),
        community_secretary=staff(Title.COMMUNITY_SECRETARY, community),
        outsider=staff(Title.BRANCH_SECRETARY, tree.compounds[1]),
    )


def person_of(user):
    return user.person


def fund(w, user, points: int, tid: str | None = None):
    """Give a member spendable points straight from the compound's issuing account."""
    from haolinju.points.services import ledger

    issuing = ledger.issuing_account(w.compound)
    account = ledger.exchange_account(user.person)
    ledger.post(
        [
            ledger.Spec(
                transfer_id=tid or f"fund:{user.pk}:{points}",
                debit_id=issuing.pk,
                credit_id=account.pk,
                amount=points,
                code="award",
                booked_on=PAST,
                area_path=w.compound.path,
            )
        ]
    )
    return account
