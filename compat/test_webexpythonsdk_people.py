"""webexpythonsdk 2.0.6, unmodified: who am I, who else is there, which licences exist."""

from datetime import datetime

from conftest import HOST, OTHER_HOST, UNLICENSED
from served import uses


@uses("GET /people/me")
def test_me_is_the_token_owner_with_a_meeting_licence(webex_host):
    me = webex_host.people.me()
    assert me.emails == [HOST]
    assert me.displayName
    assert me.id and me.orgId
    assert me.licenses, "a demo host holds a host licence"
    # The SDK turns these into datetimes and raises on any other text shape.
    assert isinstance(me.created, datetime)


@uses("GET /people")
def test_people_by_email_finds_exactly_that_person(webex_host):
    found = list(webex_host.people.list(email=OTHER_HOST))
    assert [p.emails for p in found] == [[OTHER_HOST]]
    assert found[0].licenses, "host02 is licensed"
    unlicensed = list(webex_host.people.list(email=UNLICENSED))
    assert [p.emails for p in unlicensed] == [[UNLICENSED]]
    assert not unlicensed[0].licenses, "emp001 holds no licence"


@uses("GET /people/me", "GET /licenses", "GET /licenses/{licenseId}")
def test_licences_count_the_named_user_seats(webex_host):
    me = webex_host.people.me()
    licences = {lic.id: lic for lic in webex_host.licenses.list()}
    held = [licences[i] for i in me.licenses if i in licences]
    assert held, f"the host's licence ids {me.licenses} are among {list(licences)}"
    seat = held[0]
    assert seat.name
    # The demo site: Named User plan, 10 seats, held by host01..host10.
    assert seat.totalUnits == 10
    assert seat.consumedUnits == 10
    again = webex_host.licenses.get(seat.id)
    assert (again.id, again.totalUnits, again.consumedUnits) == (seat.id, 10, 10)


@uses("GET /people")
def test_people_by_display_name_across_pages(webex_host):
    # 90 employees, 25 a page: four pages joined by Link.
    employees = [p.emails[0] for p in webex_host.people.list(displayName="Employee", max=25)]
    assert len(employees) == 90 == len(set(employees))
    assert all(e.startswith("emp") for e in employees)
