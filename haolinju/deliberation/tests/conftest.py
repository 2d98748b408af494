"""API clients for the deliberation tests (the same shape as tests/api's)."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient


@pytest.fixture
def api_as():
    from haolinju.accounts.services import token_issue

    def make(user, **headers) -> ApiClient:
        return ApiClient(token_issue(user=user) if user is not None else None, **headers)

    return make
