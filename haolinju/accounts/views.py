"""Sign-in and sign-out pages; one's own settings (elder-friendly mode), password and API
tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haolinju.core.web import application_errors

from . import services, twofactor
from .forms import LoginForm, OtpCodeForm
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


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@never_cache
@require_GET
def two_factor(request):
    """Two-factor status: enrolled or not, required or not, recovery codes left."""
    enrolled = twofactor.is_enrolled(request.user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enrolled": enrolled,
            "required": twofactor.required_for(request.user),
            "verified": request.user.is_verified(),
            "codes_left": twofactor.recovery_codes_left(request.user) if enrolled else 0,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code,
    then see the recovery codes once. An enrolled account is sent to the code page instead."""
    if twofactor.is_enrolled(request.user):
        return redirect(
            "accounts:two_factor" if request.user.is_verified() else "accounts:two_factor_verify"
        )
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(request, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", _("验证码不正确或已过期，请输入手机上当前显示的 6 位数字"))
    device = twofactor.pending_device(request.user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": mark_safe(twofactor.qr_svg(device)),  # noqa: S308 - segno's own SVG markup
            "secret": twofactor.secret_text(device),
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a current TOTP code or one unused recovery code."""
    if not twofactor.is_enrolled(request.user):
        return redirect("accounts:two_factor_setup")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_session(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", _("验证码不正确、已用过或已过期；多次出错需稍等再试"))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next") or request.POST.get("next", "")},
    )


@login_required
@never_cache
@require_POST
def two_factor_recovery(request):
    """New recovery codes (the old ones stop working); needs a verified session."""
    if not (twofactor.is_enrolled(request.user) and request.user.is_verified()):
        return redirect("accounts:two_factor")
    codes = twofactor.new_recovery_codes(user=request.user)
    next_url = reverse("accounts:two_factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
