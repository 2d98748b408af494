"""Area management pages for staff: one page per area with forms to rename, add a child, set a
unit's area and floor, move a compound and retire. Every write goes through ``services``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from haolinju.core.errors import ApplicationError, NotFound

from . import policies, selectors, services
from .models import CHILD_KINDS, AreaBasis, AreaKind

MOVE_PARENT_KINDS = {AreaKind.COMPOUND: AreaKind.COMMUNITY, AreaKind.COMMUNITY: AreaKind.STREET}


def _area(request, area_id: int):
    try:
        area = selectors.area_get(actor=request.user, area_id=area_id)
    except NotFound:
        raise Http404() from None
    if not policies.can_edit_area(request.user, area):
        raise Http404()
    return area


def _context(request, area, **extra) -> dict:
    parent_kind = MOVE_PARENT_KINDS.get(area.kind)
    return {
        "area": area,
        "ancestors": selectors.area_ancestors(area),
        "children": list(area.children.order_by("sort_key", "name", "id")[:200]),
        "child_kinds": [(k, AreaKind(k).label) for k in CHILD_KINDS[area.kind]],
        "bases": AreaBasis.choices,
        "move_targets": (
            [
                a
                for a in selectors.governed_areas(actor=request.user, kind=parent_kind)
                if a.pk != area.parent_id
            ]
            if parent_kind
            else []
        ),
        "error": "",
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def area_manage(request, area_id: int):
    area = _area(request, area_id)
    if request.method == "GET":
        return render(request, "org/manage.html", _context(request, area))
    action, post, actor = request.POST.get("action", ""), request.POST, request.user
    try:
        if action == "rename":
            services.area_rename(actor=actor, area=area, name=post.get("name", ""))
        elif action == "add":
            attrs = {}
            if post.get("kind") == AreaKind.UNIT:
                attrs = {
                    k: post[k] for k in ("exclusive_area", "floor", "area_basis") if post.get(k)
                }
            child = services.area_create(
                actor=actor,
                parent=area,
                kind=post.get("kind", ""),
                name=post.get("name", ""),
                **attrs,
            )
            return redirect("org:manage", area_id=child.pk)
        elif action == "unit":
            services.unit_update(
                actor=actor,
                unit=area,
                exclusive_area=post.get("exclusive_area") or None,
                floor=int(post["floor"]) if post.get("floor", "").lstrip("-").isdigit() else None,
                area_basis=post.get("area_basis", ""),
            )
        elif action == "move":
            parent = selectors.area_get(actor=actor, area_id=int(post.get("parent") or 0))
            services.area_move(actor=actor, area=area, new_parent=parent)
        elif action == "retire":
            services.area_retire(actor=actor, area=area)
        else:
            raise Http404()
    except NotFound:
        raise Http404() from None
    except (ApplicationError, ValueError) as exc:
        message = exc.detail if isinstance(exc, ApplicationError) else str(exc)
        area.refresh_from_db()
        return render(
            request, "org/manage.html", _context(request, area, error=message), status=422
        )
    return redirect("org:manage", area_id=area.pk)
