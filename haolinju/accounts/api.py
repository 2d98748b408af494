"""Authentication for the API: bearer tokens or the browser session; token issue and revoke.

- ``Authorization: Bearer <token>``: a token that is unknown, revoked or belongs to an inactive
  account is a 401 at once — it never falls back to the session.
- Without that header, a logged-in browser session authenticates, and unsafe methods (POST,
  PUT, PATCH, DELETE) must carry Django's CSRF token (``X-CSRFToken`` header).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle
from ninja.utils import check_csrf

from haolinju.core.errors import ApplicationError, InvalidInput, NotPermitted

from . import services


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = services.token_user(token)
        if user is None:
            raise AuthenticationError()
        request.user = user
        request.api_token = token
        return user


class BrowserSession(SessionAuth):
    """The Django session, with CSRF enforced for unsafe methods.

    Unlike ninja's ``django_auth``, an anonymous request is simply unauthenticated (401), not a
    CSRF failure (403): the CSRF check only guards requests a session would authenticate.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise NotPermitted(_("CSRF 校验失败，请刷新页面后重试"))
        return request.user


# Every endpoint but token issue requires one of these, tried in this order.
API_AUTH = [BearerToken(), BrowserSession()]

# Password guessing through the API: at most this many token requests per client address.
TOKEN_RATE = "20/m"  # noqa: S105 - a rate, not a secret

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class InvalidCredentials(ApplicationError):
    status_code = 401


@router.post(
    "/auth/token",
    response=TokenOut,
    auth=None,
    throttle=[AnonRateThrottle(TOKEN_RATE)],
    summary="Issue an API token",
)
def issue_token(request, data: Credentials):
    """Exchange a username (or mainland mobile number) and password for a bearer token.

    The secret is shown once; only its digest is stored.
    """
    user = authenticate(request, username=data.username, password=data.password)
    if user is None:
        raise InvalidCredentials(_("用户名或密码错误"))
    return {"token": services.token_issue(user=user)}


@router.delete("/auth/token", response={204: None}, summary="Revoke the token in use")
def revoke_token(request):
    """Revoke the bearer token this request was authenticated with."""
    raw = getattr(request, "api_token", None)
    if raw is None:
        raise InvalidInput.on("Authorization", _("此请求未使用令牌，没有可吊销的令牌"))
    services.token_revoke(user=request.user, raw=raw)
    return Status(204, None)
