"""Commenters write plain text: this module cleans what they send and turns it into the
only HTML a comment can produce (paragraphs, line breaks and links)."""

import re
import unicodedata

from django.utils.html import MAX_URL_LENGTH, Urlizer, smart_urlquote
from django.utils.safestring import SafeString

from articles.html import html_format, html_join

LINK_REL = "nofollow ugc noopener"

# Bidirectional overrides and isolates can make a name or text read backwards on the page
# (and in the admin); no ordinary writing needs them typed by hand.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    None,
)
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}
_LINE_BREAK_RE = re.compile("|".join(map(re.escape, _LINE_BREAKS)))
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
# A telephone number as crisis lines write them: 116 123, (800) 273-8255, 741741,
# +44 (0)808 808 4994. Not inside a word, an amount ("$1,000") or a decimal.
_PHONE_RE = re.compile(
    r"(?<![\w+$€£/.,#&=:()-])(?:\+\d{1,3}[ -]?)?(?:\(\d{1,4}\)[ -]?)?\d{2,12}(?:[ -]\d{2,12}){0,4}"
    r"(?![\w%/]|[.,-]\d)"
)
# Numbers too short to be sure of, unless they are the emergency and crisis lines
# people know ("call 988", "call 911"); "365 days" or "ext. 1234" stay text.
_SHORT_NUMBERS = frozenset(
    {"000", "100", "101", "110", "111", "112", "119", "911", "988", "999", "1737"}
)
_DATE_RE = re.compile(r"(?:19|20)\d\d(?:-\d\d){1,2}|(?:19|20)\d\d-(?:19|20)?\d\d")


# Unicode's control characters (category Cc) are exactly these two ranges; newlines and
# tabs are kept. One regular expression instead of a category lookup per character.
_CONTROLS_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Newlines made uniform; control characters and bidi overrides removed; trimmed."""
    text = _LINE_BREAK_RE.sub(lambda match: _LINE_BREAKS[match.group()], text)
    text = _CONTROLS_RE.sub("", text).translate(_BIDI_CONTROLS)
    return text.strip()


def clean_line(text: str) -> str:
    """Like `clean_text`, on one line: every run of white space becomes one space."""
    return " ".join(clean_text(text).split())


def comparable(text: str) -> str:
    """Text folded for matching word lists: compatibility forms, letter case and invisible
    format characters (zero-width spaces, soft hyphens) no longer hide a word."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(char for char in folded if unicodedata.category(char) != "Cf")
    return " ".join(folded.split())


# Characters that draw nothing though Unicode counts them as letters or symbols: the
# Hangul fillers and the blank braille pattern (a favourite for "empty" names).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


# Controls, format characters, surrogates, and combining marks (which draw nothing alone).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Mn", "Mc", "Me"})


def has_visible_text(text: str) -> bool:
    """Whether `text` shows anything: a character that is not white space, an invisible
    format character, a combining mark on its own or a blank-looking filler."""
    return any(
        not char.isspace()
        and char not in _BLANK_LOOKING
        # Unassigned and private-use characters count as shown: emoji newer than this
        # Python's Unicode tables are unassigned to it.
        and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        for char in text
    )


# Django's own address finder (the one behind the `urlize` filter) decides what is a link;
# the HTML is built here with format_html, so every character a commenter wrote is escaped.
_urlizer = Urlizer()
URL_TRIM_LENGTH = 60


def _link(word):
    """(lead, href, shown, trail) when `word` is an http(s) or www. address, else None.
    E-mail addresses are not linked: no one-click mail to a reader."""
    if "." not in word and ":" not in word:
        return None
    lead, middle, trail = _urlizer.trim_punctuation(word)
    if len(middle) > MAX_URL_LENGTH:
        return None
    if _urlizer.simple_url_re.match(middle):
        href = smart_urlquote(middle)
    elif _urlizer.simple_url_2_re.match(middle):
        href = smart_urlquote(f"http://{middle}")
    else:
        return None
    return lead, href, _urlizer.trim_url(middle, limit=URL_TRIM_LENGTH), trail


def _line(line, rel, phones) -> SafeString:
    pieces, text = [], []
    for word in _urlizer.word_split_re.split(line):
        link = _link(word)
        if link is None:
            text.append(word)
            continue
        lead, href, shown, trail = link
        pieces.append(_text(("".join(text) + lead), phones))
        pieces.append(html_format('<a href="{}" rel="{}">{}</a>', href, rel, shown))
        text = [trail]
    pieces.append(_text("".join(text), phones))
    return html_join(pieces)


def _text(text, phones) -> SafeString:
    """Escaped text; with `phones`, telephone numbers in it as tap-to-call links."""
    if not phones:
        return html_format("{}", text)
    pieces, last = [], 0
    for match in _PHONE_RE.finditer(text):
        number = match.group()
        digits = _dialled(number)
        too_short = len(digits) < 5 and digits not in _SHORT_NUMBERS
        if too_short or len(digits) > 16 or _DATE_RE.fullmatch(number):
            continue  # a count, an extension, a year or a date: nothing to call
        pieces.append(html_format("{}", text[last : match.start()]))
        pieces.append(html_format('<a href="tel:{}">{}</a>', digits, number))
        last = match.end()
    pieces.append(html_format("{}", text[last:]))
    return html_join(pieces)


def _dialled(number):
    """What a phone dials for `number`: digits, with the country code's + kept and the
    national trunk "(0)" dropped after it."""
    if number.startswith("+"):
        number = number.replace("(0)", "")
    return ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)


def _paragraphs(text, *, rel=LINK_REL, phones=False) -> SafeString:
    """Escaped text in paragraphs, single newlines as <br>, addresses as links."""
    html = []
    for paragraph in _PARAGRAPH_RE.split(clean_text(text)):
        if not paragraph.strip():
            continue
        first, *rest = [_line(line, rel, phones) for line in paragraph.strip().split("\n")]
        html.append(
            html_format(
                "<p>{}{}</p>", first, html_join(html_format("<br>{}", line) for line in rest)
            )
        )
    return html_join(html)


def render_comment(text: str) -> SafeString:
    """HTML for a comment: escaped text in paragraphs, single newlines as <br>, and
    http(s) and www. addresses as links. Comment.save() stores it in `body_html`, so a
    page reads it rather than making it again."""
    return _paragraphs(text)


def count_links(text: str) -> int:
    """How many links the page would show for `text`."""
    return render_comment(text).count("<a ")


def plain_excerpt(text: str, length=200) -> str:
    """A short, single-line version of a comment for e-mails and notices."""
    line = clean_line(text)
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def quoted_excerpt(text: str, length=600) -> str:
    """Up to `length` characters of a comment as a plain-text e-mail quotes it: each line
    after "> ", with its line breaks and one blank line between paragraphs. A reply keeps
    its shape (a list stays a list), and no line of it passes for the e-mail's own words
    ("Read the conversation:" and a link)."""
    lines = [" ".join(line.split()) for line in clean_text(text).split("\n")]
    text = "\n".join(line for i, line in enumerate(lines) if line or lines[i - 1])
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def crisis_html(text: str) -> SafeString:
    """The crisis-resources note staff write, as paragraphs in which web addresses and
    telephone numbers are links: a reader in distress on a phone taps them rather than
    copying a number by hand."""
    return _paragraphs(text, rel="noopener", phones=True)
