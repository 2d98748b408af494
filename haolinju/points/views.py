"""Points pages: the member's balance, history and shop; the secretary's monthly review; the
community's month lock; the station's shop desk; the public annual notice."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haolinju.core.errors import ApplicationError, NotFound
from haolinju.core.scope import jurisdiction_of
from haolinju.core.web import application_errors
from haolinju.core.xlsx import write_table, xlsx_response
from haolinju.org.models import AreaKind

from . import policies, selectors
from .models import EntryStatus, Masking
from .services import entries, notice, shop


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _run(request, action, success: str) -> bool:
    try:
        action()
    except NotFound:
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.detail))
        return False
    messages.success(request, success)
    return True


@login_required
@never_cache
def home(request):
    scope = jurisdiction_of(request.user)
    today = timezone.localdate()
    context = {"year": today.year, "today": today}
    if scope.person_id is not None:
        context["balance"] = selectors.balance_of(person_id=scope.person_id, year=today.year)
        context["entries"] = selectors.entries_of(person_id=scope.person_id)[:50]
    if scope.people_paths or scope.is_superuser:
        user = request.user
        context["compounds"] = selectors.governed_areas(actor=user, kind=AreaKind.COMPOUND)
        context["communities"] = selectors.governed_areas(actor=user, kind=AreaKind.COMMUNITY)
        context["rule_areas"] = (
            selectors.governed_areas(actor=user, kind=AreaKind.DISTRICT, limit=5)
            + context["communities"]
        )
        context["stations"] = selectors.governed_stations(actor=user)
    context["home_compound"] = selectors.home_compound(actor=request.user)
    context["last_year"] = today.year - 1
    return render(request, "points/home.html", context)


@login_required
@never_cache
@application_errors
def shop_page(request):
    scope = jurisdiction_of(request.user)
    items = selectors.shop_items(actor=request.user).filter(active=True)
    mine = selectors.redemptions_of(person_id=scope.person_id)
    balance = (
        selectors.balance_of(person_id=scope.person_id, year=timezone.localdate().year)
        if scope.person_id
        else None
    )
    return render(request, "points/shop.html", {"items": items, "mine": mine, "balance": balance})


@login_required
@require_POST
@application_errors
def reserve(request):
    try:
        item_id, quantity = (
            int(request.POST.get("item_id", "")),
            int(request.POST.get("quantity", 1)),
        )
    except ValueError:
        raise NotFound() from None
    _run(
        request,
        lambda: shop.redemption_reserve(actor=request.user, item_id=item_id, quantity=quantity),
        _("已预留，请到工作站领取"),
    )
    return redirect("points:shop")


@login_required
@require_POST
@application_errors
def resolve(request, redemption_id: int, action: str):
    if action not in ("hand_over", "cancel"):
        raise NotFound()
    _run(
        request,
        lambda: shop.redemption_resolve(
            actor=request.user, redemption_id=redemption_id, action=action
        ),
        _("已确认发放") if action == "hand_over" else _("已取消，积分和库存已退回"),
    )
    return _back(request, "points:shop")


def _month(request) -> tuple[int, int]:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(x) for x in raw.split("-"))
        dt.date(year, month, 1)
        return year, month
    except ValueError:
        today = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        return today.year, today.month


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def review(request, compound_id: int):
    compound = selectors.governed_area(
        actor=request.user, area_id=compound_id, kinds=[AreaKind.COMPOUND]
    )
    if not policies.can_review(request.user, compound):
        raise NotFound()
    year, month = _month(request)
    qs = selectors.entries_for_review(actor=request.user, compound=compound, year=year, month=month)
    if request.method == "POST":
        approve = request.POST.get("action") in ("approve", "approve_all")
        if request.POST.get("action") == "approve_all":
            ids = list(qs.filter(status=EntryStatus.PENDING).values_list("pk", flat=True))
        elif request.POST.get("action") == "second":
            ids = []
            for pk in request.POST.getlist("entry"):
                _run(
                    request,
                    lambda pk=pk: entries.award_second(actor=request.user, entry_id=int(pk)),
                    _("已复核"),
                )
        else:
            ids = [int(x) for x in request.POST.getlist("entry") if x.isdigit()]
        if ids:
            _run(
                request,
                lambda: entries.review(
                    actor=request.user,
                    compound_id=compound.pk,
                    entry_ids=ids,
                    approve=approve,
                    note=request.POST.get("note", ""),
                ),
                (_("已通过 %(n)d 条") if approve else _("已驳回 %(n)d 条")) % {"n": len(ids)},
            )
        return redirect(f"{request.path}?month={year}-{month:02d}")
    rows = list(qs[:500])
    counts = selectors.review_counts(qs)
    locked = selectors.month_locked(compound.parent_id, year, month)
    return render(
        request,
        "points/review.html",
        {
            "compound": compound,
            "rows": rows,
            "counts": counts,
            "year": year,
            "month": month,
            "locked": locked,
            "month_value": f"{year}-{month:02d}",
        },
    )


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def lock(request, community_id: int):
    community = selectors.governed_area(
        actor=request.user, area_id=community_id, kinds=[AreaKind.COMMUNITY]
    )
    if not policies.can_lock(request.user, community):
        raise NotFound()
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    if request.method == "POST":
        try:
            month = int(request.POST.get("month", ""))
        except ValueError:
            month = 0
        _run(
            request,
            lambda: entries.month_lock(
                actor=request.user, community_id=community.pk, year=year, month=month
            ),
            _("%(y)d年%(m)d月已锁定") % {"y": year, "m": month},
        )
        return redirect(f"{request.path}?year={year}")
    locks = selectors.month_locks(community=community, year=year)
    open_counts = selectors.open_counts_by_month(community=community, year=year)
    months = [
        {
            "month": m,
            "lock": locks.get(m),
            "open": open_counts.get(m, 0),
            "ended": dt.date(year + m // 12, m % 12 + 1, 1) <= today,
        }
        for m in range(1, 13)
    ]
    return render(
        request, "points/lock.html", {"community": community, "year": year, "months": months}
    )


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def desk(request, station_id: int):
    station = selectors.governed_station(actor=request.user, station_id=station_id)
    if not policies.can_run_shop(request.user, station):
        raise NotFound()
    if request.method == "POST":
        try:
            item_id, quantity = (
                int(request.POST.get("item_id", "")),
                int(request.POST.get("quantity", "")),
            )
        except ValueError:
            messages.error(request, _("数量须为正整数"))
            return redirect(request.path)
        _run(
            request,
            lambda: shop.item_receive(actor=request.user, item_id=item_id, quantity=quantity),
            _("已入库"),
        )
        return redirect(request.path)
    report = selectors.stock_reports(selectors.station_items(station=station))
    return render(
        request,
        "points/desk.html",
        {
            "station": station,
            "report": report,
            "open": selectors.open_redemptions(station=station),
            "can_manage": policies.can_manage_stations(request.user, station.area),
        },
    )


@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def notice_page(request, compound_id: int, year: int):
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    n = selectors.notice_get(actor=request.user, compound_id=compound_id, year=year)
    if request.method == "POST":
        if request.POST.get("answer_for"):
            _run(
                request,
                lambda: notice.objection_answer(
                    actor=request.user,
                    objection_id=int(request.POST["answer_for"]),
                    answer=request.POST.get("text", ""),
                ),
                _("答复已记录"),
            )
        else:
            _run(
                request,
                lambda: notice.objection_raise(
                    actor=request.user, notice=n, text=request.POST.get("text", "")
                ),
                _("异议已提交，将由小区党支部答复"),
            )
        return redirect(request.path)
    objections = selectors.objections_of(n)
    return render(
        request,
        "points/notice.html",
        {
            "notice": n,
            "objections": objections,
            "open": timezone.now() <= n.objection_until,
            "can_answer": policies.can_publish(request.user, n.compound),
            "verify": f"haolinju points verify --compound {n.compound_id} --year {n.year}",
        },
    )


@login_required
@application_errors
def notice_xlsx(request, compound_id: int, year: int):
    n = selectors.notice_get(actor=request.user, compound_id=compound_id, year=year)
    rows = [[r["rank"], r["name"], r["score"], r["exchange"]] for r in n.ranking]
    rows.append([])
    rows.append([_("摘要"), n.digest, "", ""])
    content = write_table(
        [_("名次"), _("姓名"), _("考核积分"), _("兑换积分")], rows, title=f"{year}"
    )
    return xlsx_response(content, f"points-notice-{n.compound_id}-{year}.xlsx")


@login_required
@require_POST
@application_errors
def publish(request):
    try:
        compound_id, year = (
            int(request.POST.get("compound_id", "")),
            int(request.POST.get("year", "")),
        )
    except ValueError:
        raise NotFound() from None
    masking = request.POST.get("masking") or Masking.FIRST_LAST
    if _run(
        request,
        lambda: notice.notice_publish(
            actor=request.user, compound_id=compound_id, year=year, masking=masking
        ),
        _("年度公示已发布"),
    ):
        return redirect("points:notice", compound_id=compound_id, year=year)
    return redirect("points:home")
