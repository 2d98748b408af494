from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haolinju.core.errors import NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.core.web import application_errors
from haolinju.org.models import AreaKind
from haolinju.org.selectors import area_get, compound_of

from .. import codes, hours, ical, pdf, presenters, selectors
from ..models import Certificate, NeedKind
from ..services import attendance, certificates
from ..services import feeds as feed_services
from ..services import needs as need_services
from .common import run

PAGE = 50  # records per page; the API pages through all of them too


def _person_id(request, person_id: int | None) -> int:
    scope = jurisdiction_of(request.user)
    pid = person_id or scope.person_id
    if pid is None:
        raise Http404()
    return pid


def _offset(request) -> int:
    try:
        return max(0, min(int(request.GET.get("offset") or 0), 10**6))
    except ValueError:
        return 0


@login_required
@application_errors
def record(request, person_id: int | None = None):
    """A volunteer's record: totals per year and category, star level, their records a page
    at a time (rows prepared by ``presenters.record_rows``: the template only prints)."""
    pid = _person_id(request, person_id)
    scope = jurisdiction_of(request.user)
    if request.method == "POST" and scope.person_id == pid:
        run(
            request,
            lambda: attendance.correction_request(
                actor=request.user,
                record_id=int(request.POST.get("record_id") or 0),
                minutes=int(request.POST.get("minutes") or 0),
                reason=request.POST.get("reason", ""),
            ),
            _("已提交更正申请，等待组织者答复"),
        )
        return redirect(request.path)
    person = selectors.volunteer_get(actor=request.user, person_id=pid)
    offset = _offset(request)
    records = selectors.record_page(person, offset=offset, limit=PAGE + 1)
    more = len(records) > PAGE
    records = records[:PAGE]
    totals = selectors.totals(pid)
    names = selectors.category_names()
    is_self = scope.person_id == pid
    context = {
        "person": person,
        "rows": presenters.record_rows(records),
        "offset": offset,
        "next_offset": offset + PAGE if more else None,
        "prev_offset": max(0, offset - PAGE) if offset else None,
        "correctable": presenters.correctable(records) if is_self else [],
        "total": hours.hours(totals["minutes"]),
        "stars": hours.star_level(totals["minutes"]),
        "star_text": "★" * hours.star_level(totals["minutes"]),
        "next_star": hours.next_star_hours(totals["minutes"]),
        "per_year": sorted(
            ((y, hours.hours(m)) for y, m in totals["per_year"].items()), reverse=True
        ),
        "per_category": [
            (names.get(c, c), hours.hours(m)) for c, m in sorted(totals["per_category"].items())
        ],
        "no_shows": selectors.person_no_show_count(pid),
        "is_self": is_self,
        "can_certify": scope.reads_people_at(person.area_path) and not is_self,
        "certificates": selectors.certificates_of(actor=request.user, person_id=pid),
    }
    return render(request, "activities/record.html", context)


@login_required
@require_POST
@application_errors
def certificate_issue(request, person_id: int):
    cert = run(
        request,
        lambda: certificates.certificate_issue(
            actor=request.user,
            person_id=person_id,
            issuer_name=request.POST.get("issuer_name", ""),
            issuer_in_charge=request.POST.get("issuer_in_charge", ""),
            issuer_contact=request.POST.get("issuer_contact", ""),
        ),
    )
    if cert is None:
        return redirect("activities:record_of", person_id)
    return redirect("activities:certificate", cert.number)


def _certificate_for(request, number: str) -> Certificate:
    return selectors.certificate_get(actor=request.user, number=number[:32])


def _verify_url(request, cert) -> str:
    return request.build_absolute_uri(reverse("activities:verify", args=[cert.number]))


@login_required
@application_errors
def certificate_page(request, number: str):
    cert = _certificate_for(request, number)
    url = _verify_url(request, cert)
    return render(
        request,
        "activities/certificate.html",
        {
            "cert": cert,
            "rows": pdf.certificate_rows(cert),
            "qr": presenters.qr_svg(url, scale=4),
            "verify_url": url,
            "hours": hours.hours(cert.minutes),
        },
    )


@login_required
@application_errors
def certificate_pdf(request, number: str):
    cert = _certificate_for(request, number)
    response = HttpResponse(
        pdf.certificate_pdf(cert, _verify_url(request, cert)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def certificate_verify(request, number: str):
    """Public (no login): genuine, revoked or unknown; masked fields only."""
    cert = selectors.certificate_by_number(number[:32])
    status = 404 if cert is None else 200
    return render(
        request,
        "activities/verify.html",
        {"number": number[:32], "v": presenters.verification(cert) if cert else None},
        status=status,
    )


@login_required
@never_cache
@application_errors
def my_code(request):
    scope = jurisdiction_of(request.user)
    if scope.person_id is None:
        raise NotPermitted(_("账号未关联人员信息"))
    return render(request, "activities/my_code.html", {"code": _personal(scope.person_id)})


def _personal(person_id: int) -> dict:
    code = codes.make(codes.PERSON, person_id)
    return {"code": code, "svg": presenters.qr_svg(code), "expires_in": codes.LIFETIME_SECONDS}


@login_required
@never_cache
@application_errors
def my_code_svg(request):
    scope = jurisdiction_of(request.user)
    if scope.person_id is None:
        raise NotPermitted()
    return render(request, "activities/_my_code.html", {"code": _personal(scope.person_id)})


@login_required
@application_errors
def feeds(request):
    """Calendar feeds: one's own sign-ups, and one's compound's activities."""
    scope = jurisdiction_of(request.user)
    new_url = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            feed_services.feed_revoke(actor=request.user, feed_id=int(request.POST["revoke"]))
            messages.success(request, _("已停用该订阅地址"))
            return redirect("activities:feeds")
        area = None
        if request.POST.get("compound"):
            area = area_get(actor=request.user, area_id=int(request.POST["compound"]))
        _feed, token = feed_services.feed_create(actor=request.user, area=area)
        new_url = request.build_absolute_uri(reverse("activities:feed_ics", args=[token]))
    home = compound_of(scope.home_path) if scope.home_path else None
    mine = selectors.my_feeds(actor=request.user)
    return render(
        request, "activities/feeds.html", {"feeds": mine, "home": home, "new_url": new_url}
    )


def feed_ics(request, token: str):
    """Public by token (calendar apps cannot log in); an unknown or revoked token is a 404."""
    feed = feed_services.feed_by_token(token)
    if feed is None:
        raise Http404()
    name = feed.area.name if feed.area_id else _("我的志愿活动")
    body = ical.render(feed, host=request.get_host().split(":")[0], name=str(name))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@application_errors
def needs(request):
    """The needs board: a compound's 微心愿 and 报到 tasks."""
    scope = jurisdiction_of(request.user)
    if request.method == "POST":
        if request.POST.get("need"):
            org = None
            if request.POST.get("organisation"):
                org = (
                    selectors.partner_units(actor=request.user)
                    .filter(pk=int(request.POST["organisation"]))
                    .first()
                )
            run(
                request,
                lambda: need_services.need_move(
                    actor=request.user,
                    need_id=int(request.POST["need"]),
                    action=request.POST.get("action", ""),
                    organisation=org,
                ),
                _("已更新"),
            )
        else:
            run(
                request,
                lambda: need_services.need_post(
                    actor=request.user,
                    area=area_get(actor=request.user, area_id=int(request.POST.get("area") or 0)),
                    kind=request.POST.get("kind", ""),
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                ),
                _("已发布"),
            )
        return redirect("activities:needs")
    board = selectors.visible_needs(actor=request.user).select_related(
        "area", "claimed_by_person", "claimed_by_org"
    )[:100]
    compounds = (
        selectors.organised_areas(actor=request.user, kinds=[AreaKind.COMPOUND], limit=100)
        if scope.staff_paths
        else []
    )
    units = selectors.partner_units(actor=request.user)
    rows = [(n, need_services.MACHINE.actions_for(n, request.user)) for n in board]
    return render(
        request,
        "activities/needs.html",
        {"rows": rows, "compounds": compounds, "kinds": NeedKind.choices, "units": units},
    )
