"""OAuth 2.0 integrations and Service Apps, driven by the unmodified SDKs.

The forum thread's recommended setup: an integration with meeting:admin_schedule_write,
meeting:admin_schedule_read and spark:people_read, authorized by an administrator, books for the
site's licensed hosts with hostEmail, living on access and refresh tokens; or a Service App that
needs no person's sign-in. The consent page is walked with `requests` as a browser would: the
GET shows the form and sets its cookie, the POST sends the form back and kaigi redirects to the
integration with `code` and `state` (never followed: nothing listens at the redirect URI).
"""

import html
import os
import re
import urllib.parse

import pytest
import requests
from webexpythonsdk import ApiError, WebexAPI
from webexpythonsdk.api.access_tokens import AccessTokensAPI
from webexpythonsdk.models.immutable import immutable_data_factory
from wxc_sdk.integration import Integration
from wxc_sdk.rest import RestError

from conftest import iso, slot, webex_api, wxc_api
from served import uses

ADMIN = ("admin", "demo-admin-pass")
ADMIN_EMAIL = "admin@demo.example"
BOOKED_HOST = "host04@demo.example"
UNLICENSED = "emp002@demo.example"
SCOPES = "meeting:admin_schedule_write meeting:admin_schedule_read spark:people_read"


class Registered:
    def __init__(self):
        names = ("KAIGI_COMPAT_CLIENT_ID", "KAIGI_COMPAT_CLIENT_SECRET", "KAIGI_COMPAT_REDIRECT_URI")
        values = [os.environ.get(n, "").strip() for n in names]
        if not all(values):
            pytest.exit(f"set {', '.join(names)} (scripts/compat.sh does)", returncode=2)
        self.client_id, self.client_secret, self.redirect_uri = values
        self.app_id = os.environ.get("KAIGI_COMPAT_APP_ID", "")
        self.app_secret = os.environ.get("KAIGI_COMPAT_APP_SECRET", "")


@pytest.fixture(scope="session")
def registered():
    return Registered()


def auth_url(server, registered, state, scope=SCOPES):
    query = urllib.parse.urlencode(
        {
            "client_id": registered.client_id,
            "response_type": "code",
            "redirect_uri": registered.redirect_uri,
            "scope": scope,
            "state": state,
        }
    )
    return f"{server.v1}/authorize?{query}"


def sign_in_and_allow(url, user, password, expected_state):
    """The code the consent page hands back after the person signs in and allows."""
    with requests.Session() as browser:
        page = browser.get(url, timeout=30)
        assert page.status_code == 200, page.text[:500]
        assert page.headers["Content-Type"].startswith("text/html")
        fields = {name: html.unescape(value) for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text)}
        assert {"client_id", "redirect_uri", "scope", "state", "check"} <= fields.keys(), page.text[:500]
        fields.update(user=user, password=password, decision="approve")
        action = urllib.parse.urljoin(url, "/v1/authorize")
        answer = browser.post(action, data=fields, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:500]
    location = urllib.parse.urlsplit(answer.headers["Location"])
    query = urllib.parse.parse_qs(location.query)
    assert query["state"] == [expected_state]
    return query["code"][0]


def access_tokens_api(server):
    # The class-level WebexAPI.access_tokens is bound to the vendor's URL; this one is not.
    return AccessTokensAPI(server.v1 + "/", immutable_data_factory)


@uses("POST /meetings")
def test_webexpythonsdk_access_tokens_get_refresh_and_book_with_host_email(server, registered):
    code = sign_in_and_allow(auth_url(server, registered, "pysdk-1"), *ADMIN, "pysdk-1")
    tokens_api = access_tokens_api(server)
    token = tokens_api.get(registered.client_id, registered.client_secret, code, registered.redirect_uri)
    assert token.access_token and token.refresh_token
    assert 13 * 86400 < token.expires_in <= 14 * 86400
    assert 89 * 86400 < token.refresh_token_expires_in <= 90 * 86400
    # A code works once; presenting it again also revokes what it gave (RFC 6749 §4.1.2).
    with pytest.raises(ApiError) as raised:
        tokens_api.get(registered.client_id, registered.client_secret, code, registered.redirect_uri)
    assert raised.value.status_code == 400
    with pytest.raises(ApiError) as raised:
        tokens_api.refresh(registered.client_id, registered.client_secret, token.refresh_token)
    assert raised.value.status_code == 400

    code = sign_in_and_allow(auth_url(server, registered, "pysdk-1b"), *ADMIN, "pysdk-1b")
    token = tokens_api.get(registered.client_id, registered.client_secret, code, registered.redirect_uri)
    renewed = tokens_api.refresh(registered.client_id, registered.client_secret, token.refresh_token)
    assert renewed.access_token != token.access_token
    assert renewed.refresh_token == token.refresh_token, "kaigi keeps the refresh token, as Webex does"

    api = webex_api(server, renewed.access_token)
    assert api.people.me().emails == [ADMIN_EMAIL]
    start, end = slot(days=8, hour=1)
    booked = api.meetings.create(title="Booked by an integration", start=iso(start), end=iso(end), hostEmail=BOOKED_HOST)
    assert booked.hostEmail == BOOKED_HOST
    with pytest.raises(ApiError) as raised:
        api.meetings.create(title="No licence", start=iso(start), end=iso(end), hostEmail=UNLICENSED)
    assert raised.value.status_code == 403


def test_webexpythonsdk_constructor_exchanges_an_oauth_code(server, registered):
    code = sign_in_and_allow(auth_url(server, registered, "pysdk-2"), *ADMIN, "pysdk-2")
    api = WebexAPI(
        client_id=registered.client_id,
        client_secret=registered.client_secret,
        oauth_code=code,
        redirect_uri=registered.redirect_uri,
        base_url=server.v1 + "/",
    )
    assert api.people.me().emails == [ADMIN_EMAIL]


def test_webexpythonsdk_wrong_secret_is_refused(server, registered):
    code = sign_in_and_allow(auth_url(server, registered, "pysdk-3"), *ADMIN, "pysdk-3")
    with pytest.raises(ApiError) as raised:
        access_tokens_api(server).get(registered.client_id, "0" * 64, code, registered.redirect_uri)
    assert raised.value.status_code == 401
    assert raised.value.tracking_id


@uses("POST /meetings", "GET /meetings")
def test_wxc_integration_tokens_from_code_refresh_and_book(server, registered):
    integration = Integration(
        client_id=registered.client_id,
        client_secret=registered.client_secret,
        scopes=SCOPES,
        redirect_url=registered.redirect_uri,
        auth_service=f"{server.v1}/authorize",
        token_service=f"{server.v1}/access_token",
    )
    code = sign_in_and_allow(integration.auth_url(state="wxc-1"), *ADMIN, "wxc-1")
    tokens = integration.tokens_from_code(code)
    assert tokens.token_type == "Bearer"
    assert set(tokens.scope.split()) == set(SCOPES.split())
    assert tokens.remaining > 13 * 86400
    assert not integration.validate_tokens(tokens), "fresh tokens need no refresh"
    first = tokens.access_token
    integration.refresh(tokens)
    assert tokens.access_token and tokens.access_token != first

    wxc = wxc_api(server, tokens.access_token)
    start, end = slot(days=8, hour=2)
    booked = wxc.meetings.create(title="wxc integration booking", start=iso(start), end=iso(end), host_email=BOOKED_HOST)
    assert booked.host_email == BOOKED_HOST
    listed = list(wxc.meetings.list(host_email=BOOKED_HOST, from_=iso(start), to=iso(end)))
    assert [m.id for m in listed] == [booked.id]
    with pytest.raises(RestError) as raised:
        wxc.meetings.create(title="No licence", start=iso(start), end=iso(end), host_email=UNLICENSED)
    assert raised.value.response.status_code == 403


def test_a_non_admin_is_not_granted_admin_scopes(server, registered):
    wanted = SCOPES + " meeting:schedules_read"
    code = sign_in_and_allow(auth_url(server, registered, "host-1", wanted), "host05", "demo-pass", "host-1")
    token = access_tokens_api(server).get(registered.client_id, registered.client_secret, code, registered.redirect_uri)
    granted = set(token.to_dict()["scope"].split())
    assert granted == {"spark:people_read", "meeting:schedules_read"}, granted
    start, end = slot(days=8, hour=3)
    with pytest.raises(ApiError) as raised:
        webex_api(server, token.access_token).meetings.create(
            title="Not mine to book", start=iso(start), end=iso(end), hostEmail=BOOKED_HOST
        )
    assert raised.value.status_code == 403


def authorize_service_app_on_the_web_page(server, app_id):
    """What an administrator does in a browser: open the page (HTTP Basic), press Authorize."""
    page_url = f"{server.url}/_kaigi/sites/demo/integrations"
    with requests.Session() as browser:
        browser.auth = ADMIN
        page = browser.get(page_url, timeout=30)
        assert page.status_code == 200, page.text[:500]
        assert app_id in page.text and "not authorized" in page.text
        check = re.search(r'name="check" value="([^"]+)"', page.text).group(1)
        done = browser.post(f"{page_url}/{app_id}/authorize", data={"check": check}, allow_redirects=False, timeout=30)
        assert done.status_code == 303, done.text[:500]
        assert "authorized by admin" in browser.get(page_url, timeout=30).text


@uses("POST /meetings")
def test_service_app_tokens_book_for_a_licensed_host(server, registered):
    assert registered.app_id and registered.app_secret, "scripts/compat.sh registers a Service App"
    # The integration token that mints them carries spark:applications_token.
    code = sign_in_and_allow(
        auth_url(server, registered, "app-1", "spark:applications_token spark:people_read"), *ADMIN, "app-1"
    )
    minter = access_tokens_api(server).get(registered.client_id, registered.client_secret, code, registered.redirect_uri)
    me = webex_api(server, minter.access_token).people.me()
    body = {"clientId": registered.app_id, "clientSecret": registered.app_secret, "targetOrgId": me.orgId}
    mint_url = f"{server.v1}/applications/{registered.app_id}/token"
    headers = {"Authorization": f"Bearer {minter.access_token}"}

    not_yet = requests.post(mint_url, json=body, headers=headers, timeout=30)
    assert not_yet.status_code == 403, not_yet.text
    assert "not authorized" in not_yet.json()["errors"][0]["description"]

    authorize_service_app_on_the_web_page(server, registered.app_id)
    minted = requests.post(mint_url, json=body, headers=headers, timeout=30)
    assert minted.status_code == 200, minted.text
    app_tokens = minted.json()
    assert app_tokens["token_type"] == "Bearer" and app_tokens["expires_in"] > 0

    # Refresh goes through the ordinary refresh grant with the app's own credentials.
    renewed = access_tokens_api(server).refresh(registered.app_id, registered.app_secret, app_tokens["refresh_token"])
    api = webex_api(server, renewed.access_token)
    start, end = slot(days=8, hour=4)
    booked = api.meetings.create(title="Booked by the front desk", start=iso(start), end=iso(end), hostEmail=BOOKED_HOST)
    assert booked.hostEmail == BOOKED_HOST
    with pytest.raises(ApiError) as raised:
        api.meetings.create(title="No licence", start=iso(start), end=iso(end), hostEmail=UNLICENSED)
    assert raised.value.status_code == 403
