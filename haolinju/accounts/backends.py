"""Log in with a username or a mainland mobile number, plus password (Argon2 hashes)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from haolinju.core.crypto import blind_index
from haolinju.core.validators import parse_mobile

from .models import User


def find_login_user(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username=identifier).first()
    if user is not None:
        return user
    try:
        phone = parse_mobile(identifier)
    except ValidationError:
        return None
    return User.objects.filter(phone_index=blind_index(phone, "phone")).first()


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_login_user(username or kwargs.get(User.USERNAME_FIELD, ""))
        if user is None:
            User().set_password(password or "")  # same work either way: no timing oracle
            return None
        if user.check_password(password or "") and self.user_can_authenticate(user):
            return user
        return None
