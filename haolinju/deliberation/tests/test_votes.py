"""Owners' votes end to end through the API: electorate, ballots, tally, receipts, recount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from haolinju.core.crypto import mask_name
from haolinju.core.models import AuditEvent
from haolinju.deliberation.models import Ballot, Vote
from haolinju.deliberation.selectors import live_tally, recount
from haolinju.deliberation.services import votes as services
from haolinju.people.models import OccupancyRole

from .factories import ExampleCompound, own, window

pytestmark = pytest.mark.django_db


@pytest.fixture
def ex():
    return ExampleCompound()


def new_vote(ex, api_as, *, matter_item=9, **extra) -> dict:
    opens, closes = window()
    body = {
        "area_id": ex.compound.pk,
        "matter_item": matter_item,
        "title": "更换小区供水管道",
        "opens_at": opens.isoformat(),
        "closes_at": closes.isoformat(),
        **extra,
    }
    r = api_as(ex.officer).post("/api/v1/votes", body)
    assert r.status_code == 201, r.content
    return r.json()


def move(api, vote_id, action):
    return api.post(f"/api/v1/votes/{vote_id}/transitions", {"action": action})


def opened(ex, api_as, **kw) -> int:
    vote = new_vote(ex, api_as, **kw)
    officer = api_as(ex.officer)
    assert move(officer, vote["id"], "notice").status_code == 200
    assert move(officer, vote["id"], "open").status_code == 200
    return vote["id"]


def cast(api, vote_id, choice, channel="online", **extra):
    return api.post(
        f"/api/v1/votes/{vote_id}/ballots", {"choice": choice, "channel": channel, **extra}
    )


def test_notice_freezes_the_worked_example_electorate(ex, api_as):
    """Noticing a vote freezes N = 10 voters and 1,220 m² from the unit register; the public
    electorate shows units and areas with owner names masked."""
    vote = new_vote(ex, api_as)
    r = move(api_as(ex.officer), vote["id"], "notice")
    assert r.json()["status"] == "noticed"
    assert (r.json()["total_count"], r.json()["total_area"]) == (10, "1220.00")
    e = api_as(ex.owners[1]).get(f"/api/v1/votes/{vote['id']}/electorate", limit=50).json()
    assert e["count"] == 10
    p7 = next(v for v in e["items"] if len(v["units"]) == 2 and v["key"] != "dev")
    assert p7["area"] == "180.00"
    assert p7["owners"] == [mask_name("业主7")] and "业主7" not in str(e)
    dev = next(v for v in e["items"] if v["key"] == "dev")
    assert dev["area"] == "200.00" and dev["owners"] == []


def test_former_owners_and_tenants_are_not_voters(ex, api_as):
    """An ownership that ended and a tenancy do not make voters; a co-owner joins the unit's key."""
    from haolinju.people.tests.factories import PersonFactory

    former = PersonFactory(area=ex.unit("101"))
    own(former, ex.unit("101"), until=dt.date(2020, 1, 1))
    own(PersonFactory(area=ex.unit("502")), ex.unit("502"), role=OccupancyRole.TENANT)
    co = PersonFactory(area=ex.unit("102"))
    own(co, ex.unit("102"), role=OccupancyRole.CO_OWNER)
    vote = new_vote(ex, api_as)
    r = move(api_as(ex.officer), vote["id"], "notice").json()
    assert r["total_count"] == 10
    keys = {v.key for v in Vote.objects.get(pk=vote["id"]).voters.all()}
    assert f"o:{ex.persons[2].pk}.{co.pk}" in keys
    assert f"o:{ex.persons[1].pk}" in keys


def test_case_a_through_the_api(ex, api_as):
    """Case A of the worked example, owners voting online: the tally shows 7/10 and
    890/1220 m² taking part, 4/7 and 540/890 m² consenting."""
    vote_id = opened(ex, api_as)
    for n in (1, 3, 5, 7):
        assert cast(api_as(ex.owners[n]), vote_id, "for").status_code == 201
    for n in (2, 4, 8):
        assert cast(api_as(ex.owners[n]), vote_id, "against").status_code == 201
    t = api_as(ex.owners[9]).get(f"/api/v1/votes/{vote_id}/tally").json()
    assert t["participation"]["count"] == {"numerator": 7, "denominator": 10}
    assert t["participation"]["area"] == {"numerator": "890.00", "denominator": "1220.00"}
    assert t["consent"]["count"] == {"numerator": 4, "denominator": 7}
    assert t["consent"]["area"] == {"numerator": "540.00", "denominator": "890.00"}
    assert t["quorum"] is True and t["passed"] is True


def test_receipt_and_one_ballot_per_key_online(ex, api_as):
    """Each ballot returns a receipt; a later online ballot replaces the earlier one, which is
    kept but no longer counted."""
    vote_id = opened(ex, api_as)
    api = api_as(ex.owners[7])
    first = cast(api, vote_id, "against").json()["receipt"]
    second = cast(api, vote_id, "for").json()["receipt"]
    assert first != second
    ballots = Ballot.objects.filter(vote_id=vote_id)
    assert ballots.count() == 2
    assert ballots.get(receipt=first).superseded_at is not None
    t = live_tally(Vote.objects.get(pk=vote_id))
    assert t.consent.count.numerator == 1 and t.participation.count.numerator == 1


def test_no_replacement_when_the_vote_forbids_it(ex, api_as):
    """With replacement off, a second online ballot is refused (409) and the first counts."""
    vote_id = opened(ex, api_as, online_replaces=False)
    api = api_as(ex.owners[1])
    assert cast(api, vote_id, "for").status_code == 201
    r = cast(api, vote_id, "against")
    assert r.status_code == 409
    assert Ballot.objects.get(vote_id=vote_id).choice == "for"


def test_paper_beats_online(ex, api_as):
    """A paper ballot entered by the returning officer replaces the owner's online ballot; a
    later online ballot is refused."""
    vote_id = opened(ex, api_as)
    owner = api_as(ex.owners[3])
    assert cast(owner, vote_id, "for").status_code == 201
    officer = api_as(ex.officer)
    r = cast(officer, vote_id, "against", channel="paper", voter_unit=ex.unit("201").pk)
    assert r.status_code == 201
    assert cast(owner, vote_id, "for").status_code == 409
    counted = Ballot.objects.get(vote_id=vote_id, superseded_at__isnull=True)
    assert (counted.channel, counted.choice) == ("paper", "against")
    # a second paper ballot for the same key is refused too
    r = cast(officer, vote_id, "for", channel="paper", voter_unit=ex.unit("201").pk)
    assert r.status_code == 409


def test_online_first_when_paper_does_not_win(ex, api_as):
    """With paper_beats_online off, the first ballot of the key counts whatever its channel."""
    vote_id = opened(ex, api_as, paper_beats_online=False)
    assert cast(api_as(ex.owners[3]), vote_id, "for").status_code == 201
    r = cast(api_as(ex.officer), vote_id, "against", channel="paper", voter_unit=ex.unit("201").pk)
    assert r.status_code == 409


def test_proxy_needs_the_authorisation_and_staff(ex, api_as):
    """A proxy ballot records the proxy and the authorisation; without them it is a 422; only a
    returning officer may enter paper or proxy ballots (the clerk governs but is not named)."""
    vote_id = opened(ex, api_as)
    officer = api_as(ex.officer)
    unit = ex.unit("601").pk  # the developer's key
    assert cast(officer, vote_id, "for", channel="proxy", voter_unit=unit).status_code == 422
    assert (
        cast(api_as(ex.clerk), vote_id, "for", channel="paper", voter_unit=unit).status_code == 403
    )
    r = cast(
        officer,
        vote_id,
        "for",
        channel="proxy",
        voter_unit=unit,
        proxy_name="李经理",
        authorisation="授权委托书 2026-031 号",
    )
    assert r.status_code == 201
    b = Ballot.objects.get(receipt=r.json()["receipt"])
    assert (b.voter_key, b.proxy_name, b.authorisation) == (
        "dev",
        "李经理",
        "授权委托书 2026-031 号",
    )


def test_non_owners_cannot_vote_online(ex, api_as):
    """A tenant is not in the electorate (403); an owner of another compound cannot see the vote."""
    vote_id = opened(ex, api_as)
    assert cast(api_as(ex.tenant), vote_id, "for").status_code == 403
    assert cast(api_as(ex.outsider), vote_id, "for").status_code == 404
    assert not Ballot.objects.exists()


def test_changes_after_the_first_ballot_are_refused_and_logged(ex, api_as):
    """Before any ballot the matter can change; after the first one every change is a 409,
    nothing changes, and the refusal is on the record."""
    vote = new_vote(ex, api_as)
    officer = api_as(ex.officer)
    url = f"/api/v1/votes/{vote['id']}"
    r = officer.client.patch(
        url, {"matter_item": 7}, content_type="application/json", headers=officer.headers
    )
    assert r.status_code == 200 and r.json()["matter_class"] == "special"
    move(officer, vote["id"], "notice")
    move(officer, vote["id"], "open")
    cast(api_as(ex.owners[1]), vote["id"], "for")
    r = officer.client.patch(
        url, {"matter_item": 9}, content_type="application/json", headers=officer.headers
    )
    assert r.status_code == 409
    assert Vote.objects.get(pk=vote["id"]).matter_item == 7
    assert AuditEvent.objects.filter(action="vote.change_refused", target_id=vote["id"]).exists()


def test_electorate_cannot_be_refreshed_after_the_first_ballot(ex):
    """Correcting the electorate after an objection is possible during notice, not once voting
    has begun."""
    opens, closes = window()
    vote = services.vote_create(
        actor=ex.officer,
        area=ex.compound,
        matter_item=9,
        title="t",
        opens_at=opens,
        closes_at=closes,
    )
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="notice")
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="refresh_electorate")
    assert Vote.objects.get(pk=vote.pk).voters.count() == 10


def test_hidden_until_close(ex, api_as):
    """With results hidden, owners see participation only until the close; the returning
    officer sees consent."""
    vote_id = opened(ex, api_as, results_hidden=True)
    cast(api_as(ex.owners[1]), vote_id, "for")
    t = api_as(ex.owners[2]).get(f"/api/v1/votes/{vote_id}/tally").json()
    assert t["hidden"] is True and t["consent"] is None and t["passed"] is None
    assert t["participation"]["count"]["numerator"] == 1
    t = api_as(ex.officer).get(f"/api/v1/votes/{vote_id}/tally").json()
    assert t["hidden"] is False and t["consent"]["count"]["numerator"] == 1


def test_close_publish_certify_with_receipts_and_recount(ex, api_as):
    """After the close the result is stored, the receipt list (no choices) is published and
    sealed with a Merkle root, owners find their receipt, and certification waits for the
    objection window; the recount reproduces the stored result."""
    vote_id = opened(ex, api_as)
    receipts = [
        cast(api_as(ex.owners[n]), vote_id, "for").json()["receipt"] for n in (1, 2, 3, 4, 5, 7, 8)
    ]
    officer = api_as(ex.officer)
    assert move(officer, vote_id, "close").status_code == 409  # not yet at the closing time
    Vote.objects.filter(pk=vote_id).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    r = move(officer, vote_id, "close")
    assert r.status_code == 200 and r.json()["receipts_root"]
    vote = Vote.objects.get(pk=vote_id)
    assert vote.result["passed"] is True
    assert recount(vote).as_dict() == vote.result
    page = api_as(ex.owners[9]).get(f"/api/v1/votes/{vote_id}/receipts", limit=50).json()
    assert sorted(i["receipt"] for i in page["items"]) == sorted(receipts)
    assert all(set(i) == {"receipt", "channel", "counted"} for i in page["items"])
    mine = api_as(ex.owners[1]).get(f"/api/v1/votes/{vote_id}/receipts", code=receipts[0]).json()
    assert mine["count"] == 1 and mine["items"][0]["counted"] is True
    assert move(officer, vote_id, "publish").json()["objection_until"]
    assert move(officer, vote_id, "certify").status_code == 409  # objection window still open
    Vote.objects.filter(pk=vote_id).update(objection_until=timezone.now() - dt.timedelta(seconds=1))
    assert move(officer, vote_id, "certify").json()["status"] == "certified"


def test_choices_only_for_returning_officers_and_logged(ex, api_as):
    """Who chose what is a 404 for owners and for staff not named on the vote; the returning
    officer reads it, and the read is logged."""
    vote_id = opened(ex, api_as)
    cast(api_as(ex.owners[1]), vote_id, "against")
    url = f"/api/v1/votes/{vote_id}/choices"
    assert api_as(ex.owners[1]).get(url).status_code == 404
    assert api_as(ex.clerk).get(url).status_code == 404
    r = api_as(ex.officer).get(url)
    assert r.status_code == 200 and r.json()["items"][0]["choice"] == "against"
    assert AuditEvent.objects.filter(action="vote.choices_read", target_id=vote_id).count() == 1


def test_ballots_only_while_open(ex, api_as):
    """A draft or noticed vote takes no ballots (409)."""
    vote = new_vote(ex, api_as)
    assert cast(api_as(ex.owners[1]), vote["id"], "for").status_code == 409
    move(api_as(ex.officer), vote["id"], "notice")
    assert cast(api_as(ex.owners[1]), vote["id"], "for").status_code == 409


def test_only_staff_of_the_area_create_votes(ex, api_as):
    """An owner cannot create a vote (403); a unit is no vote scope (422)."""
    opens, closes = window()
    body = {
        "area_id": ex.compound.pk,
        "matter_item": 1,
        "title": "x",
        "opens_at": opens.isoformat(),
        "closes_at": closes.isoformat(),
    }
    assert api_as(ex.owners[1]).post("/api/v1/votes", body).status_code == 403
    body["area_id"] = ex.unit("101").pk
    assert api_as(ex.officer).post("/api/v1/votes", body).status_code == 422
    assert not Vote.objects.exists()


def test_building_scope_uses_its_units(ex, api_as):
    """A vote scoped to one entrance counts that entrance's units only."""
    vote = new_vote(ex, api_as, area_id=ex.entrance.pk)
    r = move(api_as(ex.officer), vote["id"], "notice").json()
    assert Decimal(r["total_area"]) == Decimal("1220.00")
