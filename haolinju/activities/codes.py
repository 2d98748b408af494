"""Rotating check-in codes that a shared screenshot cannot replay for long.

A code is ``<kind><id>.<issued unix seconds>.<HMAC-SHA256 tag>``, keyed by the deployment's
HMAC key and bound to what it names: ``a`` codes to one activity (the organiser's screen),
``p`` codes to one person (the volunteer's own screen). A code lives ``LIFETIME_SECONDS``; the
check-in service also refuses a code not newer than the last one the same person used, so a
code seen once cannot be used again.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings

LIFETIME_SECONDS = 30
CLOCK_SKEW_SECONDS = 5
ACTIVITY = "a"
PERSON = "p"


@dataclass(frozen=True)
class Code:
    kind: str
    subject_id: int
    issued: int


class CodeInvalid(Exception):
    """Not a code this deployment signed (or not for this purpose)."""


class CodeExpired(Exception):
    """Genuine, but older than its lifetime."""


def _tag(kind: str, subject_id: int, issued: int) -> str:
    key = ("haolinju.activities.checkin:" + settings.HAOLINJU_HMAC_KEY).encode()
    msg = f"{kind}{subject_id}.{issued}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:24]


def make(kind: str, subject_id: int, *, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    return f"{kind}{subject_id}.{issued}.{_tag(kind, subject_id, issued)}"


def read(text: str, *, now: float | None = None) -> Code:
    """Parse and verify; raise ``CodeInvalid`` or ``CodeExpired``."""
    parts = (text or "").strip().split(".")
    if len(parts) != 3 or parts[0][:1] not in (ACTIVITY, PERSON):
        raise CodeInvalid()
    kind, subject, issued_s, tag = parts[0][0], parts[0][1:], parts[1], parts[2]
    if not (subject.isdigit() and issued_s.isdigit()) or len(subject) > 18 or len(issued_s) > 12:
        raise CodeInvalid()
    subject_id, issued = int(subject), int(issued_s)
    if not hmac.compare_digest(tag, _tag(kind, subject_id, issued)):
        raise CodeInvalid()
    current = int(time.time() if now is None else now)
    if issued > current + CLOCK_SKEW_SECONDS or current - issued > LIFETIME_SECONDS:
        raise CodeExpired()
    return Code(kind=kind, subject_id=subject_id, issued=issued)
