"""The one place where rich text becomes trusted HTML.

Staff write article and program bodies in a rich-text editor; the HTML is cleaned with
an nh3 allowlist when it is saved *and* again when it is rendered, so a row written
around the admin (a fixture, a shell, an old migration) can never carry a script to a
page. Nothing else in the project may mark a string as safe.
"""

import html
import json
import re

import nh3
from django.utils.safestring import SafeData, SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure",
    "h2", "h3", "h4", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    # The editor's "List type": `type` draws the numbers (a, b, c...) in any browser;
    # `data-type` is what the editor reads back when the text is opened again.
    "ol": {"start", "type", "data-type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# "www.example.org/study" typed into the editor's link box: an address without its
# scheme, which a browser would read as a page of this site. Only a "www." address is
# taken for another site's: "report.zip" or "notes.md" may be a file name, and .zip and
# .md are also domains a stranger can own.
_BARE_WWW = re.compile(r"^www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]|$)", re.IGNORECASE)


# What the editor's ordered lists may say (django-prose-editor's orderedList.js); its
# "Bullets" choice draws bullets through the stylesheet.
LIST_TYPES = {
    "type": {"1", "a", "A", "i", "I"},
    "data-type": {"decimal", "lower-alpha", "upper-alpha", "lower-roman", "upper-roman", "disc"},
}


def _filter_attribute(tag, attribute, value):
    if tag == "ol" and attribute in LIST_TYPES:
        return value if value in LIST_TYPES[attribute] else None
    if tag == "a" and attribute == "href" and _BARE_WWW.match(value):
        return f"https://{value}"
    return value


_HREF = re.compile(r'href="([^"]*)"')
_HOST_FIRST = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]|$)", re.IGNORECASE)


def links_without_scheme(markup: str) -> list[str]:
    """Links that start like another site's address ("doi.org/10.1056/...") but lack
    https://, which a browser reads as a page of this site: staff are asked to complete
    them ("www." ones are completed when the HTML is cleaned)."""
    hrefs = (html.unescape(href) for href in _HREF.findall(markup or ""))
    return [href for href in hrefs if _HOST_FIRST.match(href) and not _BARE_WWW.match(href)]


def link_scheme_message(links: list[str]) -> str:
    return (
        "Add https:// to the start of "
        + ", ".join(f"“{link}”" for link in links[:3])
        + ": without it the link leads to a missing page of this site."
    )


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto"},
    # Links leave the site without passing on the reader's referrer or window.
    link_rel="noopener noreferrer",
    strip_comments=True,
)

# Every tag removed, text kept (entities still encoded).
_tag_stripper = nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)

# What a comment can produce (comments/text.py): paragraphs, line breaks, links.
_comment_cleaner = nh3.Cleaner(
    tags={"p", "br", "a"},
    attributes={"a": {"href", "rel"}},
    url_schemes={"http", "https"},
    link_rel=None,
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allowlist removed."""
    cleaned = _cleaner.clean(html or "")
    # The editor stores an empty document as one empty paragraph.
    return "" if cleaned.strip() in {"", "<p></p>"} else cleaned


def render_html(html: str) -> SafeString:
    """Sanitise again and mark as safe for a template."""
    return mark_safe(sanitize_html(html))  # noqa: S308 - cleaned by the allowlist above


def render_comment_html(html: str) -> SafeString:
    """A comment's stored HTML, cleaned to what comment text can produce and marked safe.

    Comments are turned into HTML once, when saved; the stored column is cleaned again on
    every read, so a row written around the model can never carry a script to a page."""
    return SafeString(_comment_cleaner.clean(html or ""))


_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|td|th|figcaption)>|<br\s*/?>|<hr\s*/?>")
# A heading run into the next paragraph reads as one sentence ("What this means It is...")
# in a summary or a search snippet: one without its own closing mark gets a full stop.
_HEADING_END = re.compile(r"([^\s.?!:;…>])(\s*(?:</[a-z]+>\s*)*</h[1-6]>)")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, for excerpts, word counts and search: entities are
    decoded (templates and feeds escape the text once, as they do any text)."""
    # Cleaning first drops the content of <script> and <style>, not only their tags; the
    # end of a block is a word break, so paragraphs do not run together.
    spaced = _BLOCK_END.sub(" ", _HEADING_END.sub(r"\1.\2", sanitize_html(markup)))
    return " ".join(html.unescape(_tag_stripper.clean(spaced)).split())


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def render_json_ld(data) -> SafeString:
    """A `<script type="application/ld+json">` block; `<`, `>` and `&` are escaped so
    no value can close the element."""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


def html_format(template: str, *values) -> SafeString:
    """`format_html` for long loops, such as a thread of hundreds of comments.

    The same escaping (the standard library's `html.escape`, which Django's `escape` calls,
    and `__html__` for values already safe) without Django's lazy-string checks on every
    value, which cost more than the escaping itself. As with `format_html`, `template`
    must be a literal; a test holds every caller to that."""
    # SafeString directly: mark_safe's lazy-string check costs more than the formatting.
    return SafeString(  # every value is escaped or already safe
        template.format(
            *[
                value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
                for value in values
            ]
        )
    )


def html_literal(markup: str) -> SafeString:
    """Fixed markup written in the code, such as a closing tag. Only a string literal may
    be passed; a test holds every caller to that."""
    return SafeString(markup)


def html_join(fragments) -> SafeString:
    """Join fragments that are each safe already (from `html_format`, `format_html` or a
    template); a plain string among them is a bug, and raises rather than being trusted."""
    fragments = list(fragments)
    for fragment in fragments:
        if not isinstance(fragment, SafeData):
            raise TypeError(f"Not safe HTML: {fragment!r:.60}")
    return SafeString("".join(fragments))  # each fragment is safe
