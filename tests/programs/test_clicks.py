import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Program, ProgramClick
from tests.factories import make_article, make_draft
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def go(client, program, method="get", user_agent=BROWSER, **params):
    url = reverse("programs:go", args=[program.slug])
    return getattr(client, method)(url, params, headers={"user-agent": user_agent})


def test_click_from_an_article_is_counted_once_and_lands_on_the_program(client):
    program = make_program(cta_url="https://learn.example.org/enrol?cohort=3")
    article = make_article(slug="spines-in-mice")

    response = go(client, program, **{"from": "spines-in-mice"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "https://learn.example.org/enrol?cohort=3"
    click = ProgramClick.objects.get()
    assert (click.program, click.article, click.source) == (program, article, "article")
    assert ProgramClick.objects.count() == 1


def test_a_closed_program_still_forwards_for_pages_cached_before_it_closed(client):
    program = make_program(
        cta_url="https://learn.example.org/closed",
        promote_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert program.is_enrolment_closed
    response = go(client, program)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "https://learn.example.org/closed"


def test_each_request_counts_one_click(client):
    program = make_program()
    for _ in range(3):
        go(client, program)
    assert ProgramClick.objects.filter(program=program).count() == 3


def test_a_click_stores_nothing_about_the_reader(client):
    program = make_program()
    go(client, program, **{"from": make_article().slug})
    fields = {field.name for field in ProgramClick._meta.get_fields()}
    assert fields == {"id", "program", "source", "article", "clicked_on"}
    response = go(client, program)
    assert not response.cookies


def test_redirect_is_never_cached_or_indexed(client):
    response = go(client, make_program())
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "value",
    ["no-such-article", "", "https://evil.example/", "../../admin", "x" * 500, "a\x00b", "é"],
)
def test_from_that_names_no_article_counts_as_other_and_is_never_echoed(client, value):
    program = make_program()
    response = go(client, program, **{"from": value})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == program.cta_url
    click = ProgramClick.objects.get()
    assert (click.source, click.article) == ("other", None)


def test_unpublished_article_as_source_counts_as_other(client):
    program = make_program()
    go(client, program, **{"from": make_draft().slug})
    assert ProgramClick.objects.get().source == "other"


@pytest.mark.parametrize(
    ("via", "source"),
    [("home", "home"), ("list", "list"), ("page", "page"), ("elsewhere", "other")],
)
def test_clicks_from_the_sites_own_pages_are_told_apart(client, via, source):
    program = make_program()
    go(client, program, via=via)
    assert ProgramClick.objects.get().source == source


@pytest.mark.parametrize(
    "params",
    [
        {"next": "https://evil.example/"},
        {"url": "//evil.example"},
        {"from": "//evil.example"},
        {"via": "https://evil.example/"},
        {"redirect_to": "javascript:alert(1)"},
    ],
)
def test_no_parameter_turns_go_into_an_open_redirect(client, params):
    program = make_program(cta_url="https://learn.example.org/enrol")
    response = go(client, program, **params)
    assert response["Location"] == "https://learn.example.org/enrol"


def test_head_requests_redirect_without_counting(client):
    program = make_program()
    response = go(client, program, method="head")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == program.cta_url
    assert not ProgramClick.objects.exists()


def test_post_is_not_allowed(client):
    response = go(client, make_program(), method="post")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not ProgramClick.objects.exists()


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.0.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Wget/1.21.4",
        "",
    ],
)
def test_bots_are_redirected_but_not_counted(client, user_agent):
    program = make_program()
    response = go(client, program, user_agent=user_agent)
    assert response.status_code == HTTPStatus.FOUND
    assert not ProgramClick.objects.exists()


@pytest.mark.parametrize(
    "user_agent",
    [
        BROWSER,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36",
        # A phone whose maker's name ends in "bot".
        "Mozilla/5.0 (Linux; Android 13; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36",
    ],
)
def test_real_browsers_are_counted(client, user_agent):
    go(client, make_program(), user_agent=user_agent)
    assert ProgramClick.objects.count() == 1


def test_browser_prefetch_is_not_counted(client):
    program = make_program()
    url = reverse("programs:go", args=[program.slug])
    client.get(url, headers={"user-agent": BROWSER, "sec-purpose": "prefetch;prerender"})
    assert not ProgramClick.objects.exists()


def test_unknown_or_unpublished_program_is_404_and_not_counted(client):
    draft = make_program(status=Program.Status.DRAFT)
    assert go(client, draft).status_code == HTTPStatus.NOT_FOUND
    response = client.get("/programs/no-such-program/go/", headers={"user-agent": BROWSER})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ProgramClick.objects.exists()


def test_enrolment_url_that_is_not_http_is_never_a_redirect_target(client):
    program = make_program()
    Program.objects.filter(pk=program.pk).update(cta_url="javascript:alert(1)")
    response = go(client, program)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ProgramClick.objects.exists()


def test_a_failed_count_still_sends_the_reader_on(client, monkeypatch):
    from django.db import OperationalError

    def broken(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("programs.views.click_record", broken)
    program = make_program()
    response = go(client, program)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == program.cta_url


def test_deleting_an_article_keeps_its_clicks_as_a_deleted_source():
    from programs.services import click_record, click_report

    program = make_program()
    article = make_article()
    click_record(program=program, article_slug=article.slug)
    article.delete()
    report = click_report(program=program)
    assert report.total == 1
    assert [source.label for source in report.sources] == ["An article since deleted"]


def test_a_click_leaves_cached_pages_in_the_cache(client):
    from django.test import Client

    program = make_program()
    home = reverse("articles:home")
    client.get(home)
    assert Client().get(home).get("X-Page-Cache") == "hit"
    go(client, program, via="home")
    assert ProgramClick.objects.count() == 1
    assert Client().get(home).get("X-Page-Cache") == "hit"
