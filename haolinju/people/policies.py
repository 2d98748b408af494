"""Pure predicates about people records."""

from __future__ import annotations

from haolinju.core.scope import jurisdiction_of
from haolinju.org.models import Area


def can_manage_people_at(actor, area: Area) -> bool:
    """Registering or changing people needs a people-scope position over the area."""
    return jurisdiction_of(actor).reads_people_at(area.path)


def can_reveal_personal_data(actor, person) -> bool:
    """Only staff with people scope over the person's area may unmask — never for themselves
    through this path (they see their own record in their profile)."""
    return jurisdiction_of(actor).reads_people_at(person.area_path)
