"""Two-factor sign-in (TOTP through django-otp) for staff, with recovery codes (issue 6 item 4).

Who needs it: superusers and Django staff, and holders of a current position with people scope
on an area whose kind is in ``HAOLINJU_2FA_KINDS`` (community and above by default; the people
app answers through ``HAOLINJU_2FA_POSITIONS``). An empty list switches the requirement off;
``haolinju demo`` empties it unless ``HAOLINJU_DEMO_2FA`` is on.

- Web: after the password, ``TwoFactorMiddleware`` lets such a session reach only the enrolment
  page (no device yet), the code page (a device) and sign-out until a code is accepted; the API
  answers 401 to such a session. The requirement is decided once per session, at its first
  request after signing in.
- Tokens: ``POST /api/v1/auth/token`` needs a current code (``otp``) for such an account, so a
  bearer token never bypasses the second factor; tokens issued before stay valid to their end.
- A code is accepted once: TOTP codes at or before the last accepted time step are refused
  (django-otp's ``last_t``); a recovery code is deleted when used. Failed codes are throttled
  per device (django-otp, exponential).
- Reset (admin action, ``manage.py reset_2fa``): every device goes, every API token is revoked,
  the next sign-in enrols again; audited.
"""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haolinju.core.models import record_event

from .models import ApiToken, User

SESSION_REQUIRED = "haolinju_2fa_required"


def required_for(user) -> bool:
    """Whether ``user`` must pass a second factor (see the module docstring)."""
    kinds = settings.HAOLINJU_2FA_KINDS
    if not kinds or user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(import_string(settings.HAOLINJU_2FA_POSITIONS)(user, kinds))


def session_requires(request) -> bool:
    """``required_for`` decided once per signed-in session (the answer is kept in it)."""
    if not settings.HAOLINJU_2FA_KINDS:
        return False
    session = request.session
    if SESSION_REQUIRED not in session:
        session[SESSION_REQUIRED] = required_for(request.user)
    return session[SESSION_REQUIRED]


@receiver(user_logged_in)
def decide_again_at_sign_in(sender, request=None, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_REQUIRED, None)


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (made on first call; the secret is kept until
    a code confirms it, so reloading the page shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` URL as an inline SVG QR code (no script, no style)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _clean(code: str) -> str:
    return "".join((code or "").split()).lower()


@transaction.atomic
def confirm_enrolment(request, *, code: str) -> list[str] | None:
    """Confirm the signed-in user's pending device with a current code and mark the session
    verified; returns fresh recovery codes, or None when the code is wrong. An account already
    enrolled keeps its device (reset first)."""
    user = request.user
    if is_enrolled(user):
        return None
    device = pending_device(user)
    if not device.verify_token(_clean(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    codes = _replace_recovery_codes(user)
    record_event(actor=user, action="account.2fa_enrolled", target=user)
    otp_login(request, device)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.HAOLINJU_2FA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the account's recovery codes (the old ones stop working)."""
    codes = _replace_recovery_codes(user)
    record_event(actor=user, action="account.2fa_recovery_codes", target=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def check_code(*, user: User, code: str):
    """The confirmed device that accepts ``code`` (a TOTP code or a recovery code), or None.
    Each device verifies in its own transaction, so its throttling state is kept."""
    code = _clean(code)
    if not code or len(code) > 16:
        return None
    for device in devices_for_user(user, confirmed=True):
        found = verify_token(user, device.persistent_id, code)
        if found is not None:
            return found
    return None


def verify_session(request, code: str) -> bool:
    """Mark the signed-in session as verified when ``code`` is accepted."""
    device = check_code(user=request.user, code=code)
    if device is None:
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def reset(*, user: User, actor) -> None:
    """Forget every second-factor device of ``user`` and revoke its API tokens (a lost phone);
    the next sign-in enrols again."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_event(actor=actor, action="account.2fa_reset", target=user)


class TwoFactorMiddleware:
    """Until a code is accepted, a session that needs the second factor reaches only the
    enrolment and code pages and sign-out; the API answers it 401."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open is None:
            self._open = (
                reverse("accounts:login"),
                reverse("accounts:logout"),
                reverse("accounts:two_factor_setup"),
                reverse("accounts:two_factor_verify"),
                settings.STATIC_URL,
                "/i18n/",
            )
        return self._open

    def __call__(self, request):
        if settings.HAOLINJU_2FA_KINDS:
            blocked = self.check(request)
            if blocked is not None:
                return blocked
        return self.get_response(request)

    def check(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(self.open_paths()):
            return None
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return None  # bearer tokens: issued only after a second factor
        if not session_requires(request) or user.is_verified():
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("请先在网页上完成双因素认证"), "errors": []}, status=401
            )
        target = "two_factor_verify" if is_enrolled(user) else "two_factor_setup"
        return redirect(f"{reverse('accounts:' + target)}?next={quote(request.get_full_path())}")
