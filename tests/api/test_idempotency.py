"""Idempotency-Key on API writes (core.idempotency): retries replay, never write twice."""

from __future__ import annotations

import json

import pytest

from haolinju.core.models import IdempotencyRecord
from haolinju.people.models import Person, Title
from haolinju.people.tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(tree):
    return staff(Title.BRANCH_SECRETARY, tree.compounds[0], home=tree.units[0], username="sec")


def _post(client, body, key=None):
    headers = dict(client.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.client.post(
        "/api/v1/people", data=json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_retry_with_the_same_key_returns_the_first_response_and_writes_nothing(
    api_as, tree, secretary
):
    """The second POST replays the first 201 byte for byte; one person exists."""
    api = api_as(secretary)
    body = {"area_id": tree.units[1].pk, "name": "重试者"}
    first = _post(api, body, key="create-1")
    again = _post(api, body, key="create-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Person.objects.filter(name="重试者").count() == 1


def test_the_same_key_with_another_body_is_a_422_naming_the_header(api_as, tree, secretary):
    """A reused key for a different request is refused and writes nothing."""
    api = api_as(secretary)
    _post(api, {"area_id": tree.units[1].pk, "name": "甲"}, key="k")
    response = _post(api, {"area_id": tree.units[1].pk, "name": "乙"}, key="k")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Person.objects.filter(name="乙").exists()


def test_without_a_key_every_post_writes(api_as, tree, secretary):
    """The header is opt-in: two plain POSTs make two people."""
    api = api_as(secretary)
    for _ in range(2):
        assert _post(api, {"area_id": tree.units[1].pk, "name": "丙"}).status_code == 201
    assert Person.objects.filter(name="丙").count() == 2


def test_keys_are_scoped_to_the_caller(api_as, tree, secretary):
    """Another user's identical key is a separate request, not a replay of someone else's answer."""
    other = staff(Title.BRANCH_SECRETARY, tree.compounds[0], home=tree.units[2], username="sec2")
    body = {"area_id": tree.units[1].pk, "name": "丁"}
    _post(api_as(secretary), body, key="same")
    response = _post(api_as(other), body, key="same")
    assert "Idempotent-Replayed" not in response
    assert Person.objects.filter(name="丁").count() == 2


def test_an_error_answer_is_replayed_too_and_a_bad_token_is_not_stored(api_as, tree, secretary):
    """A 422 is the stored answer for its key; a request with an invalid token stores nothing."""
    api = api_as(secretary)
    first = _post(api, {"area_id": tree.units[1].pk, "name": ""}, key="bad")
    again = _post(api, {"area_id": tree.units[1].pk, "name": ""}, key="bad")
    assert first.status_code == again.status_code == 422
    assert again["Idempotent-Replayed"] == "true"
    api.headers["Authorization"] = "Bearer hlj_not-a-token"
    assert _post(api, {"name": "x"}, key="anon").status_code == 401
    assert not IdempotencyRecord.objects.filter(key="anon").exists()


def test_a_malformed_key_is_a_422(api_as, secretary):
    """Keys are 1–255 printable ASCII characters."""
    response = _post(api_as(secretary), {"name": "x"}, key="钥匙")
    assert response.status_code == 422
