"""Log in with a username or a mainland mobile number, plus password (Argon2 hashes)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from haolinju.core.crypto import blind_index
from haolinju.core.prepared import Prepared
from haolinju.core.validators import parse_mobile

from .models import User
from .services import USER_FIELDS


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

    def get_user(self, user_id):
        """The session's user, read on every page: a prepared statement (``core.prepared``)."""
        rows = _USER_BY_PK(pk=user_id)
        if not rows:
            return None
        user = User.from_db("default", USER_FIELDS, rows[0])
        return user if self.user_can_authenticate(user) else None


_USER_BY_PK = Prepared(
    lambda pk: User.objects.filter(pk=pk).order_by().values_list(*USER_FIELDS)[:1], "pk"
)
