"""Sign-in and sign-out pages, and the one translation of application errors into HTTP errors
that every page view uses."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404

from haolinju.core.errors import NotFound, NotPermitted

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): the sign-out button is a small form."""


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
