"""core.notify: inbox rows with the change, email and signed webhooks after commit."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core import mail

from haolinju.core import notify
from haolinju.core.models import DeliveryStatus, Notification, WebhookDelivery
from haolinju.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.org")


@pytest.fixture
def bob():
    return UserFactory(username="bob", email="bob@example.org")


def test_inbox_rows_are_written_and_email_goes_only_to_who_chose_it(
    alice, bob, django_capture_on_commit_callbacks
):
    """Both get an inbox row; only Alice (email on) gets an email, and only after commit."""
    notify.preference_set(user=alice, email=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify.notify(recipients=[alice, bob, None, alice], kind="case.dispatched", title="新派单")
    assert Notification.objects.filter(kind="case.dispatched").count() == 2
    assert mail.outbox == []  # nothing is sent inside the transaction
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_a_muted_kind_writes_no_inbox_row(alice):
    """A person who muted a kind does not get it."""
    notify.preference_set(user=alice, muted_kinds=["activity.reminder"])
    assert notify.notify(recipients=[alice], kind="activity.reminder", title="提醒") == []


def test_webhooks_are_signed_and_retried_with_backoff(settings, django_capture_on_commit_callbacks):
    """The body is signed with HMAC-SHA256; a failure is retried, then given up."""
    settings.HAOLINJU_WEBHOOK_ATTEMPTS = 2
    endpoint = notify.webhook_endpoint_create(
        owner_type="org.organisation", owner_id=7, url="http://127.0.0.1:9/hook", secret="s3cret"
    )
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify(
            recipients=[], kind="case.whistled", title="吹哨", webhook_owner=("org.organisation", 7)
        )
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    seen = []

    def failing(url, body, headers):
        seen.append((body, headers))
        raise ConnectionRefusedError

    assert notify.attempt_webhook(delivery.pk, post=failing) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is not None and delivery.attempts == 1
    assert notify.attempt_webhook(delivery.pk, post=failing) == DeliveryStatus.FAILED
    body, headers = seen[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Haolinju-Signature"] == expected
    assert json.loads(body)["kind"] == "case.whistled"


def test_a_delivered_webhook_is_not_sent_again(django_capture_on_commit_callbacks):
    """Once a 2xx came back the delivery is done; another attempt sends nothing."""
    notify.webhook_endpoint_create(owner_type="x", owner_id=1, url="http://127.0.0.1:9/", secret="")
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify(recipients=[], kind="k", title="t", webhook_owner=("x", 1))
    delivery = WebhookDelivery.objects.get()
    calls = []

    def ok(*args):
        calls.append(args)
        return 204

    assert notify.attempt_webhook(delivery.pk, post=ok) == "delivered"
    assert notify.attempt_webhook(delivery.pk, post=ok) == "delivered"
    assert len(calls) == 1


def test_the_inbox_api_lists_mine_only_and_marks_read(api_as, alice, bob):
    """GET lists my notifications with the unread count; another's id is a 404; read-all works."""
    notify.notify(recipients=[alice], kind="k", title="给 Alice")
    (theirs,) = notify.notify(recipients=[bob], kind="k", title="给 Bob")
    api = api_as(alice)
    body = api.get("/api/v1/notifications").json()
    assert (body["count"], body["unread"], body["items"][0]["title"]) == (1, 1, "给 Alice")
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    mine = body["items"][0]["id"]
    assert api.post(f"/api/v1/notifications/{mine}/read").json() == {"marked": 1}
    assert api.get("/api/v1/notifications", unread="true").json()["count"] == 0
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 0}


def test_the_web_inbox_shows_my_messages(client, alice):
    """/inbox/ lists the signed-in user's notifications."""
    notify.notify(recipients=[alice], kind="k", title="您的求助已派单")
    client.force_login(alice)
    response = client.get("/inbox/")
    assert response.status_code == 200
    assert "您的求助已派单" in response.content.decode()
