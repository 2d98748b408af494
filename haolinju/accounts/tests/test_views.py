"""Signing in and out through the web pages, the language switch, and who reaches the admin."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from haolinju.accounts.models import User
from haolinju.core.crypto import blind_index

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PHONE = "13912345678"


@pytest.fixture
def user():
    account = User(username="wangxy", display_name="王秀英")
    account.phone_index = blind_index(PHONE, "phone")
    account.set_password("pw-for-tests")
    account.save()
    return account


def test_login_page_is_chinese_by_default(client):
    """The login form speaks Chinese to a visitor with no language preference."""
    html = client.get(LOGIN).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "用户名或手机号" in html and "密码" in html


def test_login_with_username_then_logout(client, user):
    """A username and password open the home page; signing out (POST) ends the session."""
    response = client.post(LOGIN, {"username": "wangxy", "password": "pw-for-tests"})
    assert response.status_code == 302 and response.url == reverse("dashboard:home")
    assert "王秀英" in client.get(reverse("dashboard:home")).content.decode()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_login_with_mobile_number(client, user):
    """The registered mobile number works as the login name, with spaces or +86."""
    for login_name in (PHONE, "+86 139 1234 5678"):
        client.logout()
        response = client.post(LOGIN, {"username": login_name, "password": "pw-for-tests"})
        assert response.status_code == 302, login_name


def test_wrong_password_gets_a_clear_chinese_message(client, user):
    """A wrong password keeps the visitor on the form with a message they understand."""
    response = client.post(LOGIN, {"username": "wangxy", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名（或手机号）与密码不匹配" in html
    assert "_auth_user_id" not in client.session


def test_empty_form_names_each_missing_field(client):
    """Submitting nothing says which fields to fill in."""
    html = client.post(LOGIN, {}).content.decode()
    assert "请输入用户名或手机号" in html and "请输入密码" in html


def test_inactive_account_cannot_sign_in(client, user):
    """A deactivated login is refused."""
    user.is_active = False
    user.save()
    response = client.post(LOGIN, {"username": "wangxy", "password": "pw-for-tests"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_language_switch_on_the_login_page(client):
    """A visitor switches the login page to English before signing in, and back."""
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302 and response.url == LOGIN
    html = client.get(LOGIN).content.decode()
    assert '<html lang="en">' in html
    assert "Username or mobile number" in html and "Sign in" in html
    html = client.post(LOGIN, {"username": "nobody", "password": "x"}).content.decode()
    assert "do not match" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": LOGIN})
    assert "用户名或手机号" in client.get(LOGIN).content.decode()


def test_admin_is_for_superusers_only(client, user, django_user_model):
    """Even an account marked is_staff cannot enter the admin; a superuser can."""
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    root = django_user_model.objects.create_superuser("root", password="pw-for-tests")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403  # read-only


def test_server_error_page_renders_without_a_request():
    """Django renders 500.html with no context at all; the page still says what happened."""
    html = render_to_string("500.html")
    assert "系统暂时出了点问题" in html and "/static/haolinju/app.css" in html
