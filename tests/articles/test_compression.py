"""Pages reach browsers gzipped, cached or not, with each reader's token intact."""

import datetime
import gzip
import random
import re
import zlib
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from comments.models import Comment
from config.compression import deflate_segment, gzip_member
from tests.factories import image_file, make_article, make_comment

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP = re.compile(rb'name="timestamp" value="([^"]+)"')


def shared_part(page):
    """The page without what each reader gets afresh: the token and the form's time."""
    return TIMESTAMP.sub(b"", TOKEN.sub(b"", page))


BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


def test_a_browser_gets_the_article_page_gzipped_on_first_visit_and_from_the_cache():
    article = make_article(title="Spines grow after one dose")
    make_comment(article, body="A reply worth keeping.")
    plain = Client().get(article.get_absolute_url())
    assert "Content-Encoding" not in plain

    for _ in range(2):  # the first fills the cache (with another reader's plain copy)
        response = Client().get(article.get_absolute_url(), **BROWSER)
        assert response["Content-Encoding"] == "gzip"
        assert response["X-Page-Cache"] == "hit"
        assert len(response.content) < len(plain.content) / 2
        page = gzip.decompress(response.content)
        # The same page as the plain copy, but for this reader's own token.
        assert shared_part(page) == shared_part(plain.content)
        assert b"Spines grow after one dose" in page
        assert b"A reply worth keeping." in page
        assert b"not medical advice" in page


def test_a_page_rendered_for_a_browser_is_gzipped_and_cached_for_plain_clients_too():
    article = make_article(title="Rendered for a phone")
    first = Client().get(article.get_absolute_url(), **BROWSER)
    assert "X-Page-Cache" not in first
    assert first["Content-Encoding"] == "gzip"
    assert b"Rendered for a phone" in gzip.decompress(first.content)

    plain = Client().get(article.get_absolute_url())
    assert plain["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    assert b"Rendered for a phone" in plain.content


def test_each_reader_of_a_gzipped_cached_page_can_post_a_comment(time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    article = make_article()
    Client().get(article.get_absolute_url(), **BROWSER)
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [
        gzip.decompress(reader.get(article.get_absolute_url(), **BROWSER).content)
        for reader in readers
    ]
    tokens = [TOKEN.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1]

    time_machine.shift(datetime.timedelta(seconds=5))  # past the form's too-fast-to-be-human rule
    for number, (reader, page) in enumerate(zip(readers, pages, strict=True)):
        response = reader.post(
            f"{article.get_absolute_url()}comments/",
            {
                "csrfmiddlewaretoken": TOKEN.search(page).group(1).decode(),
                "timestamp": TIMESTAMP.search(page).group(1).decode(),
                "author_name": f"Reader {number}",
                "email": f"reader{number}@example.org",
                "body": "Sent from a compressed page.",
            },
            REMOTE_ADDR=f"10.9.9.{number + 1}",
        )
        assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.filter(body="Sent from a compressed page.").count() == 2


def test_the_token_travels_uncompressed_so_page_size_reveals_nothing_of_it():
    """The BREACH attack guesses a secret from how well it compresses with the page."""
    article = make_article()
    Client().get(article.get_absolute_url())
    responses = [Client().get(article.get_absolute_url(), **BROWSER) for _ in range(3)]
    for response in responses:
        token = TOKEN.search(gzip.decompress(response.content)).group(1)
        assert token in response.content
    assert len({len(response.content) for response in responses}) == 1


def test_a_gzipped_page_answers_a_conditional_request_with_304():
    article = make_article()
    first = Client().get(article.get_absolute_url(), **BROWSER)
    assert first["ETag"].startswith('W/"')
    again = Client().get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"], **BROWSER)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""


def test_pages_outside_the_cache_and_feeds_are_gzipped_too(staff_client):
    article = make_article(title="Seen by staff")
    staff_page = staff_client.get(article.get_absolute_url(), **BROWSER)
    assert "X-Page-Cache" not in staff_page
    assert staff_page["Content-Encoding"] == "gzip"
    assert b"Seen by staff" in gzip.decompress(staff_page.content)

    feed = Client().get("/feed/", **BROWSER)
    assert feed["Content-Encoding"] == "gzip"
    assert b"Seen by staff" in gzip.decompress(feed.content)


def test_uploaded_images_are_not_compressed_again(settings):
    name = default_storage.save("covers/photo.png", image_file(size=(400, 300)))
    response = Client().get(f"{settings.MEDIA_URL}{name}", **BROWSER)
    assert response.status_code == HTTPStatus.OK
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("seed", range(5))
def test_segments_compressed_apart_join_into_one_valid_gzip_stream(seed):
    rng = random.Random(seed)
    words = [b"spine", b"dendrite", b"<p>", b"\n", b"psilocybin", bytes(range(256))]
    chunks = [
        b" ".join(rng.choice(words) for _ in range(rng.choice([0, 1, 50, 20_000])))
        for _ in range(rng.randint(1, 6))
    ]
    # Some chunks go uncompressed, one of them longer than a single stored block holds.
    deflated = [None if rng.random() < 0.4 else deflate_segment(chunk) for chunk in chunks]
    assert gzip.decompress(gzip_member(chunks, deflated)) == b"".join(chunks)
    assert zlib.decompress(gzip_member(chunks, deflated), wbits=31) == b"".join(chunks)
