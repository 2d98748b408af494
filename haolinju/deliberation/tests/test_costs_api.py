"""Cost shares through the API and the per-unit export; the recount command."""

from __future__ import annotations

import io
import json
from fractions import Fraction

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from haolinju.deliberation.models import CostShareLine
from haolinju.deliberation.services import votes as services

from .factories import ExampleCompound, window

pytestmark = pytest.mark.django_db


@pytest.fixture
def ex():
    return ExampleCompound()


def test_the_issue_cost_shared_by_area_to_the_fen(ex, api_as):
    """¥386,500.00 over the compound's twelve units by exclusive area: shares in fen that add up
    exactly, each within a fen of its exact share, and an .xlsx with one row per unit."""
    api = api_as(ex.officer)
    r = api.post(
        "/api/v1/cost-shares",
        {"title": "供水管道改造", "total_fen": 38_650_000, "area_id": ex.compound.pk},
    )
    assert r.status_code == 201, r.content
    plan = r.json()
    assert len(plan["shares"]) == 12
    assert sum(s["fen"] for s in plan["shares"]) == 38_650_000
    for s in plan["shares"]:
        exact = Fraction(38_650_000) * Fraction(s["weight"]) / 1220
        assert abs(s["fen"] - exact) < 1
    assert plan["shares"][0]["unit"] == "1栋1单元101"
    x = api.client.get(f"/api/v1/cost-shares/{plan['id']}/xlsx", headers=api.headers)
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(x.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 13
    assert sum(row[3] for row in rows[1:]) == 38_650_000


def test_floor_coefficients_for_an_elevator(ex, api_as):
    """Elevator retrofit: ground-floor units pay nothing, upper floors by area × coefficient."""
    coefficients = {"1": "0", "2": "0.6", "3": "0.8", "4": "1", "5": "1.2", "6": "1.4"}
    r = api_as(ex.officer).post(
        "/api/v1/cost-shares",
        {
            "total_fen": 100_000_00,
            "area_id": ex.entrance.pk,
            "basis": "floor",
            "floor_coefficients": coefficients,
        },
    )
    assert r.status_code == 201, r.content
    by_unit = {s["unit"]: s["fen"] for s in r.json()["shares"]}
    assert by_unit["1栋1单元101"] == 0
    assert sum(by_unit.values()) == 100_000_00


def test_explicit_weights_must_cover_every_unit(ex, api_as):
    """Per-unit weights that leave a unit out are a 422; nothing is stored."""
    body = {
        "total_fen": 1000,
        "unit_ids": [ex.unit("101").pk, ex.unit("102").pk],
        "basis": "weights",
        "weights": {str(ex.unit("101").pk): "1"},
    }
    r = api_as(ex.officer).post("/api/v1/cost-shares", body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "weights"
    body["weights"][str(ex.unit("102").pk)] = "2"
    r = api_as(ex.officer).post("/api/v1/cost-shares", body)
    assert [s["fen"] for s in r.json()["shares"]] == [333, 667]


def test_owners_and_outsiders_cannot_share_costs(ex, api_as):
    """An owner gets a 403; staff of another compound cannot even see the area (404)."""
    body = {"total_fen": 1000, "area_id": ex.compound.pk}
    assert api_as(ex.owners[1]).post("/api/v1/cost-shares", body).status_code == 403
    assert api_as(ex.outsider).post("/api/v1/cost-shares", body).status_code == 404
    assert not CostShareLine.objects.exists()


def test_recount_command_reproduces_the_result(ex):
    """`vote_recount` prints the recount and confirms it matches the live tally."""
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
    services.vote_transition(actor=ex.officer, vote_id=vote.pk, action="open")
    services.ballot_cast(actor=ex.owners[1], vote_id=vote.pk, choice="for", channel="online")
    out = io.StringIO()
    call_command("vote_recount", str(vote.pk), stdout=out)
    report = json.loads(out.getvalue())
    assert report["matches_live_tally"] is True
    assert report["recount"]["participation"]["count"] == {"numerator": 1, "denominator": 10}
