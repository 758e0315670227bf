"""Failed sign-ins are throttled per username and per client address (django-axes)."""

import pytest
from django.test import Client

from factcheck.client_ip import client_ip

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.response = client.post(LOGIN, {"username": username, "password": password})  # type: ignore[attr-defined]
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_signs_in_with_the_right_password(alice):
    client = sign_in("alice", PASSWORD, "192.0.2.1")
    assert client.response.status_code == 302
    assert signed_in(client)


def test_it_locks_a_user_out_after_five_failures_from_any_addresses(alice, bob, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(4):
        assert sign_in("alice", "wrong", f"192.0.2.{attempt + 1}").response.status_code == 200
    assert sign_in("alice", "wrong", "192.0.2.5").response.status_code == 429  # the fifth locks
    client = sign_in("alice", PASSWORD, "198.51.100.7")
    assert client.response.status_code == 429
    assert not signed_in(client)
    assert "Too many failed sign-ins" in client.response.content.decode()
    assert "15 minutes" in client.response.content.decode()
    assert signed_in(sign_in("bob", PASSWORD, "198.51.100.7"))  # other users are not affected


def test_it_locks_an_address_out_after_five_failures_on_any_usernames(alice):
    for name in ("ann", "ben", "cat", "dan", "eve"):
        sign_in(name, "wrong", "203.0.113.5")
    locked = sign_in("alice", PASSWORD, "203.0.113.5")
    assert locked.response.status_code == 429
    assert not signed_in(locked)
    assert signed_in(sign_in("alice", PASSWORD, "203.0.113.6"))


def test_it_forgets_failures_after_a_successful_sign_in(alice):
    for _ in range(2):
        for _ in range(4):
            sign_in("alice", "wrong", "192.0.2.1")
        assert signed_in(sign_in("alice", PASSWORD, "192.0.2.1"))


def test_it_takes_the_client_address_its_proxies_appended(rf, settings):
    settings.FACTCHECK_PROXY_COUNT = 1
    # The client may send any X-Forwarded-For; the proxy appends the address it saw, last.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert client_ip(request) == "198.51.100.9"
    settings.FACTCHECK_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.FACTCHECK_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"


def test_it_takes_the_direct_address_of_a_request_that_came_around_the_proxy(rf, settings):
    settings.FACTCHECK_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
