"""The Huangzhou demo district: complete, valid, and each demo account sees what its role should."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model

from haolinju.accounts.tests.helpers import login_request
from haolinju.core.crypto import decrypt
from haolinju.core.errors import NotFound
from haolinju.core.scope import path_segment
from haolinju.core.validators import parse_credit_code, parse_id_number, parse_mobile
from haolinju.demo import DEMO_ACCOUNTS, seed_demo
from haolinju.org.models import (
    Area,
    AreaBasis,
    AreaKind,
    CompoundClass,
    CompoundKind,
    Organisation,
    OrgKind,
    StationFunction,
)
from haolinju.org.selectors import area_get, compound_of, subtree
from haolinju.people.models import (
    CandidateSecretary,
    HeldAt,
    Ledger,
    Member,
    Occupancy,
    OccupancyRole,
    Person,
    Position,
    Title,
    Volunteer,
    ledger_q,
)
from haolinju.people.selectors import person_list

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

DEMO_REGIONS = {"421102", "421121", "421122", "421181", "421182"}


def user(username: str):
    return get_user_model().objects.get(username=username)


def home_compound(username: str) -> Area:
    return compound_of(Person.objects.get(user__username=username).area_path)


def visible_ids(username: str) -> set[int]:
    return set(person_list(actor=user(username)).values_list("pk", flat=True))


def test_demo_district_has_real_streets_communities_and_compounds(demo):
    """Huangzhou (421102) has its streets and towns, 2–4 communities each, 3–6 compounds each."""
    district = Area.objects.get(parent__isnull=True)
    assert (district.name, district.code) == ("黄州区", "421102")
    streets = Area.objects.filter(parent=district)
    assert {"东湖街道", "赤壁街道", "路口镇", "陶店乡", "堵城镇"} <= {s.name for s in streets}
    for street in streets:
        communities = Area.objects.filter(parent=street, kind=AreaKind.COMMUNITY)
        assert 2 <= communities.count() <= 4, street.name
        for community in communities:
            assert 3 <= Area.objects.filter(parent=community).count() <= 6, community.name
    for compound in Area.objects.filter(kind=AreaKind.COMPOUND):
        assert 2 <= Area.objects.filter(parent=compound).count() <= 8, compound.name


def test_every_compound_kind_and_class_occurs(demo):
    """All three compound kinds (compound, grid, cluster) and classes are in the demo."""
    compounds = Area.objects.filter(kind=AreaKind.COMPOUND)
    assert set(compounds.values_list("compound_kind", flat=True)) == set(CompoundKind.values)
    assert set(compounds.values_list("compound_class", flat=True)) == set(CompoundClass.values)


def test_paths_and_depths_follow_the_tree(demo):
    """Every area's path is its parent's path plus its own id, and depth matches."""
    paths = dict(Area.objects.values_list("pk", "path"))
    for pk, parent_id, path, depth in Area.objects.values_list("pk", "parent_id", "path", "depth"):
        expected = (paths[parent_id] if parent_id else "") + path_segment(pk)
        assert (path, depth) == (expected, len(expected) // 9 - 1)


def test_units_have_plausible_exclusive_areas_and_some_are_unsold(demo):
    """Units have exclusive areas of 59.80–143.60 m², mostly registered; some are unsold."""
    units = Area.objects.filter(kind=AreaKind.UNIT)
    areas = units.values_list("exclusive_area", flat=True)
    assert min(areas) >= Decimal("59.80") and max(areas) <= Decimal("143.60")
    bases = Counter(units.values_list("area_basis", flat=True))
    assert bases[AreaBasis.REGISTERED] > 0.7 * units.count()
    assert set(bases) == set(AreaBasis.values)
    assert units.filter(developer_held=True).exists()
    assert not Occupancy.objects.filter(unit__developer_held=True).exists()
    for entrance in Area.objects.filter(kind=AreaKind.ENTRANCE)[:50]:
        floors = entrance.children.values_list("floor", flat=True)
        assert 4 <= max(floors) <= 18


def test_residents_are_owners_co_owners_tenants_and_residents(demo):
    """Occupancies use all four roles; some owners own two units; some units are co-owned."""
    assert 5_000 <= Person.objects.count() <= 10_000
    roles = set(Occupancy.objects.values_list("role", flat=True))
    assert roles == set(OccupancyRole.values)
    owned = Counter(
        Occupancy.objects.filter(role=OccupancyRole.OWNER).values_list("person_id", flat=True)
    )
    assert any(n >= 2 for n in owned.values())
    assert Occupancy.objects.filter(role=OccupancyRole.CO_OWNER).exists()


def test_all_id_numbers_and_phones_are_valid_and_unique(demo):
    """Every stored ID number decrypts to a checksum-valid number with a real birth date and a
    Huangzhou-area region code; every phone is a valid mainland mobile number."""
    seen = set()
    for person in Person.objects.only("id_number_enc", "phone_enc", "birth_date", "sex"):
        parsed = parse_id_number(decrypt(person.id_number_enc))
        assert parsed.region_code in DEMO_REGIONS
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        seen.add(parsed.value)
        phone = decrypt(person.phone_enc)
        if phone:
            assert parse_mobile(phone) == phone
    assert len(seen) == Person.objects.count()


def test_every_kind_of_organisation_exists(demo):
    """Every OrgKind is present: branches per compound, groups per building, and the rest."""
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert set(kinds) == set(OrgKind.values)
    assert kinds[OrgKind.BRANCH] == Area.objects.filter(kind=AreaKind.COMPOUND).count()
    assert kinds[OrgKind.BUILDING_GROUP] == Area.objects.filter(kind=AreaKind.BUILDING).count()
    assert kinds[OrgKind.STATION] == kinds[OrgKind.BRANCH]


def test_organisations_are_wired_as_the_article_describes(demo):
    """Central households link up to ten units; property companies have valid credit codes and
    serve several compounds; partner units are paired with communities; stations have
    functions; departments include housing, city management and civil affairs."""
    for household in Organisation.objects.filter(kind=OrgKind.CENTRAL_HOUSEHOLD):
        linked = household.served_areas.all()
        assert 1 <= linked.count() <= 10
        assert all(
            u.kind == AreaKind.UNIT and u.path.startswith(household.area_path) for u in linked
        )
    companies = Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY)
    for company in companies:
        assert parse_credit_code(company.credit_code) == company.credit_code
        assert company.management
    assert max(c.served_areas.count() for c in companies) >= 5
    for partner in Organisation.objects.filter(kind=OrgKind.PARTNER_UNIT):
        assert {a.kind for a in partner.served_areas.all()} <= {AreaKind.COMMUNITY}
    communities = Area.objects.filter(kind=AreaKind.COMMUNITY)
    assert all(c.serving_organisations.filter(kind=OrgKind.PARTNER_UNIT) for c in communities)
    for station in Organisation.objects.filter(kind=OrgKind.STATION):
        assert station.functions and set(station.functions) <= set(StationFunction.values)
    departments = set(
        Organisation.objects.filter(kind=OrgKind.DEPARTMENT).values_list("name", flat=True)
    )
    assert {"黄州区住房和城乡建设局", "黄州区城市管理执法局", "黄州区民政局"} <= departments


def test_members_fill_all_four_ledgers(demo):
    """Party members appear in each of the four derived ledgers."""
    for ledger in Ledger.values:
        assert Member.objects.filter(ledger_q(ledger)).exists(), ledger


def test_members_held_locally_belong_to_their_own_compound_branch(demo):
    """A member whose relationship is held by the community belongs to the branch of the
    compound they live in; others name their employer or none."""
    local = Member.objects.filter(held_at=HeldAt.COMMUNITY).select_related("holding_org", "person")
    assert local.exists()
    for member in local:
        assert member.holding_org.kind == OrgKind.BRANCH
        assert member.person.area_path.startswith(member.holding_org.area_path)
    assert not Member.objects.filter(held_at=HeldAt.EMPLOYER, employer="").exists()


def test_volunteers_have_skills_availability_and_teams(demo):
    """Volunteers carry skills and availability and belong to a volunteer team."""
    volunteers = Volunteer.objects.all()
    assert volunteers.count() > 300
    assert all(v.skills and v.availability for v in volunteers)
    assert volunteers.filter(team__kind=OrgKind.VOLUNTEER_TEAM).count() == volunteers.count()


def test_every_title_is_held_and_the_candidate_pool_is_filled(demo):
    """Every post title is held by someone, a branch secretary chairs an owners' committee
    somewhere (cross-appointment), and the candidate-secretary pool is not empty."""
    assert set(Position.objects.values_list("title", flat=True)) == set(Title.values)
    secretaries = Position.objects.filter(title=Title.BRANCH_SECRETARY).values("person_id")
    assert Position.objects.filter(
        title=Title.OWNERS_COMMITTEE_CHAIR, person_id__in=secretaries
    ).exists()
    assert CandidateSecretary.objects.count() >= Area.objects.filter(kind="community").count()


@pytest.mark.parametrize("username", [u for u in DEMO_ACCOUNTS if u != "admin"])
def test_demo_account_logs_in_by_username_and_phone(demo, username):
    """Each demo account logs in with its username, and with its person's phone number."""
    person = Person.objects.get(user__username=username)
    phone = decrypt(person.phone_enc)
    assert authenticate(login_request(), username=username, password=PASSWORD).username == username
    assert authenticate(login_request(), username=phone, password=PASSWORD).username == username
    assert authenticate(login_request(), username=username, password="wrong") is None
    assert user(username).display_name == person.name


def test_admin_is_a_superuser_with_the_same_password(demo):
    """The ``admin`` account is a superuser and logs in with the demo password."""
    admin = authenticate(login_request(), username="admin", password=PASSWORD)
    assert admin is not None and admin.is_superuser


def test_secretary_buildinghead_member_and_resident_share_a_compound(demo):
    """secretary, buildinghead, member and resident all live in the same compound."""
    compounds = {home_compound(u).pk for u in ("secretary", "buildinghead", "member", "resident")}
    assert len(compounds) == 1


@pytest.mark.parametrize("username", ["resident", "member", "volunteer", "department"])
def test_accounts_without_people_scope_see_only_themselves(demo, username):
    """A resident, a member, a volunteer and a department worker list only their own record."""
    assert visible_ids(username) == {Person.objects.get(user__username=username).pk}


def test_member_and_volunteer_hold_no_post_and_resident_is_neither(demo):
    """The member is a party member without posts, the volunteer a volunteer without posts, and
    the resident neither."""
    member = Person.objects.get(user__username="member")
    volunteer = Person.objects.get(user__username="volunteer")
    resident = Person.objects.get(user__username="resident")
    assert hasattr(member, "member") and not member.positions.exists()
    assert hasattr(volunteer, "volunteer") and not volunteer.positions.exists()
    assert not hasattr(resident, "member") and not hasattr(resident, "volunteer")
    assert not resident.positions.exists()


@pytest.mark.parametrize(
    ("username", "title"),
    [
        ("district", Title.DISTRICT_STAFF),
        ("street", Title.STREET_STAFF),
        ("community", Title.COMMUNITY_SECRETARY),
        ("secretary", Title.BRANCH_SECRETARY),
        ("buildinghead", Title.BUILDING_HEAD),
    ],
)
def test_staff_see_exactly_the_people_of_their_area(demo, username, title):
    """District, street, community, compound and building staff see everyone below their post's
    area (and themselves), nobody else."""
    position = Position.objects.get(person__user__username=username, title=title)
    expected = set(Person.objects.filter(subtree(position.area)).values_list("pk", flat=True))
    expected.add(Person.objects.get(user__username=username).pk)
    assert visible_ids(username) == expected


def test_secretary_sees_their_compound_neighbours(demo):
    """The branch secretary's list includes the resident and member of the same compound."""
    ids = visible_ids("secretary")
    for username in ("resident", "member", "buildinghead"):
        assert Person.objects.get(user__username=username).pk in ids


def test_street_staff_cannot_open_another_street(demo):
    """A street worker gets NotFound for another street, but can open their own."""
    actor = user("street")
    own = Position.objects.get(person__user=actor, title=Title.STREET_STAFF).area
    assert area_get(actor=actor, area_id=own.pk) == own
    other = Area.objects.filter(kind=AreaKind.STREET).exclude(pk=own.pk).first()
    with pytest.raises(NotFound):
        area_get(actor=actor, area_id=other.pk)


def test_property_manager_sees_the_compounds_their_company_serves(demo):
    """The property manager's people list is the residents of the compounds their company
    serves, and those are exactly the compounds of their posts."""
    actor = user("property")
    posts = Position.objects.filter(person__user=actor, title=Title.PROPERTY_MANAGER)
    company = posts.first().organisation
    served = set(company.served_areas.values_list("pk", flat=True))
    assert set(posts.values_list("area_id", flat=True)) == served
    expected = {Person.objects.get(user=actor).pk}
    for compound in Area.objects.filter(pk__in=served):
        expected |= set(Person.objects.filter(subtree(compound)).values_list("pk", flat=True))
    assert visible_ids("property") == expected


def test_seeding_again_creates_nothing_and_leaves_passwords(demo):
    """A second seed_demo finds areas, creates nothing and reports passwords as unchanged."""
    before = (Area.objects.count(), Person.objects.count(), get_user_model().objects.count())
    accounts = seed_demo(password="another-password", stdout=io.StringIO())
    after = (Area.objects.count(), Person.objects.count(), get_user_model().objects.count())
    assert after == before
    assert [a.username for a in accounts] == list(DEMO_ACCOUNTS)
    assert {a.password for a in accounts} == {"(unchanged)"}
    assert authenticate(login_request(), username="resident", password=PASSWORD) is not None


def test_seeding_again_prints_the_password_that_still_works(demo):
    """Restarting the demo prints the demo password again when the accounts still take it, so a
    person who restarts the server can still read how to log in."""
    accounts = seed_demo(password=PASSWORD, stdout=io.StringIO())
    assert {a.password for a in accounts} == {PASSWORD}


def test_returned_accounts_describe_role_and_scope(demo):
    """The returned table has the password used, a Chinese role label and a scope."""
    assert demo["street"].password == PASSWORD
    assert demo["street"].role == "街道工作人员"
    assert demo["street"].scope.endswith("东湖街道")
    assert demo["resident"].scope.startswith("住在黄州区 › 东湖街道 › 宝塔社区")


def test_a_quarter_of_activities_with_hours(demo):
    """Past, ongoing and upcoming activities with sign-ups; past ones have confirmed hours,
    some still pending; never more confirmed than places; the demo volunteer has a record and
    a certificate, and the secretary's compound has an activity under way today."""
    from django.db.models import Sum

    from haolinju.activities import selectors
    from haolinju.activities.models import (
        Activity,
        ActivityStatus,
        Certificate,
        Need,
        RecordStatus,
        ServiceRecord,
        Signup,
        SignupStatus,
    )

    assert Activity.objects.count() > 100
    statuses = set(Activity.objects.values_list("status", flat=True))
    assert {
        ActivityStatus.ARCHIVED,
        ActivityStatus.FINISHED,
        ActivityStatus.PUBLISHED,
        ActivityStatus.ONGOING,
    } <= statuses
    for a in Activity.objects.all():
        confirmed = a.signups.filter(status=SignupStatus.CONFIRMED).count()
        assert confirmed == a.confirmed_count <= a.places
    assert Signup.objects.filter(status=SignupStatus.WAITLISTED).exists()
    confirmed = ServiceRecord.objects.filter(status=RecordStatus.CONFIRMED)
    assert confirmed.aggregate(m=Sum("minutes"))["m"] > 60 * 1000
    assert ServiceRecord.objects.filter(status=RecordStatus.PENDING).exists()
    volunteer = Person.objects.get(user__username="volunteer")
    assert selectors.totals(volunteer.pk)["minutes"] > 0
    assert Certificate.objects.filter(person=volunteer).exists()
    assert Activity.objects.filter(
        status=ActivityStatus.ONGOING, organiser__username="secretary"
    ).exists()
    assert Need.objects.exists()
    from django.contrib.auth import get_user_model

    from haolinju.activities.models import CorrectionRequest

    secretary = get_user_model().objects.get(username="secretary")
    assert selectors.correction_requests(actor=secretary).count() >= 1  # the review desk
    assert CorrectionRequest.objects.filter(status="rejected").exists()


def test_mediation_and_micro_reviews_have_something_to_show(demo):
    """Resolved mediation cases carry a held session, a signed agreement with every party's
    signature and a visit; the member mediates a running case; rectified reports of the
    resident's compound carry neighbours' micro-reviews and one awaits the resident's."""
    from haolinju.cases.models import Case, MediationAgreement, MicroReview, Status
    from haolinju.cases.selectors import reviewable_reports

    resolved = Case.objects.filter(kind="mediation", resolved_at__isnull=False)
    assert resolved.exists()
    for case in resolved:
        agreement = MediationAgreement.objects.get(case=case)
        assert agreement.status == "signed"
        assert sorted(agreement.signatures.values_list("party", flat=True)) == sorted(
            agreement.parties
        )
        assert case.sessions.filter(status="held").exists() and case.follow_ups.exists()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert Case.objects.filter(
        kind="mediation", assignee_person__user__username="member", status=Status.IN_PROGRESS
    ).exists()
    assert MicroReview.objects.count() > 20
    resident = users.get(username="resident")
    assert any(
        not MicroReview.objects.filter(case=c, person__user=resident).exists()
        for c in reviewable_reports(actor=resident)
    )
