"""The web inbox: my notifications, newest first; open one to mark it read and follow it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notify
from .pagination import paginate
from .web import page_offset


@login_required
def inbox(request):
    page = paginate(notify.inbox(request.user), offset=page_offset(request), limit=30)
    return render(request, "core/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_open(request, notification_id: int):
    item = notify.inbox(request.user).filter(pk=notification_id).first()
    if item is None:
        return redirect("core:inbox")
    notify.mark_read(user=request.user, notification_id=item.pk)
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    return redirect("core:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    notify.mark_read(user=request.user)
    return redirect("core:inbox")
