"""Security headers and cookies, in the production profile and in the local one."""

import copy
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import image_file, make_article
from tests.programs.factories import make_program
from tests.security import observatory
from tests.security.conftest import OBSERVATORY_SCORES

pytestmark = pytest.mark.django_db

ONE_YEAR = 31_536_000


def graded_pages():
    """Home, an article (with its comment form), a program page and the admin sign-in."""
    article = make_article(cover_alt="Neurons")
    article.cover_image.save("cover.png", image_file())
    return {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "program": program_page(),
        "admin sign-in": reverse("admin:login"),
    }


def program_page():
    return make_program().get_absolute_url()


def test_observatory_grades_key_pages_a_plus(production, client):
    reports = {name: observatory.scan(client, path) for name, path in graded_pages().items()}

    for name, report in reports.items():
        OBSERVATORY_SCORES.append(f"{name}: {report}")
        print(f"{name}: {report}")
    below = {name: report.score for name, report in reports.items() if report.score < 100}
    assert not below, "\n".join(str(report) for report in reports.values())


def test_policy_header_is_strict(production, client):
    response = client.get(reverse("articles:home"), secure=True)
    policy = observatory.parse_csp(response.headers["Content-Security-Policy"])

    assert policy["default-src"] == {"'none'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["form-action"] == {"'self'"}
    for directive in ["script-src", "style-src"]:
        assert "'self'" in policy[directive]
        assert not policy[directive] & {"'unsafe-inline'", "'unsafe-eval'", "data:", "*"}
    for directive, sources in policy.items():
        hosts = {source for source in sources if not source.startswith("'")}
        assert not hosts, f"{directive} allows other hosts: {hosts}"


def test_every_response_carries_the_security_headers(production, client):
    response = client.get(reverse("articles:home"), secure=True)

    max_age = int(response.headers["Strict-Transport-Security"].split(";")[0].split("=")[1])
    assert max_age >= ONE_YEAR
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_not_found_and_uploaded_files_carry_the_headers_too(production, client):
    article = make_article(cover_alt="Neurons")
    article.cover_image.save("cover.png", image_file())

    for path in ["/no-such-page/", article.cover_image.url]:
        response = client.get(path, secure=True)
        assert "default-src 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
    # Pages stay on the site; images travel (a web feed reader shows a feed's covers).
    policy = "Cross-Origin-Resource-Policy"
    assert client.get("/no-such-page/", secure=True).headers[policy] == "same-origin"
    assert client.get(article.cover_image.url, secure=True).headers[policy] == "cross-origin"


def test_plain_http_is_redirected_to_https_on_the_same_host(production, client):
    response = client.get("/articles/?page=2")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response.headers["Location"] == "https://testserver/articles/?page=2"


def test_load_balancer_health_check_still_answers_over_http(production, client):
    assert client.get(reverse("healthz")).status_code == HTTPStatus.OK


def set_cookies(response):
    return {name: morsel for name, morsel in response.cookies.items() if morsel.value}


def test_production_cookies_are_host_only_secure_httponly_and_same_site(
    production, django_user_model
):
    django_user_model.objects.create_superuser("editor", "e@example.com", "correct-horse-battery")
    client = Client(enforce_csrf_checks=True)
    login = reverse("admin:login")

    form = client.get(login, secure=True)
    csrf_cookie = set_cookies(form)["__Host-csrftoken"]
    signed_in = client.post(
        login,
        {
            "username": "editor",
            "password": "correct-horse-battery",
            "csrfmiddlewaretoken": form.context["csrf_token"],
            "next": reverse("admin:index"),
        },
        secure=True,
        HTTP_REFERER="https://testserver" + login,
    )

    assert signed_in.status_code == HTTPStatus.FOUND, signed_in.content.decode()[:2000]
    session_cookie = set_cookies(signed_in)["__Host-sessionid"]
    for cookie in [csrf_cookie, session_cookie]:
        # The __Host- prefix: Secure, path /, no Domain, or browsers refuse the cookie.
        assert cookie["secure"] and cookie["httponly"], cookie.OutputString()
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert not cookie["domain"]
    assert client.get(reverse("admin:index"), secure=True).status_code == HTTPStatus.OK


def test_messages_ride_in_the_session_not_in_a_cookie_of_their_own(staff_client):
    article = make_article()
    response = staff_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}, follow=True
    )
    assert "deleted successfully" in response.content.decode()
    assert "messages" not in response.cookies
    assert "messages" not in staff_client.cookies


def test_local_profile_serves_plain_http_with_the_same_policy(client, settings):
    """`make run` on http://127.0.0.1:8000: no https redirect, no Secure-only cookies (a
    browser would drop them over http), the same Content-Security-Policy."""
    assert settings.PRODUCTION is False
    response = client.get(reverse("admin:login"))

    assert response.status_code == HTTPStatus.OK
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers
    cookie = set_cookies(response)["csrftoken"]
    assert not cookie["secure"]
    assert cookie["httponly"]


def test_grader_marks_down_a_weak_site():
    class Weak:
        headers = {
            "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'"
        }
        content = b"<script src='http://cdn.example.com/x.js'></script>"
        charset = "utf-8"

    report = observatory.Report("/")
    report.results = {
        "content-security-policy": observatory.content_security_policy(Weak, None),
        "subresource-integrity": observatory.subresource_integrity(Weak),
        "strict-transport-security": observatory.strict_transport_security(Weak),
        "x-frame-options": observatory.x_frame_options(Weak, None),
        "redirection": observatory.redirection(["http://testserver/"]),
    }
    assert report.results["content-security-policy"] == "csp-implemented-with-unsafe-inline"
    assert report.results["subresource-integrity"] == (
        "sri-not-implemented-and-external-scripts-not-loaded-securely"
    )
    # 100 - 20 - 50 - 20 - 20 - 20: far below the bonus threshold.
    assert report.score == 0
    assert report.grade == "F"


def test_the_admins_nonce_reaches_its_header_after_public_pages(client, staff_client):
    """Public pages share one policy, built once; a page with a nonce gets its own."""
    for _ in range(2):
        public = client.get(reverse("articles:home")).headers["Content-Security-Policy"]
    assert "nonce-" not in public
    response = staff_client.get(reverse("admin:articles_article_add"))
    nonce = re.search(r'<style data-tiptap-style nonce="([^"]+)"', response.content.decode())[1]
    policy = observatory.parse_csp(response.headers["Content-Security-Policy"])
    assert f"'nonce-{nonce}'".lower() in policy["style-src"]  # parse_csp lowers the case
    assert client.get(reverse("articles:home")).headers["Content-Security-Policy"] == public


def test_a_changed_policy_shows_on_the_next_page(client, settings):
    client.get(reverse("articles:home"))
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append("https://images.example.org")
    settings.CONTENT_SECURITY_POLICY = policy
    header = client.get(reverse("articles:home")).headers["Content-Security-Policy"]
    assert "https://images.example.org" in observatory.parse_csp(header)["img-src"]
