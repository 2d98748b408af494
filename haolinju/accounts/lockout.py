"""Login lockout after repeated failures (django-axes), in our language and error shapes.

Attempts are counted per account *and* client address, so one person mistyping cannot lock out
a whole office behind one NAT address, and a guesser cannot spread attempts over the username
and the spellings of the account's phone number: an identifier that names an account counts as
``user:<id>``. The client address is the real one (``core.clientip``).

A second lockout of the same key within ``HAOLINJU_LOGIN_REPEAT_COOLOFF`` lasts that long
(default 24 hours) instead of ``HAOLINJU_LOGIN_COOLOFF``, unless an administrator resets it
(``haolinju manage axes_reset_username user:<id>``). Attempts while locked do not extend it.
"""

from __future__ import annotations

from datetime import timedelta

from axes.signals import user_locked_out
from django.conf import settings
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core.crypto import blind_index
from haolinju.core.validators import parse_mobile

from .backends import find_login_user
from .models import LoginLockout


def login_identifier(request, credentials: dict | None) -> str:
    """The identifier attempts are counted (and stored) under: the username, or for a mobile
    number its keyed blind index — the attempt tables must not hold phone numbers in clear."""
    raw = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    user = find_login_user(raw)
    if user is not None:
        key = f"user:{user.pk}"
    else:
        try:
            key = "phone:" + blind_index(parse_mobile(raw), "phone")[:32]
        except ValidationError:
            key = raw.lower()
    if request is not None:
        request.haolinju_login_key = key  # read by cool_off, which gets only the request
    return key


def cool_off(request=None) -> timedelta:
    """The cool-off for this request's login key: the long one after a repeated lockout."""
    key = getattr(request, "haolinju_login_key", None)
    short = settings.HAOLINJU_LOGIN_COOLOFF
    if key is None:
        return short
    since = timezone.now() - settings.HAOLINJU_LOGIN_REPEAT_COOLOFF
    if LoginLockout.objects.filter(key=key, created_at__gte=since).count() >= 2:
        return settings.HAOLINJU_LOGIN_REPEAT_COOLOFF
    return short


@receiver(user_locked_out)
def remember_lockout(sender, request=None, username=None, **kwargs):
    """Record a new lockout (not every refused attempt while one is in force)."""
    key = getattr(request, "haolinju_login_key", None) or username
    if not key:
        return
    if not LoginLockout.objects.filter(key=key, created_at__gte=timezone.now() - cool_off(request)):
        LoginLockout.objects.create(key=key)


def _minutes(request) -> int:
    return int(cool_off(request).total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """429 for a locked-out login: the API's JSON error shape, or the page for browsers."""
    message = _("登录失败次数过多，请%(m)d分钟后再试") % {"m": _minutes(request)}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": []}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(cool_off(request).total_seconds()))
    return response
