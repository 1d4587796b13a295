"""wxc-sdk 1.41.0, unmodified: people and licences through strict pydantic models, which refuse
a missing required field or a value outside an enum (e.g. `siteType`)."""

from conftest import HOST, UNLICENSED
from served import uses


@uses("GET /people/me", "GET /people", "GET /people/{personId}")
def test_me_list_and_details(wxc_host):
    me = wxc_host.people.me()
    assert me.emails == [HOST]
    assert me.licenses
    found = list(wxc_host.people.list(email=UNLICENSED))
    assert [p.emails for p in found] == [[UNLICENSED]]
    assert not found[0].licenses
    again = wxc_host.people.details(me.person_id)
    assert (again.person_id, again.display_name) == (me.person_id, me.display_name)


@uses("GET /people/me", "GET /licenses", "GET /licenses/{licenseId}")
def test_licences_parse_into_the_sdk_model(wxc_host):
    held = set(wxc_host.people.me().licenses)
    licences = [lic for lic in wxc_host.licenses.list() if lic.license_id in held]
    assert len(licences) == 1
    seat = wxc_host.licenses.details(licences[0].license_id)
    assert (seat.total_units, seat.consumed_units) == (10, 10)
    assert seat.name
