"""Login lockout after repeated failures (django-axes), in our language and error shapes.

Attempts are counted per login identifier *and* client address, so one person mistyping cannot
lock out a whole office behind one NAT address, and a guesser cannot spread attempts over
spellings of the same phone number (they are normalised first).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from haolinju.core.crypto import blind_index
from haolinju.core.validators import parse_mobile


def login_identifier(request, credentials: dict | None) -> str:
    """The identifier attempts are counted (and stored) under: the username, or for a mobile
    number its keyed blind index — the attempt tables must not hold phone numbers in clear."""
    raw = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    try:
        return "phone:" + blind_index(parse_mobile(raw), "phone")[:32]
    except ValidationError:
        return raw.lower()


def _minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """429 for a locked-out login: the API's JSON error shape, or the page for browsers."""
    message = _("登录失败次数过多，请%(m)d分钟后再试") % {"m": _minutes()}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": []}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
