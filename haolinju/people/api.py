"""People endpoints: scoped list, masked detail, registration, logged reveal, and /me.

Every read goes through ``people.selectors`` (jurisdiction first: outside it is a 404, exactly
like a record that does not exist); every write through ``people.services``.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from ninja import Path, Query, Router, Status

from haolinju.core.pagination import paginate
from haolinju.core.scope import jurisdiction_of
from haolinju.org.selectors import area_get, area_roots

from . import selectors, services
from .models import Occupancy, Person, Position
from .schemas import (
    Id,
    MeOut,
    PeopleFilters,
    PersonDetailOut,
    PersonIn,
    PersonPage,
    RevealIn,
    RevealOut,
)

router = Router(tags=["people"])

# The columns ``PersonOut`` reads (not the encrypted fields): a page builds 50 rows of them.
PERSON_OUT_COLUMNS = (
    "id",
    "name",
    "sex",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "area_path",
    "area__id",
    "area__kind",
    "area__name",
)


def _no_store(response: HttpResponse) -> None:
    """Personal data (even masked) must not sit in shared or browser caches."""
    response["Cache-Control"] = "private, no-store"


def _with_relations(person: Person) -> Person:
    """Load what the detail shows in two queries (the person is already authorised)."""
    prefetch_related_objects(
        [person],
        Prefetch("occupancies", queryset=Occupancy.objects.select_related("unit").order_by("id")),
        Prefetch(
            "positions",
            queryset=Position.objects.select_related("area").order_by("-started_on", "id"),
        ),
    )
    return person


@router.get("/me", response=MeOut, summary="The caller, their person record and jurisdiction")
def me(request, response: HttpResponse):
    user = request.user
    scope = jurisdiction_of(user)
    person = None
    if scope.person_id is not None:
        person = selectors.person_get(actor=user, person_id=scope.person_id)
    _no_store(response)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "is_superuser": user.is_superuser,
        "person": person,
        "titles": list(scope.titles),
        "roots": area_roots(actor=user),
    }


@router.get("/people", response=PersonPage, summary="People in the caller's jurisdiction")
def people_list(request, response: HttpResponse, filters: Query[PeopleFilters]):
    qs = selectors.person_list(
        actor=request.user, area_id=filters.area, q=filters.q, ledger=filters.ledger
    ).only(*PERSON_OUT_COLUMNS)
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    _no_store(response)
    return {"items": selectors.minimum_necessary(request.user, page.items), "count": page.count}


@router.get("/people/{person_id}", response=PersonDetailOut, summary="One person, masked")
def people_detail(request, response: HttpResponse, person_id: Path[Id]):
    person = _with_relations(selectors.person_get(actor=request.user, person_id=person_id))
    person.shown_positions = selectors.visible_positions(
        actor=request.user, person=person, positions=person.positions.all()
    )
    _no_store(response)
    return person


@router.post("/people", response={201: PersonDetailOut}, summary="Register a person")
def people_create(request, response: HttpResponse, data: PersonIn):
    area = area_get(actor=request.user, area_id=data.area_id)
    person = services.person_register(
        actor=request.user,
        area=area,
        name=data.name,
        id_number=data.id_number,
        phone=data.phone,
        role=data.role,
    )
    _no_store(response)
    return Status(
        201, _with_relations(selectors.person_get(actor=request.user, person_id=person.pk))
    )


@router.post(
    "/people/{person_id}/reveal", response=RevealOut, summary="Unmask one field, with a reason"
)
def people_reveal(request, response: HttpResponse, person_id: Path[Id], data: RevealIn):
    """Return one full ID number or phone. The read is logged with the reason given."""
    value = services.personal_data_reveal(
        actor=request.user, person_id=person_id, field=data.field, reason=data.reason
    )
    _no_store(response)
    return {"field": data.field, "value": value}
