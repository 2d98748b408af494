from __future__ import annotations

from django.contrib import messages

from haolinju.core.errors import ApplicationError, NotFound, NotPermitted


def run(request, action, success: str = ""):
    """Run a service call for a POST; its refusal (409/422) becomes a message on the page.
    Returns the result or None."""
    try:
        result = action()
    except (NotFound, NotPermitted):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.detail))
        return None
    if success:
        messages.success(request, success)
    return result


def partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request
