"""Hostile input on every public page: any query parameter, any value (NUL bytes, lone
surrogates, invalid UTF-8, right-to-left marks, a megabyte) is answered with a 2xx, 3xx
or 4xx, never a 500, and no parameter or path sends the reader to another host.

Values go over the wire as raw bytes, the way an attacker's client sends them, not
through the test client's own encoding (which would refuse a lone surrogate)."""

from http import HTTPStatus
from urllib.parse import quote, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_article, make_topic
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db

HOST = "testserver"
MEGABYTE = "\u202e" + "x" * 1_000_000
HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: not encodable as UTF-8 at all
    "\udfff\ud800",
    "\u202eevil.exe\u202c \u2066isolated\u2069 \u200f",
    "\ufeff\u200b\u00a0",
    "%00",
    "%zz%",
    "-1",
    "9" * 40,
    "1e309",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "{{ request }}{% debug %}",
    "../../../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "\r\nSet-Cookie: stolen=1",
    "",
]
INVALID_UTF8 = ["%FF", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%E2%82"]
KNOWN_PARAMETERS = ["page", "q", "reply_to", "via", "next", "sort", "topic", "format"]
REDIRECT_CODES = {301, 302, 303, 307, 308}


def raw(text: str) -> str:
    """Percent-encode every byte, lone surrogates included (as a broken client would)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@pytest.fixture
def site():
    """One of each public page, and the only off-site address a redirect may lead to."""
    topic = make_topic()
    article = make_article(topics=[topic])
    program = make_program(topics=[topic])
    pages = [
        reverse("articles:home"),
        reverse("articles:list"),
        article.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("articles:topic_feed", args=[topic.slug]),
        reverse("articles:search"),
        reverse("articles:sitemap"),
        reverse("articles:robots"),
        reverse("programs:list"),
        program.get_absolute_url(),
        reverse("programs:go", args=[program.slug]),
        "/no-such-page/",
    ]
    return {"pages": pages, "allowed_off_site": {program.cta_url}}


def assert_sound(response, site, request_line):
    status = response.status_code
    assert status < HTTPStatus.INTERNAL_SERVER_ERROR, f"{status} for {request_line}"
    if status in REDIRECT_CODES:
        location = response.headers["Location"]
        assert is_same_origin(location) or location in site["allowed_off_site"], (
            f"{request_line} redirects to {location!r}"
        )
    elif status >= HTTPStatus.BAD_REQUEST:
        assert response.content.strip(), f"an empty {status} page for {request_line}"


def is_same_origin(location: str) -> bool:
    """As a browser reads it: tabs and newlines dropped, backslashes taken as slashes."""
    cleaned = "".join(c for c in location if c not in "\t\r\n").replace("\\", "/").strip()
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return parts.scheme in {"http", "https"} and parts.hostname == HOST
    return not cleaned.startswith("//")


def get(client, path, query):
    return client.get(path, QUERY_STRING=query)


def test_every_page_survives_every_hostile_value_in_every_known_parameter(client, site):
    for path in site["pages"]:
        for value in HOSTILE_VALUES:
            query = "&".join(f"{name}={raw(value)}" for name in KNOWN_PARAMETERS)
            assert_sound(get(client, path, query), site, f"{path}?{query[:80]}")
        for encoded in INVALID_UTF8:
            query = "&".join(f"{name}={encoded}" for name in [*KNOWN_PARAMETERS, encoded])
            assert_sound(get(client, path, query), site, f"{path}?{query}")
        # A megabyte in the search box (and wherever else `q` is read).
        assert_sound(get(client, path, f"q={raw(MEGABYTE)}"), site, f"{path}?q=<1 MB>")


parameter_names = st.one_of(st.sampled_from(KNOWN_PARAMETERS), st.text(max_size=12))
# Any code point, surrogates included; and now and then a long run of one character.
parameter_values = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.sampled_from(HOSTILE_VALUES),
    st.builds(
        lambda text, count: text * count, st.text(min_size=1, max_size=3), st.integers(1, 5000)
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_parameter_with_any_value_on_any_page(client, site, data):
    path = data.draw(st.sampled_from(site["pages"]), label="page")
    pairs = data.draw(st.lists(st.tuples(parameter_names, parameter_values), max_size=4))
    query = "&".join(f"{raw(name)}={raw(value)}" for name, value in pairs)
    assert_sound(get(client, path, query), site, f"{path}?{query[:200]}")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(st.characters(exclude_categories=()), max_size=300))
def test_search_box_answers_any_text_with_a_page(client, site, query):
    response = get(client, reverse("articles:search"), f"q={raw(query)}")
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST}, query
    assert b"<form" in response.content  # the reader can search again


OFF_SITE_TARGETS = [
    "//evil.example",
    "///evil.example/",
    "////evil.example",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/%2F%2Fevil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver.evil.example/",
    "https://testserver@evil.example/",
    "\x00//evil.example",
    "\u3002evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_sign_in_never_sends_staff_to_another_host(client, django_user_model, target, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser("editor", "e@example.com", "correct-horse-battery")
    login = reverse("admin:login")
    response = client.post(
        f"{login}?next={raw(target)}",
        {"username": "editor", "password": "correct-horse-battery", "next": target},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert is_same_origin(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", ""])
def test_sign_in_from_a_link_with_an_unsafe_next_leads_to_the_admin(
    client, django_user_model, target, settings
):
    """Not to another host, and not to Django's default /accounts/profile/, which is no
    page here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser("editor", "e@example.com", "correct-horse-battery")
    response = client.post(
        f"{reverse('admin:login')}?next={raw(target)}",
        {"username": "editor", "password": "correct-horse-battery", "next": target},
    )
    assert response.headers["Location"] == reverse("admin:index")
    assert client.get(response.headers["Location"]).status_code == HTTPStatus.OK


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_sign_out_and_unknown_paths_never_redirect_off_site(staff_client, site, target):
    logout = staff_client.post(f"{reverse('admin:logout')}?next={raw(target)}", {"next": target})
    assert_sound(logout, site, f"sign-out next={target!r}")
    for path in [f"/{raw(target)}", f"/{target.lstrip('/')}", f"/articles/{raw(target)}"]:
        assert_sound(staff_client.get(path), site, path)


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_enrolment_button_only_ever_leads_to_the_programs_own_address(client, target):
    program = make_program()
    go = reverse("programs:go", args=[program.slug])
    for name in ["next", "url", "to", "redirect", "via", "return"]:
        response = get(client, go, f"{name}={raw(target)}")
        assert response.status_code in REDIRECT_CODES
        assert response.headers["Location"] == program.cta_url
