"""Area tree endpoints: a node with its counts and ancestors, and its children (paginated).

An area outside the caller's jurisdiction is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from ninja import Path, Query, Router

from haolinju.core.pagination import paginate
from haolinju.org import selectors as org_selectors
from haolinju.people.schemas import Id, PageParams

from . import selectors
from .schemas import AreaNodeOut, AreaPage

router = Router(tags=["areas"])


@router.get("/areas/{area_id}", response=AreaNodeOut, summary="An area with its counts")
def area_detail(request, area_id: Path[Id]):
    return selectors.area_node(actor=request.user, area_id=area_id)


@router.get("/areas/{area_id}/children", response=AreaPage, summary="Children of an area")
def area_children(
    request, area_id: Path[Id], page: Query[PageParams], include_retired: bool = False
):
    """Current children; ``include_retired`` adds the retired ones (kept for history)."""
    qs = org_selectors.area_children(
        actor=request.user, area_id=area_id, include_retired=include_retired
    )
    result = paginate(qs, offset=page.offset, limit=page.limit)
    return {"items": result.items, "count": result.count}
