"""The production profile: Django's deployment checklist passes, a start on missing or
unsafe values fails with a message that says what to set, and the admin's address,
idle time and password rules are as configured."""

import datetime
import importlib
from http import HTTPStatus

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import clear_url_caches, reverse

import config.urls
from tests.security.conftest import load_settings

pytestmark = pytest.mark.django_db


def test_deployment_checklist_passes_at_warning_level(production, settings):
    settings.SECRET_KEY = production["SECRET_KEY"]
    settings.DEBUG = False
    call_command("check", deploy=True, fail_level="WARNING", verbosity=0)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"SECRET_KEY": None}, "Set the SECRET_KEY environment variable"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is empty"),
        ({"ALLOWED_HOSTS": None}, "PRODUCTION=true needs ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ""}, "PRODUCTION=true needs ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "PRODUCTION=true and DEBUG=true"),
        # A slip that env.bool would read as false: the site would start without HTTPS.
        ({"PRODUCTION": "ture"}, "PRODUCTION='ture' is neither true nor false"),
        ({"DEBUG": "flase"}, "DEBUG='flase' is neither true nor false"),
    ],
)
def test_production_start_refuses_to_guess(environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(**environment)


def test_local_profile_starts_with_the_embedded_defaults():
    local = load_settings(PRODUCTION=None, ALLOWED_HOSTS=None)
    assert local["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert local["SECURE_SSL_REDIRECT"] is False
    assert local["SESSION_COOKIE_SECURE"] is False
    assert local["SECURE_HSTS_SECONDS"] == 0
    assert local["SESSION_COOKIE_NAME"] == "sessionid"


def test_production_profile_switches_on_https_only_protections():
    production = load_settings()
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"


@pytest.fixture
def admin_at(settings):
    """Serve the admin at another address for one test."""

    def move(address):
        settings.ADMIN_URL = address
        importlib.reload(config.urls)
        clear_url_caches()

    yield move
    settings.ADMIN_URL = "admin/"
    importlib.reload(config.urls)
    clear_url_caches()


def test_admin_address_is_configurable(admin_at, client):
    assert load_settings(ADMIN_URL="/back-office/")["ADMIN_URL"] == "back-office/"

    admin_at("back-office/")

    assert client.get("/back-office/login/").status_code == HTTPStatus.OK
    assert client.get("/admin/login/").status_code == HTTPStatus.NOT_FOUND
    assert reverse("admin:index") == "/back-office/"


def test_staff_idle_time_is_configurable():
    assert load_settings(STAFF_IDLE_MINUTES="30")["SESSION_COOKIE_AGE"] == 30 * 60


def test_staff_are_signed_out_after_the_idle_time_but_not_while_working(staff_client, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    admin_index = reverse("admin:index")
    start = datetime.datetime.now(tz=datetime.UTC)

    with time_machine.travel(start, tick=False) as clock:
        assert staff_client.get(admin_index).status_code == HTTPStatus.OK
        # Working: a page every 50 minutes keeps the sign-in alive for hours.
        for _ in range(3):
            clock.shift(datetime.timedelta(minutes=50))
            assert staff_client.get(admin_index).status_code == HTTPStatus.OK
        # Away for longer than the idle time: back to the sign-in page.
        clock.shift(datetime.timedelta(minutes=61))
        response = staff_client.get(admin_index)

    assert response.status_code == HTTPStatus.FOUND
    assert response.headers["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Tr0ub4dor&3", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("804412390117", "This password is entirely numeric."),
    ],
)
def test_staff_passwords_follow_the_validators(staff_client, password, message):
    response = staff_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": password,
            "password2": password,
            "usable_password": "true",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()


def test_images_from_the_publishers_own_media_host_are_allowed():
    """With uploads in object storage behind their own address, covers still show."""
    policy = load_settings(MEDIA_URL="https://media.example.org/uploads/")[
        "CONTENT_SECURITY_POLICY"
    ]["DIRECTIVES"]
    assert policy["img-src"] == ["'self'", "https://media.example.org"]
    assert "https://media.example.org" not in policy["script-src"] + policy["style-src"]
