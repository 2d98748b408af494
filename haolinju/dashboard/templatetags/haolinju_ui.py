"""Small template helpers shared by every page: navigation flags, optional links, numbers."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
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


# Rendered menus, least recently used first. A menu is a pure function of its key (language,
# current page, the menu flags, the person whose page is shown): it never holds data of anyone
# but the links every holder of those flags sees, so it is safe to share between requests.
MENU_MAX = 2048
_MENUS: OrderedDict[tuple, str] = OrderedDict()
_MENUS_LOCK = threading.Lock()


@register.simple_tag(takes_context=True)
def menu(context, icons: bool = False, bottom: bool = False) -> str:
    """The main menu (``includes/nav_links.html``), rendered once per distinct key and reused:
    it is drawn twice on every page and costs as much as a page's own content to render."""
    from haolinju.cases.templatetags.cases_ui import case_nav

    nav = context.get("nav") or navigation(context)
    cnav = case_nav(context)
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    person = context.get("person")
    key = (
        get_language(),
        here,
        bool(icons),
        bool(bottom),
        tuple(sorted(nav.items())),
        tuple(sorted(cnav.items())),
        getattr(person, "pk", None),
    )
    with _MENUS_LOCK:
        html = _MENUS.get(key)
        if html is not None:
            _MENUS.move_to_end(key)
            return html
    flat = {
        "nav": nav,
        "cnav": cnav,
        "here": here,
        "person": person,
        "icons": icons,
        "bottom": bottom,
    }
    html = mark_safe(get_template("includes/nav_links.html").render(flat))  # noqa: S308 - rendered by the template engine, escaped there
    with _MENUS_LOCK:
        _MENUS[key] = html
        while len(_MENUS) > MENU_MAX:
            _MENUS.popitem(last=False)
    return html


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
