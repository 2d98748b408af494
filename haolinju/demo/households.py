"""Synthetic but valid people: identity numbers, phones, households, party and volunteer details.

Every ID number is checksum-valid with a real birth date (``core.validators.make_id_number``) and
unique: a counter per (region, birth date, sex) hands out the sequence numbers (odd for men, even
for women), so uniqueness needs no lookup and memory stays bounded (the counters of a region can
be dropped once its people are made). Phones are unique through a bijection of a running number.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from haolinju.core.validators import make_id_number
from haolinju.people.models import Employment, HeldAt, Mobility

from . import names

# Ages and dates are computed against a fixed day so a seed always gives the same people.
REFERENCE_DATE = dt.date(2026, 1, 1)


def birth_date(rng: random.Random, age_low: int, age_high: int) -> dt.date:
    """A real date on which someone aged between ``age_low`` and ``age_high`` was born."""
    age = rng.randint(age_low, age_high)
    return REFERENCE_DATE - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def age_of(birth: dt.date) -> int:
    r = REFERENCE_DATE
    return r.year - birth.year - ((r.month, r.day) < (birth.month, birth.day))


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


class IdentityMint:
    """Hands out unique ID numbers and phones.

    ``phone_prefixes``: the three-digit prefixes this mint uses; mints with disjoint prefix sets
    (the demo district and the scaled data) never produce the same phone.
    """

    def __init__(self, phone_prefixes: tuple[str, ...], phone_offset: int = 0):
        self.phone_prefixes = phone_prefixes
        self._phone_counter = phone_offset
        self._sequences: dict[tuple[str, dt.date, str], int] = {}

    def id_number(self, region: str, birth: dt.date, sex: str) -> tuple[str, dt.date]:
        """A fresh ID number; the birth date moves on a day if that day's numbers run out."""
        while True:
            key = (region, birth, sex)
            k = self._sequences.get(key, 0)
            if k < 499:
                self._sequences[key] = k + 1
                sequence = 2 * k + 1 if sex == "M" else 2 * k + 2
                return make_id_number(region, birth, sequence), birth
            birth += dt.timedelta(days=1)

    def forget_region(self, region: str) -> None:
        """Drop the counters of a region whose people are all made (bounded memory)."""
        self._sequences = {k: v for k, v in self._sequences.items() if k[0] != region}

    def phone(self, rng: random.Random) -> str:
        n = self._phone_counter
        self._phone_counter += 1
        suffix = (n * 48_271 + 12_345_678) % 100_000_000  # a bijection on 0..10^8-1
        return f"{rng.choice(self.phone_prefixes)}{suffix:08d}"


@dataclass
class Someone:
    """A person about to be written, and what the seeders need to know of them later."""

    id: int
    name: str
    sex: str
    birth: dt.date
    phone: str
    unit_id: int
    unit_path: str
    building_id: int
    compound_id: int
    owner: bool = False
    member: bool = False
    in_service: bool = False  # member held by an employer and working (can be "sunk down")
    volunteer: bool = False
    reserved: bool = False  # set aside for a post to be filled later
    titles: list[str] = field(default_factory=list)
    age: int = field(init=False)

    def __post_init__(self) -> None:
        self.age = age_of(self.birth)


# Household shapes: (name, weight, owner-occupied only?)
HOUSEHOLDS = (
    ("single_elder", 12),
    ("elder_couple", 16),
    ("couple", 12),
    ("couple_kids", 30),
    ("three_generations", 12),
    ("single_adult", 12),
    ("single_parent", 6),
)
TENANT_HOUSEHOLDS = (("single_adult", 40), ("couple", 30), ("couple_kids", 30))
# Units to build per person wanted when a quota is set: about 2.1 persons live in a sold unit
# on average; the margin leaves some units vacant rather than fall short of the quota.
UNITS_PER_PERSON = 1 / 1.7


@dataclass
class Relative:
    """One member of a household before it gets an id: relation is head, spouse, child, parent."""

    relation: str
    sex: str
    birth: dt.date
    name: str


def household(rng: random.Random, shape: str) -> list[Relative]:
    """A plausible family: ages fit together and children mostly carry the father's surname."""
    people: list[Relative] = []

    def add(relation, sex, birth, family=None):
        people.append(
            Relative(relation, sex, birth, names.person_name(rng, sex, birth.year, family))
        )
        return people[-1]

    def couple(low, high):
        head_sex = "M" if rng.random() < 0.8 else "F"
        head = add("head", head_sex, birth_date(rng, low, high))
        spouse_age = max(low - 3, min(90, age_of(head.birth) + rng.randint(-5, 3)))
        spouse = add(
            "spouse", "F" if head_sex == "M" else "M", birth_date(rng, spouse_age, spouse_age)
        )
        return head, spouse

    def kids(parent_age, count, max_age=25):
        father = next(
            (p for p in people if p.sex == "M" and p.relation in ("head", "spouse")), None
        )
        family = father.name[0] if father and rng.random() < 0.9 else None
        for _ in range(count):
            top = max(0, min(max_age, parent_age - 20))
            add("child", rng.choice("MF"), birth_date(rng, 0, top), family)

    if shape == "single_elder":
        add("head", rng.choice("MF"), birth_date(rng, 60, 90))
    elif shape == "elder_couple":
        couple(58, 85)
    elif shape == "couple":
        couple(24, 55)
    elif shape == "couple_kids":
        head, _ = couple(28, 52)
        kids(age_of(head.birth), 1 if rng.random() < 0.6 else 2)
    elif shape == "three_generations":
        head, _ = couple(28, 50)
        kids(age_of(head.birth), 1, max_age=15)
        head_age = age_of(head.birth)
        elder_age = min(92, head_age + rng.randint(22, 32))
        elder_sex = rng.choice("MF")
        family = head.name[0] if elder_sex == "M" else None  # the head's father
        add("parent", elder_sex, birth_date(rng, elder_age, elder_age), family)
    elif shape == "single_adult":
        add("head", rng.choice("MF"), birth_date(rng, 20, 59))
    else:  # single_parent
        head = add("head", rng.choice("MF"), birth_date(rng, 28, 50))
        kids(age_of(head.birth), 1)
    return people


def pick_shape(rng: random.Random, shapes=HOUSEHOLDS) -> str:
    return rng.choices([s for s, _ in shapes], weights=[w for _, w in shapes])[0]


# --- party members and volunteers -----------------------------------------------------------

EMPLOYERS = (
    "黄冈市中心医院", "黄州区人民政府", "黄冈师范学院", "湖北省黄州中学", "黄冈市财政局",
    "国网黄冈供电公司", "黄冈市公安局", "黄州区教育局", "黄冈职业技术学院", "中国银行黄冈分行",
    "黄冈市自来水公司", "黄冈日报社", "黄州区人民医院", "黄冈市税务局", "中国移动黄冈分公司",
    "黄冈市城市建设投资有限公司", "黄州区卫生健康局", "黄冈中学", "黄冈市交通运输局",
)  # fmt: skip
SKILLS = (
    "水电维修", "家电维修", "理发", "法律咨询", "心理疏导", "医疗护理", "助老助残", "文艺表演",
    "手机电脑教学", "垃圾分类宣传", "矛盾调解", "课业辅导", "书法", "摄影", "烹饪", "驾驶",
    "急救", "防疫宣传", "政策宣讲", "环境整治",
)  # fmt: skip
AVAILABILITY = ("工作日白天", "工作日晚上", "周末上午", "周末下午", "节假日", "随时")


@dataclass
class MemberFacts:
    held_at: str
    employment: str
    mobility: str
    employer: str
    joined_on: dt.date
    reported_on: dt.date | None


def member_facts(rng: random.Random, sex: str, birth: dt.date) -> MemberFacts:
    """Where a member's relationship is held, their work and mobility: the four ledgers follow."""
    age = age_of(birth)
    retirement_age = 60 if sex == "M" else 55
    if age >= retirement_age:
        employment = Employment.RETIRED
    else:
        employment = Employment.WORKING if rng.random() < 0.85 else Employment.NOT_EMPLOYED
    roll = rng.random()
    if employment == Employment.RETIRED:
        held_at = HeldAt.COMMUNITY if roll < 0.8 else HeldAt.EMPLOYER
    elif employment == Employment.WORKING:
        held_at = (
            HeldAt.EMPLOYER if roll < 0.6 else HeldAt.COMMUNITY if roll < 0.9 else HeldAt.ELSEWHERE
        )
    else:
        held_at = HeldAt.COMMUNITY if roll < 0.85 else HeldAt.ELSEWHERE
    roll = rng.random()
    if held_at == HeldAt.ELSEWHERE:
        mobility = Mobility.FLOATING_IN if roll < 0.7 else Mobility.SETTLED
    else:
        mobility = (
            Mobility.FLOATING_OUT
            if roll < 0.03
            else Mobility.FLOATING_IN
            if roll < 0.06
            else Mobility.SETTLED
        )
    employer = rng.choice(EMPLOYERS) if held_at == HeldAt.EMPLOYER else ""
    joined_age_limit = max(18, min(age, 45))
    joined_on = birth_date_plus(birth, rng.randint(18, joined_age_limit), rng)
    reported_on = None
    if held_at == HeldAt.EMPLOYER and employment == Employment.WORKING and rng.random() < 0.85:
        reported_on = random_date(rng, dt.date(2019, 1, 1), dt.date(2025, 12, 1))
    return MemberFacts(held_at, employment, mobility, employer, joined_on, reported_on)


def birth_date_plus(birth: dt.date, years: int, rng: random.Random) -> dt.date:
    day = birth + dt.timedelta(days=years * 365 + rng.randint(0, 300))
    return min(day, REFERENCE_DATE - dt.timedelta(days=1))


def volunteer_facts(rng: random.Random) -> tuple[list[str], list[str], dt.date]:
    skills = rng.sample(SKILLS, rng.choice((1, 1, 2, 2, 3)))
    availability = rng.sample(AVAILABILITY, rng.choice((1, 1, 2)))
    return skills, availability, random_date(rng, dt.date(2018, 1, 1), dt.date(2025, 12, 1))
