"""Sign-in and sign-out pages; the user's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from haolinju.core.web import application_errors

from . import services
from .forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): the sign-out button is a small form."""


@login_required
@never_cache
@require_GET
def tokens(request):
    """The user's live API tokens, each with a revoke button."""
    return render(
        request, "accounts/tokens.html", {"tokens": services.token_list(user=request.user)}
    )


@login_required
@require_POST
@application_errors
def token_revoke(request, token_id: int):
    """Revoke one of the user's own tokens (another account's token is a 404)."""
    services.token_revoke_id(user=request.user, token_id=token_id)
    messages.success(request, _("令牌已吊销"))
    return redirect("accounts:tokens")
