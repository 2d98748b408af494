"""The login form: a username or a mainland mobile number, plus password."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's authentication form with labels and messages a resident understands."""

    username = forms.CharField(
        label=_("用户名或手机号"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
        error_messages={"required": _("请输入用户名或手机号")},
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入密码")},
    )

    error_messages = {
        "invalid_login": _("用户名（或手机号）与密码不匹配，请检查后重新输入。"),
        "inactive": _("该账号已停用，请联系社区工作人员。"),
    }

    def get_invalid_login_error(self):
        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class OtpCodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one recovery code."""

    code = forms.CharField(
        label=_("动态验证码或恢复码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "inputmode": "text",
            }
        ),
        error_messages={"required": _("请输入验证码")},
    )
