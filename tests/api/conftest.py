"""Fixtures for the API tests: a small district and clients that call the API as someone."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from haolinju.accounts.services import token_issue


@pytest.fixture(autouse=True)
def _fresh_jurisdiction_cache():
    """Query budgets count the derivation of a jurisdiction (a cache miss reads the home
    compound). Its per-process cache is keyed on the inputs themselves, so an earlier test whose
    rows happened to get the same ids would turn a miss into a hit: start each test empty."""
    from haolinju.people.selectors import forget_jurisdictions

    forget_jurisdictions()


@pytest.fixture
def tree(db):
    from haolinju.org.tests.factories import Tree

    return Tree()


class ApiClient:
    """The Django test client with a bearer token (or none) and JSON bodies."""

    def __init__(self, token: str | None = None, **headers):
        self.client = Client()
        self.headers = dict(headers)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body or {})
        return self.client.post(
            url, data=data, content_type="application/json", headers=self.headers
        )

    def delete(self, url):
        return self.client.delete(url, headers=self.headers)


@pytest.fixture
def api_as():
    """``api_as(user)``: a client authenticated with a fresh token of ``user``;
    ``api_as(None)``: anonymous."""

    def make(user, **headers) -> ApiClient:
        return ApiClient(token_issue(user=user) if user is not None else None, **headers)

    return make
