"""wxc-sdk 1.41.0, unmodified: `api.meetings.preferences` against kaigi. The personal room the SDK
reads and changes is the one the XML API's GetUser shows (same link, access code and host PIN)."""

import pytest
from wxc_sdk.meetings.preferences import CoHost, OfficeNumber, VideoDevice
from wxc_sdk.rest import RestError

from conftest import HOST, OTHER_HOST, UNLICENSED
from served import uses
from test_one_model import xml_call

ROOM_OPS = ("GET /meetingPreferences/personalMeetingRoom", "PUT /meetingPreferences/personalMeetingRoom")


@uses("GET /meetingPreferences", *ROOM_OPS)
def test_the_personal_room_is_the_one_the_xml_api_shows(server, wxc_host):
    prefs = wxc_host.meetings.preferences
    details = prefs.details()
    room = details.personal_meeting_room
    assert room.personal_meeting_room_link.endswith("/meet/host01")
    assert [(s.site_url, s.default) for s in details.sites] == [(server.url.split("://", 1)[1] + "/demo", True)]
    xml = xml_call(server, "user.GetUser", "<webExId>host01</webExId>")
    assert xml["personalMeetingRoomURL"] == room.personal_meeting_room_link
    assert xml["accessCode"] == room.telephony.access_code
    assert xml["hostPIN"] == room.host_pin

    changed = prefs.update_personal_meeting_room_options(
        topic="host01's wxc room",
        host_pin="5820",
        enabled_auto_lock=True,
        auto_lock_minutes=15,
        enabled_notify_host=True,
        support_co_host=True,
        co_hosts=[CoHost(email=OTHER_HOST, display_name="ignored"), CoHost(email=UNLICENSED)],
    )
    assert (changed.topic, changed.host_pin, changed.auto_lock_minutes) == ("host01's wxc room", "5820", 15)
    # A co-host must hold a host licence, as on a meeting: the unlicensed employee is left out.
    assert [c.email for c in changed.co_hosts] == [OTHER_HOST]
    xml = xml_call(server, "user.GetUser", "<webExId>host01</webExId>")
    assert (xml["title"], xml["hostPIN"], xml["PMRAutoLock"]) == ("host01's wxc room", "5820", "true")
    again = prefs.personal_meeting_room_options()
    assert again.personal_meeting_room_link == room.personal_meeting_room_link


@uses(*ROOM_OPS)
def test_a_host_pin_with_a_run_is_refused(wxc_host):
    with pytest.raises(RestError) as raised:
        wxc_host.meetings.preferences.update_personal_meeting_room_options(
            topic="Run",
            host_pin="1234",
            enabled_auto_lock=False,
            auto_lock_minutes=0,
            enabled_notify_host=False,
            support_co_host=False,
            co_hosts=[],
        )
    assert raised.value.response.status_code == 400
    assert "hostPin" in raised.value.detail.errors[0].description


@uses(
    "GET /meetingPreferences/audio",
    "PUT /meetingPreferences/audio",
    "GET /meetingPreferences/video",
    "PUT /meetingPreferences/video",
    "GET /meetingPreferences/schedulingOptions",
    "PUT /meetingPreferences/schedulingOptions",
)
def test_audio_video_and_scheduling_round_trip(wxc_host):
    prefs = wxc_host.meetings.preferences
    audio = prefs.update_audio_options(
        default_audio_type="voipOnly",
        audio_pin="1314",
        office_number=OfficeNumber(country_code="81", number="3-1234-5678", enabled_call_me=True),
    )
    assert (audio.default_audio_type, audio.audio_pin) == ("voipOnly", "1314")
    assert prefs.audio_options().office_number.number == "3-1234-5678"
    devices = [
        VideoDevice(device_name="Desk", device_address="desk@demo.example", is_default=True),
        VideoDevice(device_name="Room", device_address="room@demo.example", is_default=False),
    ]
    assert [d.device_name for d in prefs.update_video_options(video_devices=devices)] == ["Desk", "Room"]
    assert [d.is_default for d in prefs.video_options()] == [True, False]
    options = prefs.update_scheduling_options(enabled_join_before_host=True, join_before_host_minutes=5)
    assert (options.enabled_join_before_host, options.join_before_host_minutes) == (True, 5)
    assert prefs.scheduling_options().join_before_host_minutes == 5


@uses("GET /meetingPreferences/sites", "PUT /meetingPreferences/sites")
def test_the_one_site_is_the_default(wxc_host):
    prefs = wxc_host.meetings.preferences
    [site] = prefs.site_list()
    assert site.default
    assert prefs.update_default_site(default_site=True, site_url=site.site_url).site_url == site.site_url
    with pytest.raises(RestError) as raised:
        prefs.update_default_site(default_site=True, site_url="elsewhere.example.com")
    assert raised.value.response.status_code == 404


@uses(*ROOM_OPS)
def test_user_email_is_for_administrators(wxc_host, wxc_admin):
    room = wxc_admin.meetings.preferences.personal_meeting_room_options(user_email=OTHER_HOST)
    assert room.personal_meeting_room_link.endswith("/meet/host02")
    with pytest.raises(RestError) as raised:
        wxc_host.meetings.preferences.personal_meeting_room_options(user_email=OTHER_HOST)
    assert raised.value.response.status_code == 403
    assert raised.value.detail.errors[0].description == "Not permitted to view or change other user's preferences"
    own = wxc_host.meetings.preferences.personal_meeting_room_options(user_email=HOST)
    assert own.personal_meeting_room_link.endswith("/meet/host01")
