"""Helpers for tests that log in without a browser."""

from django.test import RequestFactory


def login_request():
    """A login POST from 127.0.0.1: authentication needs the request (lockout counts by it)."""
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
