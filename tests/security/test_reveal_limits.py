"""Reveals are minimum-necessary (issue 6, item 1, part): the reason must be a real sentence,
and each account's unmasked reads per day are capped, the first refusal audited and alerted."""

from __future__ import annotations

import pytest
from django.test import Client

from haolinju.accounts.services import token_issue
from haolinju.core.errors import InvalidInput
from haolinju.core.models import AuditEvent
from haolinju.people import services
from haolinju.people.models import PersonalDataRead, Title
from haolinju.people.tests.factories import PersonFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(tree):
    return staff(Title.BRANCH_SECRETARY, tree.compounds[0], home=tree.units[0], username="sec")


@pytest.mark.parametrize("reason", ["aaaa", "查看查看", "1111 2222", "。。。。。", "？？！！"])
def test_a_repeated_or_meaningless_reason_is_refused(secretary, tree, reason):
    """Repeated characters, two-character loops, digits or punctuation only: 422 on reason, and
    nothing is read or logged."""
    person = PersonFactory(area=tree.units[1])
    with pytest.raises(InvalidInput) as caught:
        services.personal_data_reveal(
            actor=secretary, person_id=person.pk, field="phone", reason=reason
        )
    assert caught.value.errors[0].field == "reason"
    assert not PersonalDataRead.objects.exists()


def test_a_real_sentence_is_accepted(secretary, tree):
    """A short real reason passes."""
    person = PersonFactory(area=tree.units[1])
    services.personal_data_reveal(
        actor=secretary, person_id=person.pk, field="phone", reason="上门核实住户"
    )
    assert PersonalDataRead.objects.count() == 1


def test_reveals_per_day_are_capped_and_the_first_refusal_alerts(secretary, tree, settings, caplog):
    """With a cap of 2, the third reveal of the day is a 429 on the API; one audit event and one
    security warning record the cap, however often it is hit again."""
    settings.HAOLINJU_REVEALS_PER_DAY = 2
    people = [PersonFactory(area=tree.units[1]) for _ in range(3)]
    client = Client()
    headers = {"Authorization": f"Bearer {token_issue(user=secretary)}"}

    def reveal(person):
        return client.post(
            f"/api/v1/people/{person.pk}/reveal",
            {"field": "phone", "reason": "上门核实住户信息"},
            content_type="application/json",
            headers=headers,
        )

    assert [reveal(p).status_code for p in people[:2]] == [200, 200]
    with caplog.at_level("WARNING", logger="haolinju.security"):
        refused = reveal(people[2])
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["field"] == "reason"
        assert reveal(people[2]).status_code == 429
    assert PersonalDataRead.objects.count() == 2
    assert AuditEvent.objects.filter(action="personal_data.reveal_cap").count() == 1
    assert [r.message for r in caplog.records if "reveal cap" in r.message] == [
        f"reveal cap of 2 reached by account {secretary.pk}"
    ]


def test_a_record_names_only_positions_in_areas_the_viewer_may_see(tree):
    """A property manager serving compounds in two communities: a worker of the first community
    sees the record with the first compound's position only, on the page and in the API; the
    manager sees both on their own record."""
    import datetime as dt

    from haolinju.people.models import Position

    mine = tree.compounds[0]
    elsewhere = next(c for c in tree.compounds if not c.path.startswith(tree.communities[0].path))
    manager = staff(Title.PROPERTY_MANAGER, mine, username="pm")
    Position.objects.create(
        person=manager.person,
        title=Title.PROPERTY_MANAGER,
        area=elsewhere,
        area_path=elsewhere.path,
        started_on=dt.date(2021, 1, 1),
    )
    worker = staff(Title.COMMUNITY_WORKER, tree.communities[0], username="worker")
    browser = Client()
    browser.force_login(worker)
    page = browser.get(f"/people/{manager.person.pk}/").content.decode()
    assert mine.name in page and elsewhere.name not in page
    api = browser.get(f"/api/v1/people/{manager.person.pk}").json()
    assert [p["area"]["id"] for p in api["positions"]] == [mine.pk]
    own = Client()
    own.force_login(manager)
    areas = {
        p["area"]["id"] for p in own.get(f"/api/v1/people/{manager.person.pk}").json()["positions"]
    }
    assert areas == {mine.pk, elsewhere.pk}
