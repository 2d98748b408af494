"""Activity pages (phone first): browse, sign up, show one's code, scan; the organiser's roster,
live check-in count and confirmation; the needs board; the record and certificate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from haolinju.core.web import application_errors

from . import selectors


@login_required
@application_errors
def activity_list(request):
    activities = selectors.activity_list(actor=request.user)[:50]
    return render(request, "activities/list.html", {"activities": activities})


@login_required
@application_errors
def activity_detail(request, activity_id: int):
    activity = selectors.activity_get(actor=request.user, activity_id=activity_id)
    return render(request, "activities/detail.html", {"activity": activity})
