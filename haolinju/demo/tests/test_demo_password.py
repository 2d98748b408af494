"""Where the demo accounts' password comes from."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate

from haolinju.accounts.tests.helpers import login_request
from haolinju.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_password_comes_from_the_environment_when_not_given(monkeypatch):
    """Without a password argument, HAOLINJU_DEMO_PASSWORD is the demo accounts' password."""
    monkeypatch.setenv("HAOLINJU_DEMO_PASSWORD", "from-the-environment")
    accounts = seed_demo(stdout=io.StringIO())
    assert {a.password for a in accounts} == {"from-the-environment"}
    assert authenticate(login_request(), username="secretary", password="from-the-environment")


def test_demo_password_defaults_to_the_documented_one(monkeypatch):
    """Without an argument or HAOLINJU_DEMO_PASSWORD, the password is ``haolinju-demo``."""
    monkeypatch.delenv("HAOLINJU_DEMO_PASSWORD", raising=False)
    accounts = seed_demo(stdout=io.StringIO())
    assert {a.password for a in accounts} == {"haolinju-demo"}
    assert authenticate(login_request(), username="admin", password="haolinju-demo").is_superuser


def test_the_seed_summary_names_records_in_chinese():
    """The demo's summary sentence names each kind of record by its Chinese name and leaves out
    link tables ("Organisation_served_areas 1475" inside a Chinese sentence)."""
    from haolinju.demo import summary_line

    line = summary_line(
        {"org.Area": 1204, "org.Organisation_served_areas": 1475, "people.Person": 9}
    )
    assert line == "区域 1,204 条、人员 9 条"
