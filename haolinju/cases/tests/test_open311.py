"""Open311 GeoReport v2: services, POST with an organisation's api_key, public reads without
personal data."""

from __future__ import annotations

from django.test import Client

from haolinju.cases import services
from haolinju.cases.models import Case, CaseKind, Category

from .factories import CaseFactory


def test_services_list_problem_report_categories(db):
    """services.json lists the problem-report categories; services/{code}.json answers."""
    client = Client()
    codes = {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
    assert codes == set(
        Category.objects.filter(kind=CaseKind.PROBLEM_REPORT).values_list("code", flat=True)
    )
    assert client.get("/open311/v2/services/lighting.json").json()["service_code"] == "lighting"
    assert client.get("/open311/v2/services/repair.json").status_code == 404


def test_post_needs_a_key_for_a_compound_in_the_organisations_remit(c):
    """A valid key of the property company posts a report about a compound it serves (owned by
    that compound); no key, a wrong key or another compound are refused."""
    key = services.open311_key_issue(organisation=c.property_company)
    body = {"service_code": "lighting", "description": "东门路灯不亮", "address_id": c.compound.pk}
    client = Client()
    assert client.post("/open311/v2/requests.json", body).status_code == 403
    assert client.post("/open311/v2/requests.json", body | {"api_key": "x"}).status_code == 403
    other = body | {"api_key": key, "address_id": c.other_compound.pk}
    assert client.post("/open311/v2/requests.json", other).status_code == 403
    r = client.post("/open311/v2/requests.json", body | {"api_key": key})
    assert r.status_code == 201
    case = Case.objects.get(pk=int(r.json()[0]["service_request_id"]))
    assert (case.owner_area_id, case.requester_id) == (c.compound.pk, None)


def test_public_reads_show_public_reports_without_personal_data(c):
    """requests.json shows public reports only, open/closed with our state in status_notes and
    the deadline as expected_datetime, and never the reporter."""
    public = CaseFactory(
        kind=CaseKind.PROBLEM_REPORT, category=Category.objects.get(code="litter"),
        area=c.compound, owner_area=c.compound, requester=c.resident.person,
        detail__public=True, detail__anonymous=False,
    )  # fmt: skip
    private = CaseFactory(
        kind=CaseKind.PROBLEM_REPORT, category=Category.objects.get(code="noise"),
        area=c.compound, owner_area=c.compound, requester=c.resident.person,
        detail__public=False,
    )  # fmt: skip
    client = Client()
    rows = client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [str(public.pk)]
    assert rows[0]["status"] == "open" and rows[0]["status_notes"] == "待派单"
    text = client.get(f"/open311/v2/requests/{public.pk}.json").content.decode()
    assert c.resident.person.name not in text
    assert client.get(f"/open311/v2/requests/{private.pk}.json").status_code == 404


def _xml(response):
    from xml.etree import ElementTree as ET

    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own server's output


def test_xml_services_and_definition_follow_the_spec_shapes(db):
    """services.xml is <services><service> with the same fields as JSON (metadata as
    true/false); services/{code}.xml is <service_definition> with <attributes>; an unknown code
    is an <errors><error> 404."""
    client = Client()
    root = _xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    json_rows = client.get("/open311/v2/services.json").json()
    xml_rows = [{child.tag: child.text or "" for child in s} for s in root.findall("service")]
    assert [r["service_code"] for r in xml_rows] == [r["service_code"] for r in json_rows]
    assert set(xml_rows[0]) == set(json_rows[0]) and xml_rows[0]["metadata"] == "false"
    definition = _xml(client.get("/open311/v2/services/lighting.xml"))
    assert definition.tag == "service_definition"
    assert definition.findtext("service_code") == "lighting"
    assert definition.find("attributes") is not None
    missing = client.get("/open311/v2/services/repair.xml")
    assert missing.status_code == 404
    error = _xml(missing).find("error")
    assert error.findtext("code") == "404" and error.findtext("description")
    assert client.get("/open311/v2/services.yaml").status_code == 404


def test_xml_post_and_reads(c):
    """POST requests.xml answers <service_requests><request><service_request_id>; a bad key is
    an XML error; GET requests.xml and requests/{id}.xml carry the JSON fields, null as an
    empty element, and no personal data."""
    key = services.open311_key_issue(organisation=c.property_company)
    body = {"service_code": "lighting", "description": "东门路灯不亮", "address_id": c.compound.pk}
    client = Client()
    bad = client.post("/open311/v2/requests.xml", body | {"api_key": "x"})
    assert bad.status_code == 403 and _xml(bad).tag == "errors"
    r = client.post("/open311/v2/requests.xml", body | {"api_key": key})
    assert r.status_code == 201
    created = _xml(r).find("request")
    request_id = created.findtext("service_request_id")
    assert request_id.isdigit() and created.find("service_notice") is not None
    listing = _xml(client.get("/open311/v2/requests.xml"))
    assert listing.tag == "service_requests"
    assert [e.findtext("service_request_id") for e in listing.findall("request")] == [request_id]
    one = _xml(client.get(f"/open311/v2/requests/{request_id}.xml")).find("request")
    expected = client.get(f"/open311/v2/requests/{request_id}.json").json()[0]
    assert {e.tag for e in one} == set(expected)
    assert one.findtext("status") == "open" and one.findtext("lat") == ""
    assert one.findtext("expected_datetime") == expected["expected_datetime"]
