"""Small template helpers shared by every page: navigation flags, optional links, numbers."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from haolinju.core.scope import jurisdiction_of

from ..policies import can_edit_calendar

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """The URL of ``name``, or "" while that page is not installed (e.g. the import/export app).

    Usage: ``{% optional_url 'io:export_people' as export_url %}{% if export_url %}…``
    """
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def navigation(context) -> dict:
    """What the signed-in user's menus may offer, from their (per-request cached) jurisdiction."""
    request = context.get("request")
    user = getattr(request, "user", None)
    scope = jurisdiction_of(user)
    return {
        "signed_in": bool(user and user.is_authenticated),
        "people": scope.is_superuser or bool(scope.people_paths or scope.service_paths),
        "person_id": scope.person_id,
        "admin": bool(user and user.is_authenticated and user.is_superuser),
        "calendar": bool(user and user.is_authenticated) and can_edit_calendar(user),
    }


@register.filter
def thousands(value) -> str:
    """12345 → "12,345"; anything that is not a whole number is shown as it is."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "" if value is None else str(value)


COMPACT_FROM = 100_000


@register.filter
def big_count(value) -> str:
    """A figure that fits a small tile: exact below 100,000, then 万 in Chinese (as the source
    article writes "13.6万") or k / M in English, cut (never rounded up) to one decimal."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return thousands(value)
    if abs(n) < COMPACT_FROM:
        return f"{n:,}"
    if (get_language() or "").startswith("zh"):
        steps = ((100_000_000, "亿"), (10_000, "万"))
    else:
        steps = ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k"))
    for size, suffix in steps:
        if abs(n) >= size:
            tenths = abs(n) * 10 // size
            sign = "-" if n < 0 else ""
            whole, tenth = divmod(tenths, 10)
            return f"{sign}{whole:,}{'.' + str(tenth) if tenth else ''}{suffix}"
    return f"{n:,}"


@register.filter
def get_item(mapping, key):
    """``{{ counts|get_item:kind }}`` for dictionaries keyed by a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
