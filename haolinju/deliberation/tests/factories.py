"""A compound whose unit register is the worked example of RULES.md §1, with accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from haolinju.org.models import AreaKind
from haolinju.org.tests.factories import AreaFactory, child
from haolinju.people.models import Occupancy, OccupancyRole, Title
from haolinju.people.tests.factories import PersonFactory, account_for, staff

# P1–P9; P7 owns two units; two units are developer-held. N = 10, A = 1,220 m².
EXAMPLE = [
    ("101", "90", [1]),
    ("102", "90", [2]),
    ("201", "120", [3]),
    ("202", "120", [4]),
    ("301", "150", [5]),
    ("302", "60", [6]),
    ("401", "80", [7]),
    ("402", "100", [7]),
    ("501", "140", [8]),
    ("502", "70", [9]),
    ("601", "120", "dev"),
    ("602", "80", "dev"),
]


class ExampleCompound:
    """One compound → one building → one entrance → the twelve units above. ``owners[n]`` is
    Pn's user; ``officer`` is the branch secretary (a returning officer of votes they create);
    ``clerk`` governs the compound but is not named on votes; ``outsider`` lives elsewhere."""

    def __init__(self):
        district = AreaFactory(kind=AreaKind.DISTRICT, name="黄州区")
        street = child(district, AreaKind.STREET, "东湖街道")
        community = child(street, AreaKind.COMMUNITY, "青砖湖社区")
        self.compound = child(community, AreaKind.COMPOUND, "遗爱小区")
        self.building = child(self.compound, AreaKind.BUILDING, "1栋")
        self.entrance = child(self.building, AreaKind.ENTRANCE, "1单元")
        other = child(community, AreaKind.COMPOUND, "东坡小区")
        self.units = {}
        self.persons = {}
        self.owners = {}
        for name, area, owners in EXAMPLE:
            unit = child(
                self.entrance,
                AreaKind.UNIT,
                name,
                exclusive_area=Decimal(area),
                floor=int(name[0]),
                developer_held=owners == "dev",
            )
            self.units[name] = unit
            if owners == "dev":
                continue
            for n in owners:
                if n not in self.persons:
                    self.persons[n] = PersonFactory(area=unit, name=f"业主{n}")
                    self.owners[n] = account_for(self.persons[n], username=f"p{n}")
                own(self.persons[n], unit)
        self.officer = staff(Title.BRANCH_SECRETARY, self.compound, username="officer")
        self.clerk = staff(Title.COMMUNITY_WORKER, self.compound, username="clerk")
        self.outsider = staff(Title.BRANCH_SECRETARY, other, username="outsider")
        self.tenant = account_for(PersonFactory(area=self.units["502"]), username="tenant")

    def unit(self, name: str):
        return self.units[name]


def own(person, unit, role=OccupancyRole.OWNER, until=None):
    return Occupancy.objects.create(
        person=person, unit=unit, area_path=unit.path, role=role, until=until
    )


def window(hours_before=1, hours_after=48):
    now = timezone.now()
    return now - dt.timedelta(hours=hours_before), now + dt.timedelta(hours=hours_after)
