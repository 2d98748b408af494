"""The compound convention: versions, comments, a diff, adoption by a certified owners' vote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from haolinju.deliberation.models import Vote

from .factories import ExampleCompound, window

pytestmark = pytest.mark.django_db

V1 = "第一条 垃圾分类投放。\n第二条 文明养犬，出门牵绳。\n第三条 车辆有序停放。"
V2 = (
    "第一条 垃圾分类投放，定时定点。\n第二条 文明养犬，出门牵绳。\n"
    "第三条 车辆有序停放。\n第四条 邻里互助。"
)


@pytest.fixture
def ex():
    return ExampleCompound()


def test_versions_comments_diff_and_adoption(ex, api_as):
    """Staff draft v1 and v2; an owner comments; the diff shows the changed and added lines;
    the convention is put to an owners' vote on v2 and adopted when the vote is certified."""
    officer = api_as(ex.officer)
    c = officer.post(
        "/api/v1/conventions", {"area_id": ex.compound.pk, "title": "遗爱小区居民公约", "text": V1}
    ).json()
    url = f"/api/v1/conventions/{c['id']}"
    officer.post(f"{url}/versions", {"text": V2, "note": "采纳业主意见"})
    assert officer.post(f"{url}/versions", {"text": V2}).status_code == 422  # unchanged
    r = api_as(ex.owners[3]).post(f"{url}/comments", {"text": "建议增加邻里互助条款", "version": 1})
    assert r.json()["comments"][0]["text"] == "建议增加邻里互助条款"
    lines = officer.get(f"{url}/diff", a=1, b=2).json()["lines"]
    assert "-第一条 垃圾分类投放。" in lines and "+第四条 邻里互助。" in lines
    opens, closes = window()
    v = officer.post(
        "/api/v1/votes",
        {
            "area_id": ex.compound.pk,
            "matter_item": 2,
            "title": "通过居民公约",
            "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(),
        },
    ).json()
    assert (
        officer.post(f"{url}/vote", {"vote_id": v["id"], "version": 2}).json()["status"] == "voting"
    )
    assert officer.post(f"{url}/versions", {"text": V1}).status_code == 409  # frozen while voting
    vurl = f"/api/v1/votes/{v['id']}"
    for action in ("notice", "open"):
        officer.post(f"{vurl}/transitions", {"action": action})
    for n in (1, 2, 3, 4, 5, 7, 8):
        api_as(ex.owners[n]).post(f"{vurl}/ballots", {"choice": "for"})
    past = timezone.now() - dt.timedelta(seconds=1)
    Vote.objects.filter(pk=v["id"]).update(closes_at=past)
    officer.post(f"{vurl}/transitions", {"action": "close"})
    officer.post(f"{vurl}/transitions", {"action": "publish"})
    Vote.objects.filter(pk=v["id"]).update(objection_until=past)
    officer.post(f"{vurl}/transitions", {"action": "certify"})
    adopted = api_as(ex.owners[9]).get(url).json()
    assert adopted["status"] == "adopted"
    assert (adopted["adopted_version"], adopted["adopted_text"]) == (2, V2)


def test_owners_cannot_draft(ex, api_as):
    """Drafting a convention is for staff (403); outsiders cannot see it (404)."""
    body = {"area_id": ex.compound.pk, "title": "公约", "text": V1}
    assert api_as(ex.owners[1]).post("/api/v1/conventions", body).status_code == 403
    c = api_as(ex.officer).post("/api/v1/conventions", body).json()
    assert api_as(ex.outsider).get(f"/api/v1/conventions/{c['id']}").status_code == 404
