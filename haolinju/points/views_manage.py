"""Points management pages for community and district staff: goods stations, the goods on
their shelves (with an opening stock) and the earning rules. Thin: scoped selectors read,
services write (and audit), forms carry the field errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.web import application_errors
from haolinju.org.models import AreaKind

from . import forms, policies, selectors
from .services import rules, shop

RULE_KINDS = [AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.COMPOUND]


def _field_errors(form, exc: InvalidInput) -> None:
    """A service's field errors onto the form (its names, or the form's own for ``*_id``)."""
    errors = exc.errors or []
    if not errors:
        form.add_error(None, str(exc.detail))
    for error in errors:
        name = error.field.removesuffix("_id")
        form.add_error(name if name in form.fields else None, error.message)


def _form_page(request, form, *, title: str, subtitle: str = "", submit: str, extra=None):
    context = {"form": form, "title": title, "subtitle": subtitle, "submit": submit}
    context.update(extra or {})
    return render(request, "points/form.html", context)


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def station_new(request):
    compounds = [
        c
        for c in selectors.governed_areas(actor=request.user, kind=AreaKind.COMPOUND, limit=300)
        if policies.can_manage_stations(request.user, c)
    ]
    if not compounds:
        raise NotFound()
    form = forms.StationForm(request.POST or None, compounds=compounds)
    if request.method == "POST" and form.is_valid():
        try:
            station = shop.station_create(
                actor=request.user,
                compound_id=form.cleaned_data["compound"],
                name=form.cleaned_data["name"],
            )
        except InvalidInput as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("工作站已开设"))
            return redirect("points:station", station.pk)
    return _form_page(
        request,
        form,
        title=_("开设好邻居工作站"),
        subtitle=_("工作站开设爱心超市后，居民可用兑换积分领取物品。"),
        submit=_("开设"),
    )


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def station(request, station_id: int):
    """A station's shelf: rename it (community staff), list and add goods."""
    found = selectors.governed_station(actor=request.user, station_id=station_id)
    if not policies.can_run_shop(request.user, found):
        raise NotFound()
    can_manage = policies.can_manage_stations(request.user, found.area)
    form = forms.StationRenameForm(request.POST or None, initial={"name": found.name})
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        if form.is_valid():
            try:
                shop.station_rename(
                    actor=request.user, station_id=found.pk, name=form.cleaned_data["name"]
                )
            except InvalidInput as exc:
                _field_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("points:station", found.pk)
    report = selectors.stock_reports(selectors.station_items(station=found))
    return render(
        request,
        "points/station.html",
        {"station": found, "form": form, "can_manage": can_manage, "report": report},
    )


def _item_values(data) -> dict:
    return {
        "name": data["name"],
        "unit": data.get("unit") or "件",
        "price": data["price"],
        "donor_id": data.get("donor"),
        "monthly_limit": data.get("monthly_limit") or 0,
    }


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def item_new(request, station_id: int):
    found = selectors.governed_station(actor=request.user, station_id=station_id)
    if not policies.can_run_shop(request.user, found):
        raise NotFound()
    form = forms.ItemForm(request.POST or None, donors=selectors.partner_units(actor=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            shop.item_create(
                actor=request.user,
                station_id=found.pk,
                stock=form.cleaned_data["stock"],
                **_item_values(form.cleaned_data),
            )
        except InvalidInput as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("物品已上架"))
            return redirect("points:station", found.pk)
    return _form_page(
        request,
        form,
        title=_("上架物品 · %(s)s") % {"s": found.name},
        subtitle=_("首批入库记入库存台账；以后在服务台入库。"),
        submit=_("上架"),
        extra={"back": found},
    )


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def item_edit(request, item_id: int):
    item = selectors.shop_item_governed(actor=request.user, item_id=item_id)
    if not policies.can_run_shop(request.user, item.station):
        raise NotFound()
    initial = {
        "name": item.name,
        "unit": item.unit,
        "price": item.price,
        "donor": item.donor_id,
        "monthly_limit": item.monthly_limit,
        "active": item.active,
    }
    form = forms.ItemForm(
        request.POST or None,
        initial=initial,
        donors=selectors.partner_units(actor=request.user),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            shop.item_update(
                actor=request.user,
                item_id=item.pk,
                active=form.cleaned_data["active"],
                **_item_values(form.cleaned_data),
            )
        except InvalidInput as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("points:station", item.station_id)
    return _form_page(
        request,
        form,
        title=_("编辑物品 · %(s)s") % {"s": item.name},
        subtitle=_("库存只能通过入库、兑换和发放变动。"),
        submit=_("保存"),
        extra={"back": item.station},
    )


@login_required
@never_cache
@application_errors
@require_http_methods(["GET", "POST"])
def rules_page(request, area_id: int):
    """The earning rules of an area: the version in force today, its own versions, and a form
    for a new version (prefilled from the one in force)."""
    area = selectors.governed_area(actor=request.user, area_id=area_id, kinds=RULE_KINDS)
    if not policies.can_manage_rules(request.user, area):
        raise NotFound()
    today = timezone.localdate()
    current = selectors.rule_for(area.path, today)
    initial = {"effective_from": today}
    if current is not None:
        initial.update({name: getattr(current, name) for name in rules.NUMBERS})
        initial["item_points"] = forms.points_lines(current.item_points)
        initial["deductions"] = forms.points_lines(current.deductions)
    form = forms.RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = rules.rule_create(
                actor=request.user,
                area_id=area.pk,
                effective_from=data["effective_from"],
                note=data["note"],
                item_points=data["item_points"],
                deductions=data["deductions"],
                **{name: data[name] for name in rules.NUMBERS},
            )
        except InvalidInput as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("已发布第 %(v)d 版规则") % {"v": rule.version})
            return redirect("points:rules", area.pk)
    return render(
        request,
        "points/rules.html",
        {
            "area": area,
            "form": form,
            "current": current,
            "versions": selectors.rules_of(area=area),
        },
    )
