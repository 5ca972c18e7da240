"""Every public page, found by following links from the home page and the sitemap:

- privacy: no request to another host (scripts, styles, images, fonts, frames, media);
- the Content-Security-Policy holds: no inline script or style, no event-handler
  attributes, no `javascript:` links, so nothing on the page is refused by the browser.
"""

import re
from collections import deque
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOST = "testserver"
MAX_PAGES = 400
# Attributes that make the browser fetch something as the page loads.
FETCHING_ATTRIBUTES = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "frame": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "track": ["src"],
    "input": ["src"],
}
FETCHING_LINK_RELS = {
    "stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon", "prefetch",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "importmap"}


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fetched, self.links, self.inline = [], [], []
        self._open_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in FETCHING_ATTRIBUTES.get(tag, []):
            if attributes.get(name):
                self.fetched += _urls(name, attributes[name], tag)
        if (
            tag == "link"
            and set((attributes.get("rel") or "").lower().split()) & FETCHING_LINK_RELS
        ):
            self.fetched.append((f"link[{attributes.get('rel')}]", attributes.get("href", "")))
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.inline.append(f'<{tag} style="{value}">')
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.inline.append("<style> element")
        if tag == "script" and not attributes.get("src"):
            self._open_script = attributes.get("type", "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._open_script = None

    def handle_data(self, data):
        script_type = self._open_script
        if (
            script_type is not None
            and data.strip()
            and script_type.lower() not in DATA_SCRIPT_TYPES
        ):
            self.inline.append(f"inline <script>: {data.strip()[:60]}")


def _urls(attribute, value, tag):
    if attribute == "srcset":
        candidates = [part.strip() for part in value.split(",") if part.strip()]
        return [(f"{tag}[srcset]", candidate.split()[0]) for candidate in candidates]
    return [(f"{tag}[{attribute}]", value)]


def same_origin(url, base):
    parts = urlsplit(urljoin(base, url))
    return parts.scheme in {"http", "https", ""} and parts.hostname in {None, HOST}


def crawl(client, start_paths):
    """Visit every page reachable by links; return {path: (response, parser)}."""
    queue, seen, pages = deque(start_paths), {_shape(path) for path in start_paths}, {}
    admin_prefix = reverse("admin:index")
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        pages[path] = response
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        response.parsed = parser
        for href in parser.links:
            absolute = urljoin(f"http://{HOST}{path}", href)
            parts = urlsplit(absolute)
            if parts.hostname != HOST or parts.scheme not in {"http", "https"}:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            skip = (
                target.startswith((admin_prefix, settings.MEDIA_URL, settings.STATIC_URL))
                or "/go/" in parts.path  # counts a click and sends the reader on
                or "/unsubscribe/" in parts.path
            )
            if not skip and _shape(target) not in seen:
                seen.add(_shape(target))
                queue.append(target)
    return pages


def _shape(path):
    """A page and the names of its query parameters: `?reply_to=3` and `?reply_to=4` show
    the same page, and one of them is enough."""
    parts = urlsplit(path)
    return parts.path, tuple(sorted(name for name, _ in parse_qsl(parts.query)))


def sitemap_paths(client):
    response = client.get(reverse("articles:sitemap"))
    assert response.status_code == HTTPStatus.OK
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    return [urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", namespace)]


def test_no_public_page_loads_anything_from_another_host_or_inline(client):
    call_command("seed_demo", verbosity=0)
    start = ["/", "/search/?q=psilocybin", "/no-such-page/", *sitemap_paths(client)]
    pages = crawl(client, start)

    html_pages = {path: r for path, r in pages.items() if hasattr(r, "parsed")}
    assert len(html_pages) >= 20, sorted(pages)  # the demo site really was walked
    # Every kind of page was reached: articles, topics, programs, search, the 404.
    for prefix in ["/articles/", "/topics/", "/programs/", "/search/"]:
        assert any(path.startswith(prefix) for path in html_pages), prefix
    broken = {p: r.status_code for p, r in pages.items() if r.status_code >= 400}
    assert broken == {"/no-such-page/": HTTPStatus.NOT_FOUND}

    third_party, inline = [], []
    for path, response in html_pages.items():
        base = f"http://{HOST}{path}"
        third_party += [
            f"{path}: {where} {url}"
            for where, url in response.parsed.fetched
            if not same_origin(url, base)
        ]
        inline += [f"{path}: {what}" for what in response.parsed.inline]
    assert not third_party, "\n".join(third_party)
    assert not inline, "\n".join(inline)


def test_stylesheets_fetch_nothing_from_another_host():
    """Fonts and background images named inside our CSS files come from this site too."""
    url = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
    offences = []
    for stylesheet in sorted(Path(settings.BASE_DIR, "static").rglob("*.css")):
        for match in url.finditer(stylesheet.read_text(encoding="utf-8")):
            target = match.group(1) or match.group(2)
            if not target.startswith("data:") and not same_origin(target, f"http://{HOST}/"):
                offences.append(f"{stylesheet.name}: {target}")
    assert not offences


def test_the_page_check_sees_what_it_must_refuse():
    parser = PageParser()
    parser.feed(
        '<link rel="stylesheet" href="https://fonts.example.com/a.css">'
        '<img src="/media/a.jpg" srcset="/media/a-4.webp 480w, https://cdn.example.com/b.jpg 2x">'
        '<p style="color:red" onclick="go()">x</p><style>p{}</style>'
        '<script>alert(1)</script><script type="application/ld+json">{"a": 1}</script>'
        '<a href="javascript:alert(1)">y</a>'
    )
    outside = [url for _, url in parser.fetched if not same_origin(url, "http://testserver/")]
    assert outside == ["https://fonts.example.com/a.css", "https://cdn.example.com/b.jpg"]
    assert len(parser.inline) == 5, parser.inline
