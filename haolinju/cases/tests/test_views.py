"""The pages of the loop, driven with the test client: ask with a photo, see the expected
time, dispatch from the board, accept and resolve, rate; photos only for who sees the case."""

from __future__ import annotations

import io

from django.test import Client
from PIL import Image

from haolinju.cases.models import Attachment, Case, Status

from .factories import order_for


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (30, 27, 0), 4: (114, 52, 0)}  # GPS latitude / longitude
    exif[0x010F] = "Phone maker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_resident_asks_with_a_photo_and_the_loop_runs_through_pages(c):
    """Ask page shows the expected answer time; the photo is stored re-encoded without EXIF;
    the board lists the case; dispatch, accept, resolve and rate work from the case page."""
    resident = login(c.resident)
    page = resident.get("/cases/new/?kind=service_order")
    assert page.status_code == 200 and "预计" in page.content.decode()
    photo = io.BytesIO(jpeg_with_gps())
    photo.name = "leak.jpg"
    r = resident.post(
        "/cases/new/?kind=service_order",
        {"kind": "service_order", "category": "repair", "title": "水管漏水",
         "description": "厨房水管漏水，地上全是水。", "photo": photo},
    )  # fmt: skip
    assert r.status_code == 302
    case = Case.objects.get(title="水管漏水")
    stored = Attachment.objects.get(case=case)
    with Image.open(io.BytesIO(bytes(stored.content))) as img:
        assert img.format == "JPEG" and not img.getexif()
    secretary = login(c.secretary)
    board = secretary.get("/cases/board/").content.decode()
    assert "水管漏水" in board and "due-" in board
    assert c.member.person.name in secretary.get(f"/cases/{case.pk}/suggestions/").content.decode()
    secretary.post(
        f"/cases/{case.pk}/act/", {"action": "dispatch", "assignee_person": c.member.person.pk}
    )
    member = login(c.member)
    assert "水管漏水" in member.get("/cases/orders/").content.decode()
    for action in ("accept", "start", "resolve"):
        member.post(f"/cases/{case.pk}/act/", {"action": action})
    detail = resident.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="rate-form"' in detail
    resident.post(
        f"/cases/{case.pk}/act/",
        {"action": "rate", "contacted": "yes", "solved": "yes", "score": "5"},
    )
    assert Case.objects.get(pk=case.pk).status == Status.RATED


def test_photo_is_served_only_to_who_sees_the_case(c):
    """The requester and the compound's secretary get the photo; another compound's secretary
    and a neighbour (private order) get a 404."""
    from haolinju.cases import services

    case = order_for(c)
    photo = services.attachment_add(actor=c.resident, case=case, content=jpeg_with_gps())
    url = f"/cases/photos/{photo.pk}/"
    assert login(c.resident).get(url).status_code == 200
    assert login(c.secretary).get(url)["Content-Type"] == "image/jpeg"
    assert login(c.other_secretary).get(url).status_code == 404
    assert login(c.neighbour).get(url).status_code == 404


def test_a_non_image_is_refused(c):
    """A file that is not an image is refused with a message and nothing is stored."""
    from haolinju.cases import services
    from haolinju.core.errors import InvalidInput

    case = order_for(c)
    try:
        services.attachment_add(actor=c.resident, case=case, content=b"<script>alert(1)</script>")
    except InvalidInput as err:
        assert err.errors[0].field == "photo"
    else:
        raise AssertionError("accepted a non-image")
    assert not Attachment.objects.filter(case=case).exists()


def test_area_page_shows_the_three_rates_to_staff(c):
    """The area page of the compound shows the rates with numerators to its secretary."""
    page = login(c.secretary).get(f"/areas/{c.compound.pk}/")
    assert page.status_code == 200
    assert 'data-testid="case-rates"' in page.content.decode()


def test_secretary_records_rectification_from_the_case_page(c):
    """The rectification form saves the plan, result and quantity of a problem report."""
    from haolinju.cases.models import CaseKind

    from .factories import CaseFactory, category

    case = CaseFactory(
        kind=CaseKind.PROBLEM_REPORT, category=category("lighting"), area=c.compound,
        owner_area=c.compound, requester=c.resident.person, detail__public=True,
    )  # fmt: skip
    secretary = login(c.secretary)
    assert 'data-testid="rectify-form"' in secretary.get(f"/cases/{case.pk}/").content.decode()
    secretary.post(
        f"/cases/{case.pk}/act/",
        {"action": "rectify", "plan": "更换灯具", "result": "已换 6 盏", "fixed_quantity": "6"},
    )
    case.report.refresh_from_db()
    assert (case.report.rectification_result, case.report.fixed_quantity) == ("已换 6 盏", 6)
