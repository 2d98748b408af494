"""``Idempotency-Key`` for unsafe requests to the API (and Open311), as a middleware.

A client that may retry sends ``Idempotency-Key: <unique string>``. The first request runs
inside one transaction together with the record of its response (status < 500), so either both
are stored or neither is. A retry with the same key and the same method, path and body gets the
stored response again (header ``Idempotent-Replayed: true``) and writes nothing; the same key
with a different request is a 422; a retry while the first is still running is a 409. Keys are
scoped to the caller: the user behind a valid bearer token (resolved through
``settings.HAOLINJU_BEARER_USER``; an invalid token skips all this and gets the view's 401) or
the session's user, else the client address. Records older than
``HAOLINJU_IDEMPOTENCY_TTL_HOURS`` (default 24) may be purged.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"detail": message, "errors": [{"field": HEADER, "message": message}]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _caller(request) -> str | None:
    """Who is asking, or None when a bearer token is presented that does not authenticate."""
    auth = request.headers.get("Authorization", "")
    if auth:
        scheme, _sep, raw = auth.partition(" ")
        resolver = getattr(settings, "HAOLINJU_BEARER_USER", "")
        if scheme.lower() != "bearer" or not resolver:
            return None
        user = import_string(resolver)(raw.strip())
        return f"u:{user.pk}" if user is not None else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return "a:" + request.META.get("REMOTE_ADDR", "")


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.get_full_path().encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(
            getattr(settings, "HAOLINJU_IDEMPOTENT_PREFIXES", ("/api/", "/open311/"))
        )

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in UNSAFE:
            return self.get_response(request)
        if not request.path.startswith(self.prefixes):
            return self.get_response(request)
        if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
            return _error(422, _("Idempotency-Key 应为 1–255 个可打印 ASCII 字符"))
        caller = _caller(request)
        if caller is None:
            return self.get_response(request)
        fingerprint = _request_hash(request)
        existing = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
        if existing is not None:
            return self._answer(existing, fingerprint)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        caller=caller, key=key, request_hash=fingerprint
                    )
            except IntegrityError:
                # A concurrent first request committed meanwhile (PostgreSQL waited for it).
                existing = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
                if existing is None:
                    return _error(409, _("同一 Idempotency-Key 的请求正在处理，请稍后重试"))
                return self._answer(existing, fingerprint)
            response = self.get_response(request)
            if response.status_code >= 500 or getattr(response, "streaming", False):
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.content_type = response.get("Content-Type", "")
            record.body = response.content
            record.save(update_fields=["status_code", "content_type", "body"])
        return response

    @staticmethod
    def _answer(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
        if record.request_hash != fingerprint:
            return _error(422, _("此 Idempotency-Key 已用于另一个不同的请求"))
        if record.status_code is None:
            return _error(409, _("同一 Idempotency-Key 的请求正在处理，请稍后重试"))
        return _replay(record)


def purge_expired(*, now=None) -> int:
    hours = getattr(settings, "HAOLINJU_IDEMPOTENCY_TTL_HOURS", 24)
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
