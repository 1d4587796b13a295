"""Site configuration and reports with the unmodified SDKs where they have them (wxc-sdk 1.41.0:
`meetings.list_tracking_codes`; webexpythonsdk 2.0.6: `meeting_templates`), and plain HTTP
elsewhere; every answer is checked against the vendor's contract. The configuration is the one
the XML API reads: a tracking code made over REST is named by GetSite, a user's session types are
GetUser's meeting types."""

import uuid

from conftest import HOST
from served import uses
from test_one_model import xml_call

CODES = "/admin/meeting/config/trackingCodes"


def site_url(server):
    return server.url.split("://", 1)[1] + "/demo"


def code_body(server, name):
    return {
        "name": name,
        "siteUrl": site_url(server),
        "options": [{"value": "Sales", "defaultValue": True}, {"value": "Design", "defaultValue": False}],
        "inputMode": "select",
        "hostProfileCode": "optional",
        "scheduleStartCodes": [{"service": "All", "type": "optional"}],
    }


@uses(
    f"POST {CODES}",
    f"GET {CODES}",
    f"GET {CODES}/{{trackingCodeId}}",
    f"PUT {CODES}/{{trackingCodeId}}",
    f"DELETE {CODES}/{{trackingCodeId}}",
    "GET /admin/meeting/userconfig/trackingCodes",
    "PUT /admin/meeting/userconfig/trackingCodes",
    "GET /meetings/trackingCodes",
)
def test_a_tracking_code_made_over_rest_is_the_xml_apis_and_wxc_lists_it(server, raw_admin, wxc_host):
    name = f"Dept {uuid.uuid4().hex[:6]}"
    made = raw_admin.call("POST", CODES, 200, json=code_body(server, name)).json()
    code_id = made["id"]
    try:
        assert raw_admin.call("GET", f"{CODES}/{code_id}", 200).json() == made
        assert any(c["id"] == code_id for c in raw_admin.call("GET", CODES, 200).json()["items"])
        # GetSite names it in its slot.
        site = xml_call(server, "site.GetSite", "")
        assert name in site["name"] or name in str(site), site

        # The host's own value, set by an administrator, is their default.
        user_codes = "/admin/meeting/userconfig/trackingCodes"
        body = {"siteUrl": site_url(server), "email": HOST, "trackingCodes": [{"name": name, "value": "Design"}]}
        put = raw_admin.call("PUT", user_codes, 200, json=body).json()
        assert put["trackingCodes"] == [{"id": code_id, "name": name, "value": "Design"}]
        got = raw_admin.call("GET", user_codes, 200, headers={"email": HOST}).json()
        assert got == put
        assert xml_call(server, "user.GetUser", "<webExId>host01</webExId>")[f"trackingCode{code_id}"] == "Design"

        codes = list(wxc_host.meetings.list_tracking_codes(service="MeetingCenter"))
        mine = next(c for c in codes if c.name == name)
        assert [(o.value, o.default_value) for o in mine.options] == [("Sales", False), ("Design", True)]

        renamed = code_body(server, name + " 2")
        assert raw_admin.call("PUT", f"{CODES}/{code_id}", 200, json=renamed).json()["name"] == name + " 2"
    finally:
        raw_admin.call("DELETE", f"{CODES}/{code_id}", 204, params={"siteUrl": site_url(server)})
    raw_admin.call("GET", f"{CODES}/{code_id}", 404)


@uses(
    "GET /admin/meeting/config/sessionTypes",
    "GET /admin/meeting/userconfig/sessionTypes",
    "PUT /admin/meeting/userconfig/sessionTypes",
    "GET /meetings/sessionTypes",
    "GET /meetings/sessionTypes/{sessionTypeId}",
)
def test_session_types_are_the_meeting_types_of_the_xml_api(server, raw_admin, raw_host):
    site_types = raw_admin.call("GET", "/admin/meeting/config/sessionTypes", 200).json()["items"]
    assert {t["type"] for t in site_types} >= {"meeting", "webinar"}
    user_types = "/admin/meeting/userconfig/sessionTypes"
    before = raw_admin.call("GET", user_types, 200, headers={"email": HOST}).json()["items"][0]
    ids = [t["id"] for t in before["sessionTypes"]]
    meeting_type = next(t["id"] for t in site_types if t["type"] == "meeting")
    try:
        body = {"siteUrl": site_url(server), "email": HOST, "sessionTypeIds": [meeting_type]}
        put = raw_admin.call("PUT", user_types, 200, json=body).json()
        assert [t["id"] for t in put["sessionTypes"]] == [meeting_type]
        xml = xml_call(server, "user.GetUser", "<webExId>host01</webExId>")
        assert xml["meetingType"] == meeting_type
        mine = raw_host.call("GET", "/meetings/sessionTypes", 200).json()["items"]
        assert [t["id"] for t in mine] == [meeting_type]
        raw_host.call("GET", f"/meetings/sessionTypes/{meeting_type}", 200)
    finally:
        raw_admin.call("PUT", user_types, 200, json={"siteUrl": site_url(server), "email": HOST, "sessionTypeIds": ids})


@uses("GET /meetings/templates", "GET /meetings/templates/{templateId}")
def test_templates_with_webexpythonsdk(webex_host, raw_host):
    templates = list(webex_host.meeting_templates.list())
    assert templates and all(t.templateType in ("meeting", "webinar") for t in templates)
    default = next(t for t in templates if t.isDefault and t.templateType == "meeting")
    one = webex_host.meeting_templates.get(default.id)
    assert one.id == default.id
    raw_host.call("GET", "/meetings/templates", 200, params={"templateType": "webinar"})
    raw_host.call("GET", f"/meetings/templates/{default.id}", 200)


@uses("GET /admin/meeting/config/commonSettings", "PATCH /admin/meeting/config/commonSettings")
def test_common_settings_are_getsites(server, raw_admin, raw_host):
    path = "/admin/meeting/config/commonSettings"
    before = raw_admin.call("GET", path, 200).json()
    flipped = not before["securityOptions"]["unlistAllMeetings"]
    try:
        after = raw_admin.call("PATCH", path, 200, json={"securityOptions": {"unlistAllMeetings": flipped}}).json()
        assert after["securityOptions"]["unlistAllMeetings"] is flipped
        assert after["defaultSchedulerOptions"] == before["defaultSchedulerOptions"]
        assert xml_call(server, "site.GetSite", "")["allMeetingsUnlisted"] == str(flipped).lower()
    finally:
        raw_admin.call("PATCH", path, 200, json={"securityOptions": {"unlistAllMeetings": not flipped}})
    raw_host.call("GET", path, 403)


@uses("GET /meetingReports/usage", "GET /meetingReports/attendees")
def test_reports_answer_the_contract(server, raw_admin, raw_host):
    usage = raw_admin.call("GET", "/meetingReports/usage", 200, params={"siteUrl": site_url(server)}).json()
    assert isinstance(usage["items"], list)
    attendees = raw_admin.call(
        "GET", "/meetingReports/attendees", 200, params={"siteUrl": site_url(server), "meetingTitle": "none such"}
    ).json()
    assert attendees["items"] == []
    raw_host.call("GET", "/meetingReports/usage", 403, params={"siteUrl": site_url(server)})
