"""Sign-in that cannot be used to lock people out: client addresses, the sign-in throttle, and
API tokens with a lifetime that end on log-out and on a new password."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from grid.client_address import client_address
from grid.models import ApiToken
from grid.services import api_token_create
from grid.tests.factories import DEMO_PASSWORD, UserFactory, api_token_for
from grid.tests.test_api import assert_json_error

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_URL = "/api/v1/auth/logout/"
TOKENS_URL = "/api/v1/auth/tokens/"
ME_URL = "/api/v1/me/"
LOGIN_PAGE = "/accounts/login/"
PROXY = "10.0.0.1"


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def sign_in(client, username: str, password: str, forwarded_for: str | None = None, **extra):
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, format="json", **extra
    )


# --- The client's address -------------------------------------------------------------------


def address_of(remote_addr: str, forwarded_for: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_x_forwarded_for_is_never_believed(settings):
    settings.GRID_TRUSTED_PROXIES = []
    assert address_of("198.51.100.7", "203.0.113.5") == "198.51.100.7"


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        # our proxy appended what it saw; what the client wrote before it is not believed
        (PROXY, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (PROXY, "203.0.113.5", "203.0.113.5"),
        # two proxies of ours, one behind the other
        (PROXY, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        # a connection that does not come from our proxy: its header is the client's word
        ("198.51.100.7", "203.0.113.5", "198.51.100.7"),
        # nothing or garbage forwarded: the proxy is all we know
        (PROXY, None, PROXY),
        (PROXY, "not-an-address", PROXY),
        ("2001:db8::1", "203.0.113.5", "2001:db8::1"),
    ],
)
def test_with_a_trusted_proxy_its_header_is_read_from_the_right(
    settings, remote_addr, forwarded_for, expected
):
    settings.GRID_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address_of(remote_addr, forwarded_for) == expected


def test_axes_asks_the_same_function():
    assert settings.AXES_CLIENT_IP_CALLABLE == "grid.client_address.client_address"


# --- Lockout per username and address -------------------------------------------------------


def test_a_forged_x_forwarded_for_does_not_escape_the_lockout(settings, city):
    """Without a trusted proxy, failures "from" many forged addresses lock the one client."""
    settings.GRID_TRUSTED_PROXIES = []
    city.county_admin(0, username="admin1")
    api = APIClient()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api, "admin1", "nope", forwarded_for=f"203.0.113.{n}")
    response = sign_in(api, "admin1", DEMO_PASSWORD, forwarded_for="203.0.113.200")
    assert assert_json_error(response, 429)["code"] == "locked_out"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_trusted_proxy_two_clients_are_told_apart(settings, city):
    """Locking one client behind the proxy does not lock the same account for another."""
    settings.GRID_TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR
    city.county_admin(0, username="admin1")
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api, "admin1", "nope", forwarded_for="6.6.6.6, 203.0.113.5")
    locked = sign_in(api, "admin1", DEMO_PASSWORD, forwarded_for="203.0.113.5")
    assert assert_json_error(locked, 429)["code"] == "locked_out"
    other = sign_in(api, "admin1", DEMO_PASSWORD, forwarded_for="203.0.113.6")
    assert other.status_code == 200, other.content
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_the_login_page_locks_by_the_same_address(settings, client, city):
    settings.GRID_TRUSTED_PROXIES = ["127.0.0.1"]
    city.county_admin(0, username="admin1")
    wrong = {"username": "admin1", "password": "nope"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_PAGE, wrong, HTTP_X_FORWARDED_FOR="203.0.113.5")
    right = {"username": "admin1", "password": DEMO_PASSWORD}
    assert client.post(LOGIN_PAGE, right, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.post(LOGIN_PAGE, right, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


# --- The sign-in throttle -------------------------------------------------------------------


def test_too_many_token_attempts_from_one_address_are_a_json_429(settings, city):
    # given a limit of 3 a minute
    settings.GRID_SIGNIN_RATE = "3/min"
    city.county_admin(0, username="admin1")
    api = APIClient()
    for _ in range(3):
        assert sign_in(api, "admin1", "nope").status_code == 400
    # when a fourth attempt comes within the minute
    response = sign_in(api, "admin1", DEMO_PASSWORD)
    # then it is refused before any password is checked
    body = assert_json_error(response, 429)
    assert body["code"] == "throttled"
    assert body["detail"].startswith("Too many sign-in attempts from your address. Try again in")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert AccessAttempt.objects.get().failures_since_start == 3
    # and after the minute the right password works again
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert sign_in(api, "admin1", DEMO_PASSWORD).status_code == 200


def test_the_throttle_counts_each_client_behind_the_proxy_apart(settings, city):
    settings.GRID_SIGNIN_RATE = "2/min"
    settings.GRID_TRUSTED_PROXIES = ["127.0.0.1"]
    city.county_admin(0, username="admin1")
    api = APIClient()
    for _ in range(2):
        sign_in(api, "admin1", "nope", forwarded_for="203.0.113.5")
    assert sign_in(api, "admin1", DEMO_PASSWORD, forwarded_for="203.0.113.5").status_code == 429
    assert sign_in(api, "admin1", DEMO_PASSWORD, forwarded_for="203.0.113.6").status_code == 200


def test_sign_in_keeps_working_when_the_cache_is_down(settings, monkeypatch, city):
    from grid.throttling import SignInThrottle

    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

        set = get

    monkeypatch.setattr(SignInThrottle, "cache", Down())
    settings.GRID_SIGNIN_RATE = "1/min"
    city.county_admin(0, username="admin1")
    for _ in range(2):
        assert sign_in(APIClient(), "admin1", DEMO_PASSWORD).status_code == 200
    assert (
        Client().post(LOGIN_PAGE, {"username": "admin1", "password": DEMO_PASSWORD}).status_code
        == 302
    )


def test_no_rate_means_no_limit(settings, city):
    settings.GRID_SIGNIN_RATE = ""
    for n in range(12):  # another username each time: below the lockout
        city.county_admin(0, username=f"admin{n}")
        assert sign_in(APIClient(), f"admin{n}", DEMO_PASSWORD).status_code == 200


def test_the_login_page_shares_the_budget_and_says_why_it_refuses(settings, client, city):
    # given a limit of 3 a minute, two used by the API
    settings.GRID_SIGNIN_RATE = "3/min"
    city.county_admin(0, username="admin1")
    sign_in(APIClient(), "admin1", "nope")
    sign_in(APIClient(), "admin1", "nope")
    assert client.post(LOGIN_PAGE, {"username": "admin1", "password": "nope"}).status_code == 200
    # when the page is tried once more
    response = client.post(LOGIN_PAGE, {"username": "admin1", "password": DEMO_PASSWORD})
    # then the page answers 429 with its form and a clear message
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert 'data-testid="throttled"' in page
    assert "Too many sign-in attempts from your address. Try again in" in page
    assert 'name="password"' in page
    assert 'value="admin1"' in page
    assert "_auth_user_id" not in client.session
    # and the log-in page itself still opens
    assert client.get(LOGIN_PAGE).status_code == 200


# --- Token lifetime -------------------------------------------------------------------------


def test_a_token_expires_after_the_set_number_of_days(settings, city):
    settings.GRID_TOKEN_DAYS = 7
    key = api_token_for(city.county_admin())
    now = timezone.now()
    with time_machine.travel(now + timedelta(days=7) - timedelta(minutes=1)):
        assert key_client(key).get(ME_URL).status_code == 200
    with time_machine.travel(now + timedelta(days=7, seconds=1)):
        body = assert_json_error(key_client(key).get(ME_URL), 401)
    assert body == {
        "detail": "This token has expired. Sign in again for a new one.",
        "code": "token_expired",
    }


def test_sign_in_tells_when_the_token_expires_and_keeps_its_label(settings, city):
    settings.GRID_TOKEN_DAYS = 30
    city.county_admin(0, username="admin1")
    api = APIClient()
    named = api.post(
        TOKEN_URL,
        {"username": "admin1", "password": DEMO_PASSWORD, "label": "nightly export"},
        format="json",
    ).json()
    unnamed = sign_in(api, "admin1", DEMO_PASSWORD, HTTP_USER_AGENT="curl/8.5").json()
    assert ApiToken.objects.get(pk=named["id"]).label == "nightly export"
    assert ApiToken.objects.get(pk=unnamed["id"]).label == "curl/8.5"
    token = ApiToken.objects.get(pk=named["id"])
    assert token.expires_at - token.created_at == timedelta(days=30)


def apitoken_writes(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return sum(
        1 for q in captured.captured_queries if q["sql"].startswith('UPDATE "grid_apitoken"')
    )


def test_last_use_is_written_at_most_once_a_minute(city):
    token, key = api_token_create(user=city.county_admin())
    client = key_client(key)
    assert apitoken_writes(lambda: client.get(ME_URL)) == 1  # first use
    assert apitoken_writes(lambda: client.get(ME_URL)) == 0
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert apitoken_writes(lambda: client.get(ME_URL)) == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


# --- Revoking: log-out, a new password, the person's own list -------------------------------


def test_api_logout_revokes_the_token_used_and_no_other(city):
    admin = city.county_admin()
    first, second = api_token_for(admin), api_token_for(admin)
    response = key_client(first).post(LOGOUT_URL)
    assert response.status_code == 204
    assert_json_error(key_client(first).get(ME_URL), 401)
    assert key_client(second).get(ME_URL).status_code == 200


def test_api_logout_with_a_session_ends_the_session(client, city):
    client.force_login(city.county_admin())
    assert client.post(LOGOUT_URL).status_code == 204
    assert client.get(ME_URL).status_code == 401


def test_api_logout_without_credentials_is_401(city):
    assert_json_error(APIClient().post(LOGOUT_URL), 401)


def test_page_logout_revokes_every_token_of_the_person(client, city):
    admin, other = city.county_admin(0), city.county_admin(1)
    keys = [api_token_for(admin), api_token_for(admin)]
    others = api_token_for(other)
    client.force_login(admin)
    assert client.post(reverse("logout")).status_code == 302
    for key in keys:
        assert_json_error(key_client(key).get(ME_URL), 401)
    assert key_client(others).get(ME_URL).status_code == 200


def test_a_new_password_ends_every_token_whoever_sets_it(city):
    # given a token, when the password is changed directly on the model (shell, command, …)
    admin = city.county_admin()
    key = api_token_for(admin)
    admin.set_password("another-long-passphrase")
    admin.save()
    # then the token is refused, saying why, and is no longer listed
    body = assert_json_error(key_client(key).get(ME_URL), 401)
    assert body["code"] == "token_revoked"
    assert "password changed" in body["detail"]
    fresh = api_token_for(admin)
    assert [t["id"] for t in key_client(fresh).get(TOKENS_URL).json()["results"]] == [
        ApiToken.objects.get(key_hash=ApiToken.hash_key(fresh)).pk
    ]
    assert ApiToken.objects.filter(user=admin).count() == 1  # the dead one was pruned


def test_a_password_set_in_the_admin_ends_the_persons_tokens(client, city):
    operator = UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)
    person = city.county_admin()
    key = api_token_for(person)
    client.force_login(operator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {
            "usable_password": "true",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
        },
    )
    assert response.status_code == 302, response.content
    assert_json_error(key_client(key).get(ME_URL), 401)


def test_a_person_lists_their_own_live_tokens_without_keys(city):
    admin, other = city.county_admin(0), city.county_admin(1)
    expired, _ = api_token_create(user=admin, label="expired")
    first, first_key = api_token_create(user=admin, label="first")
    second, second_key = api_token_create(user=admin, label="second")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    api_token_for(other)
    response = key_client(second_key).get(TOKENS_URL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [t["id"] for t in results] == [second.pk, first.pk]  # newest first, no expired one
    assert set(results[0]) == {"id", "label", "created_at", "expires_at", "last_used_at", "current"}
    assert [t["current"] for t in results] == [True, False]
    assert first_key not in response.content.decode()
    assert results[1]["last_used_at"] is None


def test_a_person_revokes_one_of_their_tokens_but_not_another_persons(city):
    admin, other = city.county_admin(0), city.county_admin(1)
    mine, mine_key = api_token_create(user=admin)
    kept_key = api_token_for(admin)
    theirs, theirs_key = api_token_create(user=other)
    client = key_client(kept_key)
    assert client.delete(f"{TOKENS_URL}{mine.pk}/").status_code == 204
    assert_json_error(key_client(mine_key).get(ME_URL), 401)
    refused = assert_json_error(client.delete(f"{TOKENS_URL}{theirs.pk}/"), 404)
    assert refused == {"detail": "No such token.", "code": "not_found"}
    assert key_client(theirs_key).get(ME_URL).status_code == 200
    assert_json_error(client.delete(f"{TOKENS_URL}999999/"), 404)


def test_the_tokens_page_lists_and_revokes(client, city):
    admin, other = city.county_admin(0), city.county_admin(1)
    token, key = api_token_create(user=admin, label="nightly export")
    theirs, _ = api_token_create(user=other, label="someone else's")
    client.force_login(admin)
    page = client.get(reverse("account-tokens"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "nightly export" in html
    assert "someone else" not in html
    assert key not in html
    # when revoked from the page
    response = client.post(reverse("account-token-revoke", args=[token.pk]), follow=True)
    # then it is gone and says so
    assert response.redirect_chain[-1][0] == reverse("account-tokens")
    assert "The token was revoked." in response.content.decode()
    assert "nightly export" not in response.content.decode()
    assert_json_error(key_client(key).get(ME_URL), 401)
    # and another person's token is not found
    assert client.post(reverse("account-token-revoke", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_the_tokens_page_needs_a_signed_in_person(client):
    response = client.get(reverse("account-tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_tokens_page_with_no_tokens(client, city):
    client.force_login(city.county_admin())
    assert "No API tokens" in client.get(reverse("account-tokens")).content.decode()


# --- Schema ---------------------------------------------------------------------------------


def test_the_schema_documents_sign_in_tokens_and_the_429(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    obtain = paths[TOKEN_URL]["post"]
    assert {"200", "400", "429"} <= set(obtain["responses"])
    assert "Retry-After" in obtain["responses"]["429"]["description"]
    assert obtain["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    throttled = obtain["responses"]["429"]["content"]["application/json"]["examples"]
    assert {e["value"]["code"] for e in throttled.values()} == {"locked_out", "throttled"}
    assert set(paths[LOGOUT_URL]["post"]["responses"]) >= {"204", "401"}
    assert set(paths[TOKENS_URL]["get"]["responses"]) >= {"200", "401"}
    assert set(paths["/api/v1/auth/tokens/{token_id}/"]["delete"]["responses"]) >= {
        "204",
        "401",
        "404",
    }
