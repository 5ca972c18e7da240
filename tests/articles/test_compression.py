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


BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


def shared_part(page):
    """The page without what each reader gets afresh: the token and the form's time."""
    return TIMESTAMP.sub(b"", TOKEN.sub(b"", page))


def test_browsers_get_the_cached_article_page_gzipped_with_their_own_token():
    article = make_article(title="Spines grow after one dose")
    make_comment(article, body="A reply worth keeping.")
    plain = Client().get(article.get_absolute_url())
    assert "Content-Encoding" not in plain

    for _ in range(2):
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
    browser = Client()
    first = browser.get(article.get_absolute_url(), **BROWSER)
    assert first["ETag"].startswith('W/"')
    again = browser.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"], **BROWSER)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""


def test_pages_and_feeds_outside_the_cache_are_gzipped_too(staff_client):
    """A signed-in reader never gets the shared copy; their pages are compressed anyway."""
    article = make_article(title="Seen by staff")
    for path in (article.get_absolute_url(), "/feed/"):
        response = staff_client.get(path, **BROWSER)
        assert "X-Page-Cache" not in response
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert b"Seen by staff" in gzip.decompress(response.content)


def test_a_body_too_short_to_gain_goes_plain():
    Client().get("/robots.txt")
    response = Client().get("/robots.txt", **BROWSER)
    assert response["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in response
    assert response.content.startswith(b"User-agent")


def test_uploaded_images_are_not_compressed_again(settings):
    name = default_storage.save("covers/photo.png", image_file(size=(400, 300)))
    response = Client().get(f"{settings.MEDIA_URL}{name}", **BROWSER)
    assert response.status_code == HTTPStatus.OK
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "sizes",
    [
        [0],
        [70_000],
        [0, 1, 0],
        [300, 64, 70_000, 5],
        [200_000, 64, 131_071, 64, 65_535, 65_536],
    ],
)
@pytest.mark.parametrize("uncompressed", ["none", "every other", "all"])
def test_segments_compressed_apart_join_into_one_valid_gzip_stream(sizes, uncompressed):
    """Per-reader values between the page's chunks travel as stored blocks, which hold at
    most 64 KB each; empty chunks and large ones must join as well as small ones."""
    rng = random.Random(len(sizes))
    text = "Spines grew 10% après une dose. <p>\n"
    chunks = ["".join(rng.choice(text) for _ in range(size)).encode()[:size] for size in sizes]
    stored = {
        "none": set(),
        "every other": set(range(1, len(chunks), 2)),
        "all": set(range(len(chunks))),
    }
    deflated = [
        None if index in stored[uncompressed] else deflate_segment(chunk)
        for index, chunk in enumerate(chunks)
    ]
    stream = gzip_member(chunks, deflated)
    assert gzip.decompress(stream) == b"".join(chunks)
    decompressor = zlib.decompressobj(wbits=31)
    assert decompressor.decompress(stream) == b"".join(chunks)
    assert decompressor.eof and decompressor.unused_data == b""
