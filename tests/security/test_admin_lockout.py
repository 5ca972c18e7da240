"""django-axes: five wrong passwords for one user name from one address pause sign-in
for that pair for 15 minutes."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "e@example.com", PASSWORD)


def sign_in(client, username="editor", password=PASSWORD, address=None):
    headers = {"HTTP_X_FORWARDED_FOR": address} if address else {}
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **headers,
    )


def fail_five_times(client, **kwargs):
    for attempt in range(4):
        response = sign_in(client, password=f"wrong-{attempt}", **kwargs)
        assert response.status_code == HTTPStatus.OK  # the form again, with its error
        assert "Please enter the correct username and password" in response.content.decode()
    # The fifth wrong password already answers with the lockout page.
    assert_locked_out(sign_in(client, password="wrong-4", **kwargs))


def assert_locked_out(response):
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    text = response.content.decode()
    assert "Too many failed sign-ins for “editor” from this network." in text
    assert "After 5 wrong passwords, signing in is paused for 15 minutes." in text


def test_fifth_failure_locks_the_user_name_even_against_the_right_password(editor, client):
    fail_five_times(client)

    response = sign_in(client)

    assert_locked_out(response)
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.FOUND  # not signed in


def test_four_failures_do_not_lock_and_a_success_clears_them(editor, client):
    for attempt in range(4):
        sign_in(client, password=f"wrong-{attempt}")
    assert sign_in(client).status_code == HTTPStatus.FOUND
    client.logout()
    for attempt in range(4):
        sign_in(client, password=f"again-{attempt}")
    assert sign_in(client).status_code == HTTPStatus.FOUND


def test_lockout_ends_after_15_minutes(editor, client):
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        fail_five_times(client)
        clock.shift(datetime.timedelta(minutes=14))
        assert_locked_out(sign_in(client))
        clock.shift(datetime.timedelta(minutes=16))
        response = sign_in(client)

    assert response.status_code == HTTPStatus.FOUND
    assert response.headers["Location"] == reverse("admin:index")


def test_lock_holds_only_that_user_name_from_that_address(editor, django_user_model):
    django_user_model.objects.create_superuser("colleague", "c@example.com", PASSWORD)
    attacker = Client()
    fail_five_times(attacker, address="203.0.113.9")

    assert_locked_out(sign_in(attacker, address="203.0.113.9"))
    # A colleague in the same office signs in, and so does the editor from home.
    assert sign_in(Client(), "colleague", address="203.0.113.9").status_code == HTTPStatus.FOUND
    assert sign_in(Client(), address="198.51.100.4").status_code == HTTPStatus.FOUND


def test_forwarded_address_is_believed_only_from_a_trusted_proxy(editor, settings):
    """A client talking to the server directly cannot dodge the lock by claiming a new
    address in X-Forwarded-For for each attempt."""
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.1"]
    direct = Client(REMOTE_ADDR="192.0.2.50")
    for attempt in range(5):
        sign_in(direct, password=f"wrong-{attempt}", address=f"198.51.100.{attempt}")

    assert_locked_out(sign_in(direct, address="198.51.100.99"))


def test_lockout_page_is_served_in_the_admin_look_under_the_same_policy(editor, client):
    fail_five_times(client)
    response = sign_in(client)

    text = response.content.decode()
    assert "<h1>Sign-in paused</h1>" in text
    assert 'href="/admin/login/"' in text
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "style=" not in text and "<script>" not in text


def test_new_addresses_in_one_ipv6_network_do_not_reset_the_count(editor, settings):
    """One IPv6 connection holds a whole /64: each guess from a new address in it counts
    against the same network."""
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    for attempt in range(4):
        sign_in(Client(), password=f"wrong-{attempt}", address=f"2001:db8:5:7::{attempt + 1:x}")
    assert_locked_out(sign_in(Client(), password="wrong-4", address="2001:db8:5:7::ff"))
    assert_locked_out(sign_in(Client(), address="2001:db8:5:7:abcd::1"))
    # Another network is another sender.
    assert sign_in(Client(), address="2001:db8:5:8::1").status_code == HTTPStatus.FOUND


def test_a_user_name_too_long_for_any_account_is_counted_like_any_other(editor, client):
    """A script sending a user name of a thousand characters got a server error on
    PostgreSQL, which refused to record the failure; now it gets the form again, and a
    pause after five tries."""
    name = "x" * 1000
    for attempt in range(4):
        response = sign_in(client, username=name, password=f"wrong-{attempt}")
        assert response.status_code == HTTPStatus.OK
        assert "Please enter the correct username and password" in response.content.decode()
    response = sign_in(client, username=name, password="wrong-4")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "<h1>Sign-in paused</h1>" in response.content.decode()
