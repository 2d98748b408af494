"""The convention pages: staff draft a convention and new versions, owners comment, the diff
between two versions (htmx fragment), putting a version to a vote; every change is a
``core.transitions`` event on the convention's timeline."""

from __future__ import annotations

import pytest
from django.test import Client

from haolinju.core.models import AuditEvent
from haolinju.deliberation.models import Convention
from haolinju.deliberation.services import conventions as services
from haolinju.deliberation.services import votes as vote_services

from .factories import ExampleCompound, window

pytestmark = pytest.mark.django_db

V1 = "第一条 垃圾分类投放。\n第二条 文明养犬。"
V2 = "第一条 垃圾分类投放，定时定点。\n第二条 文明养犬。\n第三条 邻里互助。"


@pytest.fixture
def ex():
    return ExampleCompound()


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_draft_comment_version_and_diff_on_the_pages(ex):
    """Staff draft from the list page; an owner comments; staff save v2; the page shows the
    diff of v1 → v2 and the htmx request answers with the diff fragment only."""
    staff = client_for(ex.officer)
    r = staff.post(
        "/deliberation/conventions/",
        {"area_id": ex.compound.pk, "title": "遗爱小区居民公约", "text": V1},
        follow=True,
    )
    c = Convention.objects.get()
    assert r.redirect_chain[-1][0] == f"/deliberation/conventions/{c.pk}/"
    url = f"/deliberation/conventions/{c.pk}/"
    owner = client_for(ex.owners[3])
    assert "修改草案" not in owner.get(url).content.decode()  # no draft form for owners
    owner.post(url, {"action": "comment", "text": "建议增加邻里互助条款"})
    owner.post(url, {"action": "version", "text": V2})  # refused: a message, nothing changes
    assert c.versions.count() == 1
    staff.post(url, {"action": "version", "text": V2, "note": "采纳意见"})
    page = staff.get(url).content.decode()
    assert "建议增加邻里互助条款" in page and "第三条 邻里互助。" in page
    assert 'class="diff-added"' in page and 'class="diff-removed"' in page
    part = staff.get(url, {"part": "diff", "a": "1", "b": "2"}, HTTP_HX_REQUEST="true")
    assert part.content.decode().lstrip().startswith('<div id="diff"')
    events = list(
        AuditEvent.objects.filter(target_id=c.pk, action__startswith="convention.")
        .order_by("id")
        .values_list("action", "data")
    )
    assert [a for a, _ in events] == [
        "convention.create",
        "convention.comment",
        "convention.version",
    ]
    assert events[2][1]["number"] == 2


def test_put_to_vote_from_the_page_then_adopted_text_is_published(ex):
    """Staff put v2 to a matter-2 vote from the page (state 表决中, drafting frozen: 409 on a new
    version); when the vote is certified as passed the page publishes the adopted text."""
    import datetime as dt

    from django.utils import timezone

    from haolinju.deliberation.models import Vote

    c = services.convention_create(actor=ex.officer, area=ex.compound, title="公约", text=V1)
    services.version_add(actor=ex.officer, convention=c, text=V2)
    opens, closes = window()
    vote = vote_services.vote_create(
        actor=ex.officer,
        area=ex.compound,
        matter_item=2,
        title="通过居民公约",
        opens_at=opens,
        closes_at=closes,
    )
    staff = client_for(ex.officer)
    url = f"/deliberation/conventions/{c.pk}/"
    assert "通过居民公约" in staff.get(url).content.decode()  # offered in the vote select
    staff.post(url, {"action": "put_to_vote", "vote_id": vote.pk, "version": 2})
    c.refresh_from_db()
    assert (c.status, c.vote_id, c.voted_version.number) == ("voting", vote.pk, 2)
    r = staff.post(url, {"action": "version", "text": V1}, follow=True)
    assert "不能在当前状态" in r.content.decode()
    for action in ("notice", "open"):
        vote_services.vote_transition(actor=ex.officer, vote_id=vote.pk, action=action)
    for n in (1, 2, 3, 4, 5, 7, 8):
        vote_services.ballot_cast(
            actor=ex.owners[n], vote_id=vote.pk, choice="for", channel="online"
        )
    past = timezone.now() - dt.timedelta(seconds=1)
    Vote.objects.filter(pk=vote.pk).update(closes_at=past)
    vote_services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="close")
    vote_services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="publish")
    Vote.objects.filter(pk=vote.pk).update(objection_until=past)
    vote_services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="certify")
    page = client_for(ex.owners[9]).get(url).content.decode()
    assert 'data-testid="adopted-text"' in page and "第三条 邻里互助。" in page
    adopt = AuditEvent.objects.get(action="convention.adopt", target_id=c.pk)
    assert (adopt.from_state, adopt.to_state, adopt.data["passed"]) == ("voting", "adopted", True)
    assert "已通过" in client_for(ex.owners[9]).get("/deliberation/conventions/").content.decode()


def test_outsiders_get_404_and_owners_cannot_draft_from_the_list(ex):
    """Another compound's staff get 404; an owner sees the list without the drafting form."""
    c = services.convention_create(actor=ex.officer, area=ex.compound, title="公约", text=V1)
    assert client_for(ex.outsider).get(f"/deliberation/conventions/{c.pk}/").status_code == 404
    page = client_for(ex.owners[1]).get("/deliberation/conventions/").content.decode()
    assert "公约" in page and 'data-testid="convention-form"' not in page
