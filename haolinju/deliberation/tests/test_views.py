"""The pages: an owner votes on the vote page, the officer enters a paper ballot at the desk,
the receipt check, the proposal page and the cost-share page with its export."""

from __future__ import annotations

import pytest
from django.test import Client

from haolinju.deliberation.models import Ballot
from haolinju.deliberation.services import costs as cost_services
from haolinju.deliberation.services import votes as services

from .factories import ExampleCompound, window

pytestmark = pytest.mark.django_db


@pytest.fixture
def ex():
    return ExampleCompound()


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def vote(ex):
    opens, closes = window()
    v = services.vote_create(
        actor=ex.officer,
        area=ex.compound,
        matter_item=7,
        title="加装电梯",
        opens_at=opens,
        closes_at=closes,
    )
    services.vote_transition(actor=ex.officer, vote_id=v.pk, action="notice")
    services.vote_transition(actor=ex.officer, vote_id=v.pk, action="open")
    return v


def test_owner_votes_on_the_vote_page_and_sees_the_receipt(ex, vote):
    """An owner taps 同意; the page shows the receipt and the tally counts the owner."""
    c = client_for(ex.owners[5])
    page = c.get(f"/deliberation/votes/{vote.pk}/")
    assert page.status_code == 200 and "我的投票" in page.content.decode()
    r = c.post(f"/deliberation/votes/{vote.pk}/ballot/", {"choice": "for"}, follow=True)
    body = r.content.decode()
    receipt = Ballot.objects.get(vote=vote).receipt
    assert receipt in body
    assert "1 / 10" in body  # head count bar
    assert "150.00 / 1220.00" in body  # area bar


def test_desk_enters_a_paper_ballot(ex, vote):
    """The returning officer finds unit 401 and enters a paper ballot; others get a 404."""
    c = client_for(ex.officer)
    page = c.get(f"/deliberation/votes/{vote.pk}/desk/", {"q": "401"})
    assert "1栋1单元401" in page.content.decode()
    r = c.post(
        f"/deliberation/votes/{vote.pk}/desk/?q=401",
        {"voter_unit": ex.unit("401").pk, "channel": "paper", "choice": "against"},
    )
    assert "已录入" in r.content.decode()
    b = Ballot.objects.get(vote=vote)
    assert (b.channel, b.choice, b.area_cents) == ("paper", "against", 18000)
    assert client_for(ex.clerk).get(f"/deliberation/votes/{vote.pk}/desk/").status_code == 404
    assert client_for(ex.owners[1]).get(f"/deliberation/votes/{vote.pk}/desk/").status_code == 404


def test_receipt_check_page(ex, vote):
    """After the close an owner finds their receipt in the published list."""
    ballot = services.ballot_cast(
        actor=ex.owners[1], vote_id=vote.pk, choice="for", channel="online"
    )
    from django.utils import timezone

    type(vote).objects.filter(pk=vote.pk).update(closes_at=timezone.now())
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="close")
    r = client_for(ex.owners[2]).get(
        f"/deliberation/votes/{vote.pk}/receipts/", {"code": ballot.receipt}
    )
    assert "已计入统计" in r.content.decode()
    r = client_for(ex.owners[2]).get(f"/deliberation/votes/{vote.pk}/receipts/", {"code": "NOPE"})
    assert "没有该回执码" in r.content.decode()


def test_proposal_pages(ex):
    """An owner raises a proposal from the form and sees it with its four steps."""
    c = client_for(ex.owners[1])
    r = c.post(
        "/deliberation/proposals/new/",
        {
            "area_id": ex.compound.pk,
            "category": "elevators",
            "title": "加装电梯",
            "body": "老人上下楼难",
        },
        follow=True,
    )
    body = r.content.decode()
    assert "加装电梯" in body and "商议" in body and "审议" in body
    assert client_for(ex.outsider).get(r.redirect_chain[-1][0]).status_code == 404
    assert "加装电梯" in client_for(ex.owners[2]).get("/deliberation/").content.decode()


def test_cost_share_page_and_export(ex):
    """The cost-share page lists each unit in yuan and offers the .xlsx."""
    plan = cost_services.cost_share_create(
        actor=ex.officer, title="供水管道改造", total_fen=38_650_000, area=ex.compound
    )
    c = client_for(ex.owners[1])
    body = c.get(f"/deliberation/cost-shares/{plan.pk}/").content.decode()
    assert "386500.00" in body and "1栋1单元101" in body
    x = c.get(f"/deliberation/cost-shares/{plan.pk}/", {"format": "xlsx"})
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")
