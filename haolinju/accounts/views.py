"""Sign-in and sign-out pages; one's own settings (elder-friendly mode), password and API
tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haolinju.core.web import application_errors

from . import services
from .forms import LoginForm
from .policies import elder_mode_on


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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (old one first); the session stays signed in."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext_lazy("密码已修改。下次登录请使用新密码。"))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    """One's own settings: elder-friendly mode on or off, and the way to change the password."""
    if request.method == "POST":
        on = request.POST.get("elder_mode") == "on"
        services.elder_mode_set(user=request.user, on=on)
        messages.success(request, _("已开启适老化模式。") if on else _("已关闭适老化模式。"))
        return redirect("accounts:settings")
    return render(request, "registration/settings.html", {"elder_on": elder_mode_on(request.user)})
