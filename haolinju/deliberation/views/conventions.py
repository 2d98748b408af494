"""The compound convention (居民公约): the list (adopted texts first), a convention page with the
published text, its drafts, a diff between two drafts (htmx), comments, a new draft and putting
a draft to an owners' vote for staff. Thin: parse → one service or selector → template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haolinju.core.errors import ApplicationError, NotFound
from haolinju.core.timeline import timeline_for
from haolinju.core.web import application_errors
from haolinju.org.selectors import area_get

from .. import policies, selectors
from ..services import conventions as services


@login_required
@application_errors
@require_http_methods(["GET", "POST"])
def convention_list(request):
    actor = request.user
    areas = selectors.task_areas(actor=actor)
    if request.method == "POST":
        area_id = request.POST.get("area_id", "")
        try:
            area = area_get(actor=actor, area_id=int(area_id) if area_id.isdigit() else 0)
            c = services.convention_create(
                actor=actor,
                area=area,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.detail)
        else:
            return redirect("deliberation:convention", c.pk)
    return render(
        request,
        "deliberation/conventions.html",
        {"conventions": list(selectors.convention_list(actor=actor)[:50]), "areas": areas},
    )


def _numbers(request, versions) -> tuple[int, int]:
    numbers = [v.number for v in versions]
    last = numbers[-1] if numbers else 1
    a = request.GET.get("a", "")
    b = request.GET.get("b", "")
    a = int(a) if a.isdigit() else max(1, last - 1)
    b = int(b) if b.isdigit() else last
    return a, b


@login_required
@application_errors
@require_http_methods(["GET", "POST"])
def convention_detail(request, convention_id: int):
    actor = request.user
    convention = selectors.convention_get(actor=actor, convention_id=convention_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "comment":
                services.comment(
                    actor=actor, convention=convention, text=request.POST.get("text", "")
                )
            elif action == "version":
                services.version_add(
                    actor=actor,
                    convention=convention,
                    text=request.POST.get("text", ""),
                    note=request.POST.get("note", ""),
                )
            elif action == "put_to_vote":
                vote_id = request.POST.get("vote_id", "")
                number = request.POST.get("version", "")
                vote = selectors.vote_get(
                    actor=actor, vote_id=int(vote_id) if vote_id.isdigit() else 0
                )
                services.put_to_vote(
                    actor=actor,
                    convention=convention,
                    vote=vote,
                    number=int(number) if number.isdigit() else 0,
                )
            else:
                messages.error(request, _("未知操作"))
        except ApplicationError as exc:
            if isinstance(exc, NotFound) and action != "put_to_vote":
                raise
            messages.error(request, exc.detail)
        return redirect("deliberation:convention", convention_id)
    versions = list(convention.versions.all())
    a, b = _numbers(request, versions)
    try:
        lines = services.diff(convention, a, b) if len(versions) > 1 else []
    except ApplicationError:
        lines = []
    context = {
        "convention": convention,
        "versions": versions,
        "latest": versions[-1] if versions else None,
        "a": a,
        "b": b,
        "diff": _diff_rows(lines),
        "comments": list(timeline_for(convention).filter(action="convention.comment")),
        "actions": services.CONVENTIONS.actions_for(convention, actor),
        "votes": selectors.convention_votes(actor=actor, convention=convention)
        if policies.governs(actor, convention.area_path)
        else [],
    }
    if request.htmx and request.GET.get("part") == "diff":
        return render(request, "deliberation/_diff.html", context)
    return render(request, "deliberation/convention.html", context)


def _diff_rows(lines: list[str]) -> list[tuple[str, str]]:
    """(kind, text) per line of a unified diff: added, removed, context; headers dropped."""
    rows = []
    for line in lines:
        if line.startswith(("---", "+++", "@@")):
            continue
        kind = {"+": "added", "-": "removed"}.get(line[:1], "same")
        rows.append((kind, line[1:] if line[:1] in "+- " else line))
    return rows
