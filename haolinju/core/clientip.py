"""The client's real address, the one thing throttles and the login lockout key on.

``REMOTE_ADDR`` unless ``HAOLINJU_TRUSTED_PROXIES`` (a count) says how many reverse proxies of
ours stand in front of the app; then the address that many hops from the right of
``X-Forwarded-For`` — the entries further left were written by the client and are ignored.
With no trusted proxy a client-sent ``X-Forwarded-For`` changes nothing.
"""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "HAOLINJU_TRUSTED_PROXIES", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(proxies, len(hops))]
