"""Staff web sessions end after an idle timeout and an absolute lifetime (MLPS 2.0 level 3).

Staff are accounts with a staff position (any governed subtree), Django staff and superusers.
``HAOLINJU_STAFF_SESSION_IDLE_MINUTES`` (default 30) without a request, or
``HAOLINJU_STAFF_SESSION_MAX_HOURS`` (default 12) after signing in, logs the session out before
the view runs: pages then send the browser to the login page, the API answers 401. The last-seen
time is written at most once a minute, so an active session costs no session write per request.
Residents keep Django's normal session lifetime.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from haolinju.core.scope import jurisdiction_of

STARTED = "haolinju_started"
SEEN = "haolinju_seen"
SEEN_RESOLUTION = 60  # seconds


def is_staff_account(user) -> bool:
    return bool(user.is_staff or user.is_superuser or jurisdiction_of(user).is_staff_scope)


@receiver(user_logged_in)
def start_session_clock(sender, request=None, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[SEEN] = now


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_staff_account(user):
            self.check(request)
        return self.get_response(request)

    @staticmethod
    def check(request) -> None:
        session = request.session
        now = int(time.time())
        started, seen = session.get(STARTED), session.get(SEEN)
        if started is None or seen is None:
            session[STARTED] = session[SEEN] = now
            return
        idle = settings.HAOLINJU_STAFF_SESSION_IDLE_MINUTES * 60
        lifetime = settings.HAOLINJU_STAFF_SESSION_MAX_HOURS * 3600
        if now - seen > idle or now - started > lifetime:
            logout(request)  # flushes the session; request.user becomes anonymous
            return
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN] = now
