import datetime
import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_draft,
    make_scheduled,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db


def page_urls_listing(topic):
    return [
        reverse("articles:home"),
        reverse("articles:list"),
        reverse("articles:topic", args=[topic.slug]),
    ]


def test_published_articles_appear_on_every_list(client):
    """A live article shows on the home page, the article list and its topic page."""
    topic = make_topic()
    article = make_article(title="Spines grew in mice", topics=[topic])
    for url in page_urls_listing(topic):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert article.title in response.content.decode(), url


def test_drafts_and_scheduled_articles_stay_hidden_on_lists(client):
    """Drafts and articles whose time has not come appear nowhere for readers."""
    topic = make_topic()
    make_article(title="Visible one", topics=[topic])
    make_draft(title="Secret draft", topics=[topic], is_featured=True)
    make_scheduled(title="Future piece", topics=[topic], is_featured=True)
    for url in page_urls_listing(topic):
        content = client.get(url).content.decode()
        assert "Visible one" in content
        assert "Secret draft" not in content, url
        assert "Future piece" not in content, url


def test_unpublished_article_pages_are_404_for_readers(client):
    for article in [make_draft(), make_scheduled()]:
        response = client.get(article.get_absolute_url())
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_scheduled_article_appears_once_its_time_comes(client, time_machine):
    article = make_scheduled(title="Timed release")
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    time_machine.move_to(article.publish_at + datetime.timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
    assert "Timed release" in client.get(reverse("articles:list")).content.decode()


def test_staff_preview_unpublished_article_with_banner(staff_client):
    draft = make_draft(title="Work in progress")
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Preview — not published" in response.content.decode()


def test_staff_see_no_preview_banner_on_live_articles(staff_client):
    article = make_article()
    assert (
        "Preview — not published"
        not in staff_client.get(article.get_absolute_url()).content.decode()
    )


def test_staff_without_change_permission_get_404_for_drafts(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x" * 14, is_staff=True)
    client.force_login(user)
    assert client.get(make_draft().get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_article_page_shows_byline_review_sources_and_updates(client):
    reviewer = make_author(name="Dr. Samuel Okafor", credentials="MD, psychiatrist")
    writer = make_author(name="Maya Lindqvist", credentials="PhD")
    article = make_article(
        authors=[writer],
        reviewed_by=reviewer,
        last_reviewed=datetime.date(2026, 3, 2),
    )
    make_source(
        article,
        title="Psilocybin study",
        study_type="animal",
        species="mice",
        publisher="Neuron",
        doi="10.1016/j.neuron.2021.06.008",
    )
    make_source(article, title="Trial", study_type="human", publisher="NEJM")
    article.updates.create(date=datetime.date(2026, 5, 3), note="Added the follow-up study")

    content = client.get(article.get_absolute_url()).content.decode()
    assert f'By <a class="author" href="{writer.get_absolute_url()}">Maya Lindqvist</a>' in content
    assert (
        f'Reviewed by <a href="{reviewer.get_absolute_url()}">Dr. Samuel Okafor</a>, '
        "MD, psychiatrist on"
    ) in content
    assert "2 March 2026" in content
    assert "Study in mice" in content
    assert "Human trial" in content
    assert "https://doi.org/10.1016/j.neuron.2021.06.008" in content
    assert "Updated 3 May 2026" in content
    assert "Added the follow-up study" in content
    # Under the title too, where readers judge how current the article is.
    byline = content.split('class="article__byline"')[1].split("</p>")[0]
    assert (
        '· <a href="#updates-heading">Updated <time datetime="2026-05-03">3 May 2026</time></a>'
    ) in byline


def test_reading_time_at_230_words_a_minute(client):
    short = make_article(body="<p>Just a few words.</p>")
    long = make_article(body="<p>" + "word " * 700 + "</p>")
    assert short.reading_minutes == 1
    assert long.reading_minutes == 4  # 700 / 230 = 3.04, rounded up
    assert "4 min read" in client.get(long.get_absolute_url()).content.decode()


def test_excerpt_falls_back_to_start_of_body():
    article = make_article(excerpt="", body="<p>First <b>words</b> of the body.</p>")
    assert article.summary == "First words of the body."
    article.excerpt = "Hand-written summary"
    assert article.summary == "Hand-written summary"


def test_a_summary_cut_from_the_body_ends_with_one_mark(client):
    """Cut after a sentence's full stop, a card read "before approval.…"."""
    sentence = "Twenty people took part in trials before approval. " * 6  # 8 words each
    article = make_article(excerpt="", body=f"<p>{sentence}</p>")
    assert article.summary.endswith(" before approval…")
    assert len(article.summary.split()) == 40
    page = client.get("/").content.decode()
    assert "before approval…" in page
    assert ".…" not in page


def test_related_articles_picks_first_then_shared_topics_newest_first(client):
    now = timezone.now()
    topic = make_topic()
    article = make_article(topics=[topic])
    pick = make_article(title="Staff pick", publish_at=now - datetime.timedelta(days=30))
    older = make_article(
        title="Older on topic", topics=[topic], publish_at=now - datetime.timedelta(days=10)
    )
    newer = make_article(
        title="Newer on topic", topics=[topic], publish_at=now - datetime.timedelta(days=2)
    )
    make_article(
        title="Oldest on topic", topics=[topic], publish_at=now - datetime.timedelta(days=20)
    )
    make_draft(title="Draft on topic", topics=[topic])
    article.related_picks.add(pick, make_draft(title="Draft pick"))

    assert article.related_articles() == [pick, newer, older]


def test_article_page_lists_related_articles_with_and_without_picks(client):
    now = timezone.now()
    topic, other = make_topic(), make_topic()
    article = make_article(topics=[topic, other])
    for days, title in [(9, "Nine days"), (1, "One day"), (5, "Five days"), (3, "Three days")]:
        make_article(title=title, topics=[other], publish_at=now - datetime.timedelta(days=days))
    make_article(title="Off topic", topics=[make_topic()])

    def related_titles():
        html = client.get(article.get_absolute_url()).content.decode()
        section = html.partition('id="related-heading"')[2]
        return re.findall(r"<h3[^>]*>\s*<a[^>]*>([^<]+)</a>", section)

    assert related_titles() == ["One day", "Three days", "Five days"]
    article.related_picks.add(Article.objects.get(title="Off topic"))
    assert related_titles() == ["Off topic", "One day", "Three days"]


def test_article_without_topics_or_picks_has_no_related_section(client):
    make_article(title="Elsewhere", topics=[make_topic()])
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert "Related articles" not in html


def test_related_articles_never_include_the_article_itself():
    topic = make_topic()
    article = make_article(topics=[topic])
    article.related_picks.add(article)
    assert article.related_articles() == []


def test_unknown_slugs_are_404(client):
    assert client.get("/articles/no-such-article/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/topics/no-such-topic/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0", "1.5", "%00"])
def test_odd_page_numbers_are_404_never_500(client, page):
    for number in range(12):
        make_article(slug=f"paged-{number}")
    response = client.get(reverse("articles:list"), {"page": page})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_article_list_paginates_ten_newest_first(client):
    now = timezone.now()
    for number in range(12):
        make_article(title=f"Piece {number:02}", publish_at=now - datetime.timedelta(hours=number))
    first = client.get(reverse("articles:list")).content.decode()
    second = client.get(reverse("articles:list"), {"page": 2}).content.decode()
    assert first.index("Piece 00") < first.index("Piece 09")
    assert "Piece 10" not in first
    assert "Piece 10" in second and "Piece 11" in second


def test_home_page_features_the_featured_article(client):
    make_article(title="Ordinary article")
    make_article(title="Headline piece", is_featured=True)
    content = client.get(reverse("articles:home")).content.decode()
    assert content.index("Headline piece") < content.index("Ordinary article")


def test_healthz_answers_while_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["database"] == "ok"


def test_healthz_answers_a_load_balancer_asking_by_the_servers_address(client, settings):
    settings.ALLOWED_HOSTS = ["example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.1.23:8000")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "ok"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    # Pages still answer only to the site's own names.
    assert client.get("/", HTTP_HOST="10.0.1.23:8000").status_code == HTTPStatus.BAD_REQUEST


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] == "unavailable"


def test_healthz_reports_a_cache_outage_without_taking_the_server_out(client, monkeypatch):
    """Every server shares the cache, and pages are served without it: a 503 would have
    the load balancer take all of them out at once."""
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("Redis went away")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "static": "ok",
    }


def test_healthz_takes_out_a_server_whose_static_files_were_not_collected(
    client, settings, tmp_path, caplog
):
    """An update deployed without `collectstatic`: every page fails on a stylesheet the
    manifest does not name, so the load balancer must stop sending readers there."""
    from articles.views import uncollected_static_files

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    uncollected_static_files.cache_clear()
    try:
        response = client.get("/healthz")
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert response.json()["static"].endswith("files not collected")
        assert "collectstatic" in caplog.text
        assert "css/site.css" in caplog.text
        # `make dev` serves static files by their own names, collected or not.
        settings.DEBUG = True
        uncollected_static_files.cache_clear()
        assert client.get("/healthz").json()["static"] == "ok"
        settings.DEBUG = False

        call_command("collectstatic", interactive=False, verbosity=0)
        uncollected_static_files.cache_clear()  # as a restarted server would
        response = client.get("/healthz")
        assert response.status_code == HTTPStatus.OK
        assert response.json()["static"] == "ok"
    finally:
        uncollected_static_files.cache_clear()


def test_an_outage_is_logged_once_a_minute_not_at_every_probe(client, monkeypatch, caplog):
    from django.core.cache import cache

    from articles import views

    def broken(*args, **kwargs):
        raise ConnectionError("Redis went away")

    monkeypatch.setattr(cache, "set", broken)
    monkeypatch.setattr(views, "_outage_logged_at", {})
    for _ in range(3):
        client.get("/healthz")
    assert len([r for r in caplog.records if "cache does not answer" in r.message]) == 1


def test_favicon_ico_redirects_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].endswith("img/favicon.svg")


def test_article_status_defaults_to_draft():
    assert Article().status == Article.Status.DRAFT


def test_summaries_show_ampersands_and_angle_brackets_as_written(client):
    """A summary made from the body is text: its entities are decoded once, and the
    page escapes it once, so readers see "&" and "<", never "&amp;"."""
    article = make_article(
        excerpt="",
        seo_description="",
        body="<p>Dose &amp; response: &lt;script&gt;alert(1)&lt;/script&gt; in mice.</p>",
    )
    card = client.get(reverse("articles:list")).content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    feed = client.get("/feed/").content.decode()

    shown = "Dose &amp; response: &lt;script&gt;alert(1)&lt;/script&gt; in mice."
    assert f'<p class="card__summary">{shown}</p>' in card
    assert f'<meta name="description" content="{shown}">' in page
    assert "&amp;amp;" not in card + page
    assert "<script>alert(1)" not in card + page
    # A feed's description is HTML inside XML: escaped once for each.
    assert f"<description>{escape(shown)}</description>" in feed
