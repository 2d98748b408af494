"""Pure predicates about the area tree and organisations."""

from __future__ import annotations

from haolinju.core.scope import jurisdiction_of

from .models import Area


def can_edit_area(actor, area: Area) -> bool:
    """Staff edit the structure inside the subtrees they govern."""
    return jurisdiction_of(actor).governs(area.path)
