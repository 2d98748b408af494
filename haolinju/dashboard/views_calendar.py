"""The working-day calendar page: district staff add the holidays and make-up working days of
years the calendar package does not know yet (deadlines everywhere follow it)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haolinju.core import calendar
from haolinju.core.errors import ApplicationError
from haolinju.core.models import CalendarDayKind

from .policies import can_edit_calendar


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=CalendarDayKind.choices)
    name = forms.CharField(label=_("名称"), max_length=64, required=False)


def _year(request) -> int:
    try:
        return min(max(int(request.GET.get("year", "")), 2000), 2100)
    except ValueError:
        return timezone.localdate().year


@login_required
def calendar_page(request):
    if not can_edit_calendar(request.user):
        raise PermissionDenied
    year = _year(request)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            try:
                day = dt.date.fromisoformat(request.POST["remove"])
            except ValueError:
                return redirect(f"{request.path}?year={year}")
            calendar.calendar_day_remove(actor=request.user, day=day)
            return redirect(f"{request.path}?year={day.year}")
        if form.is_valid():
            try:
                row = calendar.calendar_day_set(
                    actor=request.user,
                    day=form.cleaned_data["day"],
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc.detail))
            else:
                return redirect(f"{request.path}?year={row.date.year}")
    context = {
        "year": year,
        "days": calendar.year_days(year),
        "known": calendar.package_says(dt.date(year, 6, 1)) is not None,
        "form": form,
    }
    return render(request, "dashboard/calendar.html", context)
