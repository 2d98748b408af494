"""Headers on every response: a strict Content-Security-Policy and no caching of signed-in pages.

- ``Content-Security-Policy`` (``HAOLINJU_CSP``): scripts, styles, images, fonts and requests
  from this origin only, no inline script or style (no ``unsafe-inline``, no ``eval``), no
  framing, forms post only here. Templates therefore keep every script and style in static
  files, and htmx is configured in ``base.html`` not to inject its indicator ``<style>`` (the
  rules are in ``app.css``) and not to evaluate attributes. Paths in ``HAOLINJU_CSP_EXEMPT``
  (the third-party API docs page) keep their own needs.
- ``Cache-Control: private, no-store`` (Django's never-cache set) on every HTML page served to a
  signed-in user: every such page may show personal data, so no browser or proxy keeps a copy.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exempt = request.path.startswith(tuple(settings.HAOLINJU_CSP_EXEMPT))
        if not exempt and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.HAOLINJU_CSP
        user = getattr(request, "user", None)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and user is not None and user.is_authenticated:
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
        return response
