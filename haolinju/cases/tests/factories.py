"""Cases factories and a small cast: a compound with its secretary, a member, a volunteer,
a resident, a department with its staff, and staff one and two levels up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone

from haolinju.cases.models import (
    Case,
    CaseKind,
    Category,
    OrderType,
    ProblemReportDetail,
    ServiceOrderDetail,
)
from haolinju.org.models import AreaKind, Organisation, OrgKind
from haolinju.org.tests.factories import Tree
from haolinju.people.models import Position, Title
from haolinju.people.tests.factories import (
    MemberFactory,
    PersonFactory,
    VolunteerFactory,
    account_for,
    staff,
)


def category(code: str = "repair") -> Category:
    return Category.objects.get(code=code)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    kind = CaseKind.SERVICE_ORDER
    category = factory.LazyFunction(lambda: category("repair"))
    title = factory.Sequence(lambda n: f"厨房水管漏水{n}")
    description = "厨房水槽下面的水管一直在滴水，麻烦派人来看看。"
    area = None  # required: the requester's unit or the compound
    area_path = factory.LazyAttribute(lambda o: o.area.path)
    requester = None
    owner_area = None  # required: usually the compound
    owner_area_path = factory.LazyAttribute(lambda o: o.owner_area.path)
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def detail(obj, create, extracted, **kwargs):
        if not create:
            return
        if obj.kind == CaseKind.SERVICE_ORDER:
            ServiceOrderDetail.objects.create(case=obj, order_type=extracted or OrderType.HELP)
        elif obj.kind == CaseKind.PROBLEM_REPORT:
            ProblemReportDetail.objects.create(case=obj, **(kwargs or {}))


def position(user, title: str, area, organisation: Organisation | None = None) -> Position:
    return Position.objects.create(
        person=user.person,
        title=title,
        area=area,
        area_path=area.path,
        organisation=organisation,
        started_on=dt.date(2020, 1, 1),
    )


@dataclass
class Cast:
    tree: Tree
    compound: object
    other_compound: object
    unit: object
    secretary: object
    other_secretary: object
    community_secretary: object
    street_staff: object
    member: object
    member2: object
    volunteer: object
    resident: object
    neighbour: object
    outsider: object
    department: Organisation
    department_staff: object
    property_company: Organisation
    property_manager: object


def ensure_categories() -> None:
    """Re-seed the default categories when a transactional test's flush removed the rows the
    data migration wrote."""
    if Category.objects.exists():
        return
    import importlib

    from django.apps import apps

    importlib.import_module("haolinju.cases.migrations.0002_seed_categories").seed(apps, None)


def cast() -> Cast:
    """Everyone the loop needs, in the first compound of a fresh ``Tree``."""
    ensure_categories()
    tree = Tree()
    compound, other = tree.compounds[0], tree.compounds[2]
    unit = next(u for u in tree.units if u.path.startswith(compound.path))
    other_unit = next(u for u in tree.units if u.path.startswith(other.path))
    community = tree.communities[0]
    street = tree.streets[0]
    branch = Organisation.objects.create(
        kind=OrgKind.BRANCH, name="一小区党支部", area=compound, area_path=compound.path
    )
    secretary = staff(Title.BRANCH_SECRETARY, compound, username="secretary")
    Position.objects.filter(person=secretary.person).update(organisation=branch)
    other_secretary = staff(Title.BRANCH_SECRETARY, other, username="othersecretary")
    community_secretary = staff(Title.COMMUNITY_SECRETARY, community, username="community")
    street_staff = staff(Title.STREET_STAFF, street, username="street")
    member_person = PersonFactory(area=unit, name="党员甲")
    MemberFactory(person=member_person)
    member = account_for(member_person, username="member")
    member2_person = PersonFactory(area=unit, name="党员乙")
    MemberFactory(person=member2_person)
    member2 = account_for(member2_person, username="member2")
    volunteer_person = PersonFactory(area=unit, name="志愿者丙")
    VolunteerFactory(person=volunteer_person)
    volunteer = account_for(volunteer_person, username="volunteer")
    resident = account_for(PersonFactory(area=unit, name="居民丁"), username="resident")
    neighbour = account_for(PersonFactory(area=unit, name="邻居戊"), username="neighbour")
    outsider = account_for(PersonFactory(area=other_unit, name="外人己"), username="outsider")
    district = tree.district
    department = Organisation.objects.create(
        kind=OrgKind.DEPARTMENT, name="住房和城乡建设局", area=district, area_path=district.path
    )
    department_staff = account_for(PersonFactory(area=other_unit), username="department")
    position(department_staff, Title.DEPARTMENT_STAFF, district, department)
    company = Organisation.objects.create(
        kind=OrgKind.PROPERTY_COMPANY, name="宝塔物业", area=district, area_path=district.path
    )
    company.served_areas.add(compound)
    property_manager = account_for(PersonFactory(area=other_unit), username="property")
    position(property_manager, Title.PROPERTY_MANAGER, compound, company)
    assert compound.kind == AreaKind.COMPOUND
    return Cast(
        tree=tree,
        compound=compound,
        other_compound=other,
        unit=unit,
        secretary=secretary,
        other_secretary=other_secretary,
        community_secretary=community_secretary,
        street_staff=street_staff,
        member=member,
        member2=member2,
        volunteer=volunteer,
        resident=resident,
        neighbour=neighbour,
        outsider=outsider,
        department=department,
        department_staff=department_staff,
        property_company=company,
        property_manager=property_manager,
    )


def order_for(c: Cast, **kwargs) -> Case:
    """A submitted help order from the resident, owned by their compound."""
    kwargs.setdefault("area", c.unit)
    kwargs.setdefault("owner_area", c.compound)
    kwargs.setdefault("requester", c.resident.person)
    return CaseFactory(**kwargs)
