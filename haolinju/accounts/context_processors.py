"""Template context every page needs from the account."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from .policies import elder_mode_on


def display_mode(request) -> dict:
    """``elder_mode``: the page is shown in elder-friendly mode (``<body class="elder">``)."""
    return {"elder_mode": SimpleLazyObject(lambda: elder_mode_on(getattr(request, "user", None)))}
