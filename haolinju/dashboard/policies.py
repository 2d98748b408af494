"""Pure predicates for the dashboard's pages."""

from __future__ import annotations

from haolinju.core.scope import jurisdiction_of
from haolinju.people.models import Title


def can_edit_calendar(actor) -> bool:
    """The working-day calendar is the district's: district staff (or a superuser) edit it."""
    scope = jurisdiction_of(actor)
    return scope.is_superuser or Title.DISTRICT_STAFF in scope.titles
