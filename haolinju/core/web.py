"""The one translation of application errors into HTTP errors for server-rendered pages."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .errors import NotFound, NotPermitted


def application_errors(view):
    """Render ``NotFound`` as the 404 page and ``NotPermitted`` as the 403 page.

    A record outside the caller's jurisdiction raises ``NotFound`` in the selectors, so pages
    answer 404 for it exactly as for a record that does not exist.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.detail)) from None
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.detail)) from None

    return wrapper


MAX_OFFSET = 2**63 - 1


def page_offset(request, name: str = "offset") -> int:
    """A list page's ``?offset=``: a non-negative 64-bit integer; anything else is 0."""
    try:
        return min(max(0, int(request.GET.get(name, 0))), MAX_OFFSET)
    except ValueError:
        return 0
