import datetime
import re
import subprocess
import sys
import zoneinfo
from http import HTTPStatus

import pytest
from django.test import Client

from articles import page_cache, views
from tests.factories import make_article, make_scheduled

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_second_anonymous_visit_is_served_from_cache_without_queries(
    client, django_assert_num_queries
):
    article = make_article(title="Cached piece")
    first = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in first
    with django_assert_num_queries(0):
        second = Client().get(article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert "Cached piece" in second.content.decode()


def test_each_visitor_of_a_cached_page_gets_a_working_token_of_their_own(settings):
    settings.ROOT_URLCONF = "tests.articles.csrf_urls"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/form/")
    second_page = second.get("/form/")
    assert second_page["X-Page-Cache"] == "hit"
    first_token = TOKEN.search(first_page.content.decode()).group(1)
    second_token = TOKEN.search(second_page.content.decode()).group(1)
    assert first_token != second_token
    assert second.post("/form/", {"csrfmiddlewaretoken": second_token}).status_code == 200
    assert first.post("/form/", {"csrfmiddlewaretoken": first_token}).status_code == 200
    # A token meant for someone else's cookie is refused, as without the cache.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/form/")
    response = stranger.post("/form/", {"csrfmiddlewaretoken": first_token})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_an_edit_shows_at_once(client):
    article = make_article(title="Before the edit")
    client.get(article.get_absolute_url())
    client.get("/")
    article.title = "After the edit"
    article.save()
    assert "After the edit" in client.get(article.get_absolute_url()).content.decode()
    assert "After the edit" in client.get("/").content.decode()


def test_a_change_made_by_another_process_shows_at_once(client, settings):
    """Workers share no memory: another process bumping the generation file is enough."""
    article = make_article(title="Original title")
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'config.settings'); django.setup(); from articles import page_cache; "
            "page_cache.bump_generation()",
        ],
        check=True,
        env={
            **__import__("os").environ,
            "PAGE_CACHE_GENERATION_FILE": str(settings.PAGE_CACHE_GENERATION_FILE),
        },
    )
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())


def test_a_scheduled_article_appears_on_time_on_a_cached_home_page(client, time_machine):
    make_article(title="Already out")
    scheduled = make_scheduled(title="Coming soon")
    assert "Coming soon" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    time_machine.move_to(scheduled.publish_at + datetime.timedelta(seconds=1))
    assert "Coming soon" in client.get("/").content.decode()


def test_a_page_rendered_as_an_article_goes_live_is_not_kept_without_it(
    client, time_machine, monkeypatch
):
    """A busy home page is being rendered at every moment: one whose articles were read
    just before the scheduled time and stored just after must not hide the article."""
    make_article(title="Already out")
    scheduled = make_scheduled(title="Coming soon")
    time_machine.move_to(scheduled.publish_at - datetime.timedelta(milliseconds=50), tick=False)
    render = views.render

    def render_past_the_scheduled_time(request, template_name, context):
        context["latest"] = list(context["latest"])
        time_machine.move_to(scheduled.publish_at + datetime.timedelta(milliseconds=50))
        return render(request, template_name, context)

    monkeypatch.setattr(views, "render", render_past_the_scheduled_time)
    assert "Coming soon" not in client.get("/").content.decode()
    monkeypatch.setattr(views, "render", render)
    time_machine.move_to(scheduled.publish_at + datetime.timedelta(seconds=5))
    assert "Coming soon" in Client().get("/").content.decode()


def test_the_footer_year_turns_at_local_midnight_on_cached_pages(client, settings, time_machine):
    settings.TIME_ZONE = "Pacific/Auckland"
    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")
    time_machine.move_to(datetime.datetime(2026, 12, 31, 23, 59, tzinfo=auckland), tick=False)
    make_article()
    assert "© 2026" in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    time_machine.move_to(datetime.datetime(2027, 1, 1, 0, 0, 5, tzinfo=auckland), tick=False)
    assert "© 2027" in client.get("/").content.decode()


def test_readers_with_a_session_and_staff_never_get_or_fill_the_cache(staff_client):
    article = make_article()
    staff_client.get(article.get_absolute_url())
    staff_page = staff_client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in staff_page
    # What staff saw was not stored for anyone else.
    assert "X-Page-Cache" not in Client().get(article.get_absolute_url())


def test_a_new_reader_served_from_the_cache_gets_304_on_their_next_visit(client):
    """A cached page's ETag names the reader's CSRF cookie: the one this very response
    gives a first-time visitor, so their browser's next visit is a 304."""
    article = make_article()
    Client().get(article.get_absolute_url())  # someone else's visit stores the page
    first = client.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "hit"
    again = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    # Only the full page's length may be given; a proxy could store a 0 with the page.
    assert "Content-Length" not in again


def test_conditional_get_answers_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]
    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    article.title = "Changed"
    article.save()
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert changed.status_code == HTTPStatus.OK


def test_not_found_pages_are_not_cached(client):
    client.get("/articles/missing/")
    make_article(slug="missing", title="Now it exists")
    assert client.get("/articles/missing/").status_code == HTTPStatus.OK


def test_a_future_disclaimer_version_replaces_the_cached_footer_on_its_date(client, time_machine):
    from articles.models import Disclaimer

    time_machine.move_to(datetime.datetime(2026, 6, 30, 23, 58, tzinfo=datetime.UTC))
    Disclaimer.objects.create(text="Wording from July.", effective_from=datetime.date(2026, 7, 1))
    assert "Wording from July." not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    time_machine.move_to(datetime.datetime(2026, 7, 1, 0, 0, 1, tzinfo=datetime.UTC))
    assert "Wording from July." in client.get("/").content.decode()


def test_a_promotion_window_opens_on_a_cached_article_page(client, time_machine):
    from tests.programs.factories import make_program

    time_machine.move_to(datetime.datetime(2026, 6, 30, 23, 58, tzinfo=datetime.UTC))
    article = make_article()
    make_program(title="Summer cohort", promote_from=datetime.date(2026, 7, 1))
    assert "Summer cohort" not in client.get(article.get_absolute_url()).content.decode()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    time_machine.move_to(datetime.datetime(2026, 7, 1, 0, 0, 1, tzinfo=datetime.UTC))
    assert "Summer cohort" in client.get(article.get_absolute_url()).content.decode()


def test_a_program_click_does_not_empty_the_page_cache(client):
    from tests.programs.factories import make_program

    article = make_article()
    program = make_program()
    client.get(article.get_absolute_url())
    response = client.get(f"/programs/{program.slug}/go/", {"from": article.slug})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/sitemap.xml", "/robots.txt"])
def test_feeds_sitemap_and_robots_are_served_from_cache(path, django_assert_num_queries):
    """Feed readers and crawlers poll these all day; each feed render reads every article."""
    make_article()
    first = Client().get(path)
    with django_assert_num_queries(0):
        second = Client().get(path)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second.get("X-Robots-Tag") == first.get("X-Robots-Tag")


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/sitemap.xml"])
def test_cached_feeds_and_sitemap_follow_an_edit_at_once(path):
    article = make_article(title="Before the edit", slug="before-the-edit")
    Client().get(path)
    article.title, article.slug = "After the edit", "after-the-edit"
    article.save()
    assert "after-the-edit" in Client().get(path).content.decode()


@pytest.mark.parametrize("path", ["/feed/", "/sitemap.xml", "/robots.txt", "/"])
def test_a_site_answering_on_two_names_keeps_each_names_addresses(path, settings):
    """Feeds, the sitemap, robots.txt and canonical links give absolute addresses."""
    settings.ALLOWED_HOSTS = ["example.org", "www.example.org"]
    make_article()
    Client().get(path, HTTP_HOST="www.example.org")
    response = Client().get(path, HTTP_HOST="example.org")
    assert "//example.org/" in response.content.decode()
    assert "www.example.org" not in response.content.decode()


@pytest.fixture
def cache_outage(settings, monkeypatch, tmp_path):
    """A cache shared by servers (as Redis is) that stops answering."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    cache = caches["default"]

    def unreachable(*args, **kwargs):
        cache.calls += 1
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    cache.calls = 0
    for method in ["get", "set", "add", "delete", "get_many"]:
        monkeypatch.setattr(cache, method, unreachable)
    return cache


def test_a_cache_that_does_not_answer_is_asked_once_not_on_every_call(cache_outage, monkeypatch):
    """A host that is down makes each call wait out its timeout: a page makes several."""
    article = make_article()
    now = 1000.0
    monkeypatch.setattr(page_cache, "_clock", lambda: now)
    monkeypatch.setattr(page_cache, "_unreachable_until", 0.0)
    cache_outage.calls = 0
    Client().get(article.get_absolute_url())
    assert cache_outage.calls == 1
    Client().get(article.get_absolute_url())
    Client().get("/")
    assert cache_outage.calls == 1

    # A few seconds later it is tried again.
    now += page_cache.RETRY_AFTER_SECONDS + 1
    Client().get("/")
    assert cache_outage.calls == 2


def test_a_change_saved_while_the_cache_was_out_of_reach_shows_once_it_answers(
    cache_outage, monkeypatch
):
    article = make_article(title="Before the outage")
    monkeypatch.undo()  # the cache answers
    monkeypatch.setattr(page_cache, "_unreachable_until", 0.0)
    Client().get(article.get_absolute_url())
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    def unreachable(*args, **kwargs):
        raise ConnectionError("Connection refused.")

    with monkeypatch.context() as outage:
        outage.setattr(cache_outage, "set", unreachable)
        article.title = "Saved during the outage"
        article.save()
    monkeypatch.setattr(page_cache, "_unreachable_until", 0.0)  # the retry delay has passed
    page = Client().get(article.get_absolute_url())
    assert "Saved during the outage" in page.content.decode()


def test_pages_are_served_and_edits_saved_while_the_cache_is_down(cache_outage):
    article = make_article(title="Served without the cache")
    reader = Client()
    for _ in range(2):
        page = reader.get(article.get_absolute_url())
        assert page.status_code == HTTPStatus.OK
        assert "Served without the cache" in page.content.decode()
        assert "X-Page-Cache" not in page
    assert reader.get("/").status_code == HTTPStatus.OK
    assert reader.get("/feed/").status_code == HTTPStatus.OK

    article.title = "Edited while the cache was down"
    article.save()
    assert (
        "Edited while the cache was down" in reader.get(article.get_absolute_url()).content.decode()
    )


def test_a_site_whose_redis_is_unreachable_still_serves_pages(tmp_path, static_files):
    """The real client's errors, through the settings operators use (CACHE_URL)."""
    import os

    from django.conf import settings

    code = (
        "import django, time; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.test import Client\n"
        "started = time.monotonic()\n"
        "statuses = [Client(HTTP_HOST='127.0.0.1').get(path).status_code "
        "for path in ['/', '/articles/', '/healthz']]\n"
        "print(statuses, round(time.monotonic() - started))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path}/site.sqlite3",
            "CACHE_URL": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    statuses, seconds = result.stdout.strip().rsplit(" ", 1)
    assert statuses == "[200, 200, 200]", result.stderr[-2000:]
    assert int(seconds) < 10


def test_tracking_and_made_up_parameters_share_the_pages_entry(client):
    """A newsletter's links carry ?utm_source=...: the burst they bring is served from the
    cache, and made-up parameters cannot fill it with copies."""
    article = make_article()
    for _ in range(11):
        make_article()
    url = article.get_absolute_url()
    client.get(url)
    for query in ["?utm_source=newsletter&utm_medium=email", "?x=1", "?x=2&fbclid=abc"]:
        assert Client().get(url + query)["X-Page-Cache"] == "hit", query
    # What pages read still makes a page of its own.
    Client().get("/articles/")
    second = Client().get("/articles/?page=2&utm_source=newsletter")
    assert "X-Page-Cache" not in second
    assert "Page 2 of 2" in second.content.decode()


def test_a_page_number_is_kept_only_by_pages_that_have_pages(client):
    """The home page, an article and the feed ignore ?page=7: stored once more for it,
    and for every other number, they would fill the cache with copies."""
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/feed/"]:
        for _ in range(2):
            response = Client().get(url + "?page=7")
            assert response.status_code == HTTPStatus.OK
            assert "X-Page-Cache" not in response, url
            assert "private" in response["Cache-Control"], url
    assert Client().get("/articles/?page=99999999999").status_code == HTTPStatus.NOT_FOUND
    assert Client().get("/articles/?page=" + "9" * 5000).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "query",
    ["?reply_to=1", "?reply_to=2", "?q=spines", "?page=02", "?page=%2B2", "?page=2&page=2"],
)
def test_free_text_and_odd_page_numbers_are_rendered_afresh_and_never_stored(client, query):
    """Every value would make an entry of its own: a script or a crawler following each
    comment's reply link could fill the cache and push real pages out."""
    for _ in range(11):
        make_article()
    url = "/search/" if query.startswith("?q") else "/articles/"
    first = client.get(url + query)
    assert first.status_code == HTTPStatus.OK
    assert "private" in first["Cache-Control"]  # nor kept by a proxy on the way
    assert "X-Page-Cache" not in Client().get(url + query)
    # The page as the site links it is still kept.
    Client().get("/articles/?page=2")
    assert Client().get("/articles/?page=2")["X-Page-Cache"] == "hit"
