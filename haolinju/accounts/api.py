"""Authentication for the API: bearer tokens (or the browser session), token issue/revoke, /me."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer, django_auth

from haolinju.core.errors import ApplicationError

from . import services


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = services.token_user(token)
        if user is not None:
            request.user = user
        return user


# Every endpoint but token issue requires one of these.
API_AUTH = [BearerToken(), django_auth]

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class InvalidCredentials(ApplicationError):
    status_code = 401


@router.post("/auth/token", response=TokenOut, auth=None, summary="Issue an API token")
def issue_token(request, data: Credentials):
    """Exchange a username (or mobile number) and password for a bearer token."""
    user = authenticate(request, username=data.username, password=data.password)
    if user is None:
        raise InvalidCredentials(_("用户名或密码错误"))
    return {"token": services.token_issue(user=user)}


@router.delete("/auth/token", response={204: None}, summary="Revoke the token in use")
def revoke_token(request):
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise InvalidCredentials(_("请在 Authorization 头中提供要吊销的令牌"))
    services.token_revoke(user=request.user, raw=header.split(" ", 1)[1].strip())
    return 204, None
