"""People endpoints: scoped list, masked detail, registration, logged reveal, and /me."""

from __future__ import annotations

from ninja import Query, Router, Schema

from haolinju.core.errors import NotFound
from haolinju.core.pagination import DEFAULT_LIMIT, paginate
from haolinju.core.scope import jurisdiction_of
from haolinju.org.selectors import area_get, area_roots

from . import selectors, services
from .schemas import MeOut, PersonDetailOut, PersonIn, PersonPage, RevealIn, RevealOut

router = Router(tags=["people"])


class PeopleFilters(Schema):
    area: int | None = None
    q: str = ""
    ledger: str | None = None
    offset: int = 0
    limit: int = DEFAULT_LIMIT


@router.get("/me", response=MeOut, summary="The caller, their person record and jurisdiction")
def me(request):
    user = request.user
    scope = jurisdiction_of(user)
    person = None
    if scope.person_id is not None:
        person = selectors.person_get(actor=user, person_id=scope.person_id)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "is_superuser": user.is_superuser,
        "person": person,
        "titles": list(scope.titles),
        "roots": [{"id": a.pk, "kind": a.kind, "name": a.name} for a in area_roots(actor=user)],
    }


@router.get("/people", response=PersonPage, summary="People in the caller's jurisdiction")
def people_list(request, filters: Query[PeopleFilters]):
    from .models import Ledger

    if filters.ledger and filters.ledger not in Ledger.values:
        from haolinju.core.errors import InvalidInput

        raise InvalidInput.on("ledger", "、".join(Ledger.values))
    qs = selectors.person_list(
        actor=request.user, area_id=filters.area, q=filters.q, ledger=filters.ledger
    )
    page = paginate(qs, offset=filters.offset, limit=filters.limit)
    return {"items": page.items, "count": page.count}


@router.get("/people/{person_id}", response=PersonDetailOut, summary="One person, masked")
def people_detail(request, person_id: int):
    person = selectors.person_get(actor=request.user, person_id=person_id)
    return _detail(person)


@router.post("/people", response={201: PersonDetailOut}, summary="Register a person")
def people_create(request, data: PersonIn):
    area = area_get(actor=request.user, area_id=data.area_id)
    person = services.person_create(
        actor=request.user,
        area=area,
        name=data.name,
        id_number=data.id_number,
        phone=data.phone,
        role=data.role,
    )
    return 201, _detail(selectors.person_get(actor=request.user, person_id=person.pk))


@router.post(
    "/people/{person_id}/reveal", response=RevealOut, summary="Unmask one field, with a reason"
)
def people_reveal(request, person_id: int, data: RevealIn):
    value = services.personal_data_reveal(
        actor=request.user, person_id=person_id, field=data.field, reason=data.reason
    )
    return {"field": data.field, "value": value}


def _detail(person) -> dict:
    member = getattr(person, "member", None) if hasattr(person, "member") else None
    volunteer = getattr(person, "volunteer", None) if hasattr(person, "volunteer") else None
    if person is None:
        raise NotFound()
    return {
        "id": person.pk,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "id_number_masked": person.id_number_masked,
        "phone_masked": person.phone_masked,
        "area_id": person.area_id,
        "area": person.area,
        "occupancies": list(person.occupancies.select_related("unit")),
        "member": member,
        "volunteer": volunteer,
        "positions": list(selectors.person_positions(person)),
    }
