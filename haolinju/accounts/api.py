"""Authentication for the API: bearer tokens or the browser session; token issue and revoke.

- ``Authorization: Bearer <token>``: a token that is unknown, revoked or belongs to an inactive
  account is a 401 at once — it never falls back to the session.
- Without that header, a logged-in browser session authenticates, and unsafe methods (POST,
  PUT, PATCH, DELETE) must carry Django's CSRF token (``X-CSRFToken`` header).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle
from ninja.utils import check_csrf

from haolinju.core.errors import ApplicationError, FieldError, InvalidInput, NotPermitted

from . import services, twofactor


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
    otp: str = Field(
        "",
        max_length=32,
        description="A current TOTP code or a recovery code: required for accounts that need "
        "two-factor sign-in (staff with people scope at community level and above)",
    )


class TokenOut(Schema):
    token: str


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the secret, to tell tokens apart")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime = Field(..., description="Absolute or idle end, whichever is first")
    current: bool = Field(..., description="The token this request was authenticated with")


class TokenPage(Schema):
    items: list[TokenInfo]
    count: int


TokenId = Annotated[int, Field(ge=1, le=2**63 - 1)]


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

    The secret is shown once; only its digest is stored. An account that needs two-factor
    sign-in must send a current code as ``otp`` (and must have enrolled on the web first), so a
    token never bypasses the second factor.
    """
    user = authenticate(request, username=data.username, password=data.password)
    if user is None:
        raise InvalidCredentials(_("用户名或密码错误"))
    if twofactor.required_for(user):
        if not twofactor.is_enrolled(user):
            raise NotPermitted(_("此账号须先在网页上启用双因素认证，才能申请接口令牌"))
        if not data.otp:
            message = _("此账号需要动态验证码")
            raise InvalidCredentials(message, [FieldError("otp", message)])
        if twofactor.check_code(user=user, code=data.otp) is None:
            message = _("动态验证码不正确、已用过或已过期")
            raise InvalidCredentials(message, [FieldError("otp", message)])
    return {"token": services.token_issue(user=user)}


@router.delete("/auth/token", response={204: None}, summary="Revoke the token in use")
def revoke_token(request):
    """Revoke the bearer token this request was authenticated with."""
    raw = getattr(request, "api_token", None)
    if raw is None:
        raise InvalidInput.on("Authorization", _("此请求未使用令牌，没有可吊销的令牌"))
    services.token_revoke(user=request.user, raw=raw)
    return Status(204, None)


@router.get("/auth/tokens", response=TokenPage, summary="The caller's live tokens")
def list_tokens(request):
    """Every token of the caller that still works, newest first (secrets are never shown)."""
    raw = getattr(request, "api_token", None)
    digest = services.token_digest(raw) if raw else None
    items = [
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "current": t.digest == digest,
        }
        for t in services.token_list(user=request.user)
    ]
    return {"items": items, "count": len(items)}


@router.delete(
    "/auth/tokens/{token_id}", response={204: None}, summary="Revoke one of the caller's tokens"
)
def revoke_token_by_id(request, token_id: Path[TokenId]):
    """Revoke a token of the caller; another account's token is a 404."""
    services.token_revoke_id(user=request.user, token_id=token_id)
    return Status(204, None)
