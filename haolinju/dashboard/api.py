"""Area tree endpoints: a node with its counts, and its children (paginated)."""

from __future__ import annotations

from ninja import Query, Router, Schema

from haolinju.core.pagination import DEFAULT_LIMIT, paginate
from haolinju.org import selectors as org_selectors

from . import selectors
from .schemas import AreaNodeOut, AreaPage

router = Router(tags=["areas"])


class PageParams(Schema):
    offset: int = 0
    limit: int = DEFAULT_LIMIT


@router.get("/areas/{area_id}", response=AreaNodeOut, summary="An area with its counts")
def area_detail(request, area_id: int):
    return selectors.area_node(actor=request.user, area_id=area_id)


@router.get("/areas/{area_id}/children", response=AreaPage, summary="Children of an area")
def area_children(request, area_id: int, page: Query[PageParams]):
    qs = org_selectors.area_children(actor=request.user, area_id=area_id)
    result = paginate(qs, offset=page.offset, limit=page.limit)
    return {"items": result.items, "count": result.count}
