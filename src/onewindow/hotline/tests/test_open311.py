"""Open311 GeoReport v2: services, posting and reading requests, in JSON and XML, with its errors."""

import xml.etree.ElementTree as ET

import pytest

from onewindow.core.models import ApiToken, User
from onewindow.hotline.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key(routes):
    return ApiToken.issue(User.objects.get(username="agent"), scopes=["open311:write"])[1]


def post(client, fmt="json", **fields):
    return client.post(f"/open311/v2/requests.{fmt}", fields)


REPORT = {
    "service_code": "urban",
    "lat": "23.020673",
    "long": "113.751799",
    "address_string": "南城街道宏图路 88 号",
    "description": "小区门口的污水井盖破损，晚上有行人踩空。",
    "first_name": "伟",
    "last_name": "李",
    "phone": "13900139000",
}


def test_services_list_and_definition_in_json_and_xml(client, routes):
    services = client.get("/open311/v2/services.json")
    assert services.status_code == 200 and services["Content-Type"].startswith("application/json")
    urban = next(s for s in services.json() if s["service_code"] == "urban")
    assert urban["service_name"] == "城乡建设" and urban["metadata"] is True and urban["type"] == "realtime"
    fields = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert set(urban) == fields and urban["keywords"] == "物业, 供暖, 小区, 房屋"

    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code").text
    assert len(root.findall("service")) == 7

    definition = client.get("/open311/v2/services/urban.json").json()
    attribute = definition["attributes"][0]
    assert definition["service_code"] == "urban" and attribute["code"] == "ticket_type"
    assert attribute["datatype"] == "singlevaluelist" and attribute["required"] is False
    assert {"complaint", "report", "consultation"} <= {v["key"] for v in attribute["values"]}
    xml_definition = ET.fromstring(client.get("/open311/v2/services/urban.xml").content)
    assert xml_definition.tag == "service_definition"
    assert xml_definition.find("attributes/attribute/values/value/key") is not None

    missing = client.get("/open311/v2/services/nope.json")
    assert missing.status_code == 404 and missing.json() == [
        {"code": 404, "description": "service_code 'nope' not found"}
    ]
    missing_xml = ET.fromstring(client.get("/open311/v2/services/nope.xml").content)
    assert missing_xml.tag == "errors" and missing_xml.find("error/code").text == "404"


def test_a_posted_request_enters_the_loop_and_reads_back(client, api_key):
    created = post(client, api_key=api_key, **REPORT)
    assert created.status_code == 201, created.content
    (answer,) = created.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    ticket = Ticket.objects.get(number=answer["service_request_id"])
    # Dispatched at once to the category's department, in the same loop as a phone call's.
    assert ticket.channel == "open311" and ticket.status == "dispatched" and ticket.department.code == "zj"
    assert ticket.ticket_type == "report" and ticket.caller_name == "伟 李"

    (read,) = client.get(f"/open311/v2/requests/{ticket.number}.json").json()
    assert read["status"] == "open" and read["service_code"] == "urban" and read["lat"] == 23.020673
    assert read["agency_responsible"] == str(ticket.department)
    for field in ("service_request_id", "status_notes", "service_name", "description", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "long",
                  "media_url", "service_notice"):  # fmt: skip
        assert field in read
    assert read["requested_datetime"].endswith("+08:00")

    xml = ET.fromstring(client.get(f"/open311/v2/requests/{ticket.number}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text == ticket.number

    listed = client.get("/open311/v2/requests.json", {"service_code": "urban", "status": "open"}).json()
    assert [r["service_request_id"] for r in listed] == [ticket.number]
    assert client.get("/open311/v2/requests.json", {"status": "closed"}).json() == []
    by_id = client.get("/open311/v2/requests.json", {"service_request_id": f"{ticket.number},nope"}).json()
    assert [r["service_request_id"] for r in by_id] == [ticket.number]
    window = {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-02-01T00:00:00+08:00"}
    assert client.get("/open311/v2/requests.json", window).json() == []
    typed = post(client, api_key=api_key, **{**REPORT, "attribute[ticket_type]": "complaint"})
    assert Ticket.objects.get(number=typed.json()[0]["service_request_id"]).ticket_type == "complaint"


@pytest.mark.parametrize(
    ("fields", "status", "description"),
    [
        ({"api_key": "wrong"}, 403, "api_key: missing or invalid"),
        ({"service_code": ""}, 400, "service_code: required"),
        ({"service_code": "nope"}, 404, "service_code 'nope' not found"),
        ({"lat": "", "long": "", "address_string": ""}, 400, "lat and long, or address_string"),
        ({"lat": "north"}, 400, "lat: not a number"),
        ({"lat": "nan"}, 400, "lat: not a number"),
        ({"attribute[ticket_type]": "gossip"}, 400, "attribute[ticket_type]: one of"),
        ({"description": ""}, 201, None),  # the service's name stands in for a missing description
    ],
)
def test_posting_errors_follow_the_specification(client, api_key, fields, status, description):
    response = post(client, **{**REPORT, "api_key": api_key, **fields})
    assert response.status_code == status, response.content
    if description:
        (error,) = response.json()
        assert error["code"] == status and error["description"].startswith(description)
        xml = post(client, "xml", **{**REPORT, "api_key": api_key, **fields})
        assert ET.fromstring(xml.content).find("error/description").text.startswith(description)
    assert Ticket.objects.count() == (1 if status == 201 else 0)


def test_a_token_without_the_open311_scope_cannot_post_and_bad_queries_name_the_parameter(client, routes):
    narrow = ApiToken.issue(User.objects.get(username="agent"), scopes=["tickets:read"])[1]
    assert post(client, api_key=narrow, **REPORT).status_code == 403
    bad = client.get("/open311/v2/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and bad.json()[0]["description"].startswith("start_date")
    assert client.get("/open311/v2/requests.json", {"status": "pending"}).status_code == 400
    assert client.get("/open311/v2/requests.csv").status_code == 404
    assert client.get("/open311/v2/requests/nope.json").status_code == 404
