"""Pages of the service loop: ask / report (with a photo), my requests, a case with its
timeline, actions and the rating questions, the dispatch board (filters, deadline colours,
suggestions over htmx), my orders, the whistle inbox, and photos served only to who may see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haolinju.core.calendar import due_at
from haolinju.core.errors import ApplicationError, InvalidInput, NotFound
from haolinju.core.pagination import paginate
from haolinju.core.web import application_errors, page_offset

from . import policies, selectors, services
from .models import CaseKind, CloseReason, FollowUpOutcome, ReviewVerdict, Status
from .present import case_detail, mediation_view, micro_review_view
from .suggestions import departments_for, suggestions_for
from .views_mediation import MEDIATION_ACTIONS, mediation_act

PAGE_SIZE = 20
SOON_HOURS = 4


def _due_class(case, now) -> str:
    if not case.due_at:
        return ""
    if case.due_at < now:
        return "due-late"
    if (case.due_at - now).total_seconds() < SOON_HOURS * 3600:
        return "due-soon"
    return "due-ok"


def _rows(cases, now):
    return [(case, _due_class(case, now)) for case in cases]


@never_cache
@login_required
@application_errors
@require_http_methods(["GET", "POST"])
def case_new(request):
    kind = request.GET.get("kind") or request.POST.get("kind") or CaseKind.SERVICE_ORDER
    if kind not in CaseKind.values:
        kind = CaseKind.SERVICE_ORDER
    now = timezone.now()
    categories = [(c, due_at(now, c.resolve_within)) for c in selectors.categories(kind=kind)]
    errors: dict[str, str] = {}
    if request.method == "POST":
        photo = request.FILES.get("photo")
        try:
            case = services.case_create(
                actor=request.user,
                kind=kind,
                category_code=request.POST.get("category", ""),
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                public=request.POST.get("public") == "on",
                anonymous=request.POST.get("anonymous") == "on",
                address=request.POST.get("address", ""),
                parties=[
                    line.strip()[:60]
                    for line in request.POST.get("parties", "").splitlines()
                    if line.strip()
                ][:20],
            )
            if photo is not None:
                services.attachment_add(actor=request.user, case=case, content=photo.read())
        except InvalidInput as err:
            errors = {e.field: str(e.message) for e in err.errors} or {"": str(err.detail)}
        else:
            messages.success(request, _("已提交，我们会尽快处理。"))
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/new.html",
        {"kind": kind, "categories": categories, "errors": errors, "data": request.POST},
    )


@never_cache
@login_required
@application_errors
def my_requests(request):
    page = paginate(
        selectors.requests_of(actor=request.user), offset=page_offset(request), limit=PAGE_SIZE
    )
    return render(
        request, "cases/mine.html", {"page": page, "rows": _rows(page.items, timezone.now())}
    )


@never_cache
@login_required
@application_errors
def case_page(request, case_id: int):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    detail = case_detail(case, request.user)
    who = selectors.case_actor(request.user)
    context = {
        "case": case,
        "d": detail,
        "due_class": _due_class(case, timezone.now()),
        "photos": selectors.case_photos(case),
        "dispatcher": policies.is_dispatcher(who, case),
        "close_reasons": [r for r in CloseReason.choices if r[0] != CloseReason.FIXED],
        "departments": departments_for(case) if policies.is_dispatcher(who, case) else [],
        "can_support": policies.may_support(request.user, case),
        "my_summonses": selectors.summonses_for(case, request.user),
        "mediation": mediation_view(case, request.user) if case.kind == "mediation" else None,
        "review": micro_review_view(case, request.user) if case.kind == "problem_report" else None,
        "verdicts": ReviewVerdict.choices,
        "outcomes": FollowUpOutcome.choices,
    }
    return render(request, "cases/detail.html", context)


def _back(case_id: int):
    return redirect("cases:detail", case_id)


@login_required
@application_errors
@require_POST
def case_act(request, case_id: int):
    selectors.case_get(actor=request.user, case_id=case_id)
    action = request.POST.get("action", "")
    try:
        if action == "rate":
            services.case_rate(
                actor=request.user,
                case_id=case_id,
                contacted=request.POST.get("contacted") == "yes",
                solved=request.POST.get("solved", ""),
                score=int(request.POST.get("score") or 0),
                comment=request.POST.get("comment", ""),
            )
        elif action == "whistle":
            services.case_whistle(
                actor=request.user,
                case_id=case_id,
                organisation_id=int(request.POST.get("organisation") or 0),
                note=request.POST.get("note", ""),
            )
        elif action == "support":
            services.case_support(actor=request.user, case_id=case_id)
        elif action == "rectify":
            quantity = request.POST.get("fixed_quantity", "")
            services.rectification_record(
                actor=request.user,
                case_id=case_id,
                plan=request.POST.get("plan", ""),
                result=request.POST.get("result", ""),
                fixed_quantity=int(quantity) if quantity.isdigit() else None,
            )
        elif action in MEDIATION_ACTIONS or action == "micro_review":
            mediation_act(request, case_id, action)
        elif action in ("report_in", "report_back"):
            services.summons_report(
                actor=request.user,
                summons_id=int(request.POST.get("summons") or 0),
                action=action,
                note=request.POST.get("note", ""),
            )
        else:
            person = request.POST.get("assignee_person") or ""
            org = request.POST.get("assignee_organisation") or ""
            dup = request.POST.get("duplicate_of") or ""
            services.case_transition(
                actor=request.user,
                case_id=case_id,
                action=action,
                note=request.POST.get("note", ""),
                reason=request.POST.get("reason", ""),
                assignee_person_id=int(person) if person.isdigit() else None,
                assignee_organisation_id=int(org) if org.isdigit() else None,
                duplicate_of_id=int(dup) if dup.isdigit() else None,
            )
        photo = request.FILES.get("photo")
        if photo is not None:
            case = selectors.case_get(actor=request.user, case_id=case_id)
            role = "done" if action == "resolve" else "rectification"
            services.attachment_add(actor=request.user, case=case, content=photo.read(), role=role)
    except NotFound:
        raise
    except (ApplicationError, ValueError) as err:
        messages.error(request, str(getattr(err, "detail", err)))
    else:
        messages.success(request, _("已完成。"))
    return _back(case_id)


def _board_filters(request) -> selectors.CaseFilters:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    overdue = request.GET.get("overdue", "")
    return selectors.CaseFilters(
        status=status if status in Status.values else "",
        kind=kind if kind in CaseKind.values else "",
        overdue=True if overdue == "1" else None,
        q=request.GET.get("q", "")[:64],
        open_only=not request.GET.get("status") and not request.GET.get("q"),
    )


@never_cache
@login_required
@application_errors
def board(request):
    """The dispatch board (and staff search): cases owned or visible in the actor's scope."""
    filters = _board_filters(request)
    qs = selectors.case_list(actor=request.user, filters=filters).order_by("due_at", "-created_at")
    page = paginate(qs, offset=page_offset(request), limit=PAGE_SIZE)
    context = {
        "page": page,
        "rows": _rows(page.items, timezone.now()),
        "filters": filters,
        "statuses": Status.choices,
        "kinds": CaseKind.choices,
    }
    template = "cases/_board_rows.html" if request.htmx else "cases/board.html"
    return render(request, template, context)


@never_cache
@login_required
@application_errors
def suggestions(request, case_id: int):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    if not policies.is_dispatcher(selectors.case_actor(request.user), case):
        raise NotFound()
    return render(
        request, "cases/_suggestions.html", {"case": case, "candidates": suggestions_for(case)}
    )


@never_cache
@login_required
@application_errors
def my_orders(request):
    qs = selectors.case_list(
        actor=request.user, filters=selectors.CaseFilters(assigned_to_me=True)
    ).order_by("status", "due_at")
    page = paginate(qs, offset=page_offset(request), limit=PAGE_SIZE)
    return render(
        request, "cases/orders.html", {"page": page, "rows": _rows(page.items, timezone.now())}
    )


@never_cache
@login_required
@application_errors
def whistles(request):
    page = paginate(
        selectors.whistle_inbox(actor=request.user), offset=page_offset(request), limit=PAGE_SIZE
    )
    return render(request, "cases/whistles.html", {"page": page, "now": timezone.now()})


@never_cache
@login_required
@application_errors
def attachment(request, attachment_id: int):
    """A photo, only to someone who may see its case (404 otherwise, as if it did not exist)."""
    photo = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    response = HttpResponse(bytes(photo.content), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
