"""Password guessing through the token endpoint is rate-limited per client address."""

import pytest

from haolinju.accounts.api import TOKEN_RATE

pytestmark = pytest.mark.django_db


def test_token_requests_beyond_the_rate_get_429_in_chinese(client):
    """After the allowed number of token requests a minute, the next one is refused with 429,
    a Retry-After header and the usual error body — even with the right password."""
    allowed = int(TOKEN_RATE.split("/")[0])
    for i in range(allowed):  # a new name each time: the per-identifier lockout stays out of it
        body = {"username": f"nobody{i}", "password": "wrong"}
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code == 401
    body = {"username": "nobody-last", "password": "wrong"}
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json() == {"detail": "请求过于频繁，请稍后再试", "errors": []}
    assert int(response["Retry-After"]) > 0
