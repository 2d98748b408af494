"""Django's database session store, with the per-page read as a prepared statement.

Every signed-in page reads its session row; ``core.prepared`` runs that query without
compiling it each time. The expiry is checked on the row (same rule as Django's store: a
session whose ``expire_date`` has passed does not load), everything else is Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from haolinju.core.prepared import Prepared

_SESSION_ROW = Prepared(
    lambda session_key: (
        Session.objects.filter(session_key=session_key)
        .order_by()
        .values_list("session_key", "session_data", "expire_date")[:1]
    ),
    "session_key",
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        rows = _SESSION_ROW(session_key=key) if key else []
        if not rows or rows[0][2] <= timezone.now():
            self._session_key = None
            return None
        session_key, session_data, expire_date = rows[0]
        return Session(session_key=session_key, session_data=session_data, expire_date=expire_date)
