"""Site search over published articles and programs.

On PostgreSQL, full-text search ranks articles with weights: title above standfirst above
excerpt and body, then topic names. On SQLite the same weights rank word matches in
Python after a cheap prefilter in the database; a small publication has at most a few
thousand articles, so that stays fast. Both read the query as a search box would: every
word, "a phrase", `or` between two words, `-word` to leave one out.

Whatever a reader types (an empty box, ten thousand characters, SQL, search-engine
syntax, control characters or odd Unicode) becomes a tidy `Query`; nothing reaches the
database except as a bound parameter.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from .html import html_to_text
from .models import Article, Topic

MAX_TERMS = 8
# Bounds the work for broad queries on SQLite; ranked results past this are never read.
MAX_CANDIDATES = 2000
MAX_RESULTS = 500
SNIPPET_WORDS = 32

# Fallback weights, mirroring PostgreSQL's A/B/C/D weights.
TITLE_WEIGHT, STANDFIRST_WEIGHT, BODY_WEIGHT, TOPIC_WEIGHT = 10, 4, 2, 1

# Invisible characters (control, surrogate, private-use, unassigned) part words; format
# characters (a soft hyphen, a zero-width space), which sit inside words copied from web
# pages and PDFs, are dropped, and so is U+FFFD, which stands for bytes that were not UTF-8.
_UNPRINTABLE = {"Cc", "Cs", "Co", "Cn"}
_DROPPED = {"Cf"}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Item:
    """A word or a "quoted phrase" of a query (a phrase is several words in a row), or,
    with `excluded`, one that must not be found."""

    words: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True)
class Query:
    """A reader's query, tidied: `text` is shown back (PostgreSQL reads it too), `clauses`
    must all be found, each through any one of its items, and `terms` are the words to
    highlight."""

    text: str = ""
    clauses: tuple[tuple[Item, ...], ...] = ()
    terms: tuple[str, ...] = ()
    was_shortened: bool = False

    def __bool__(self):
        return bool(self.clauses)


@dataclass(frozen=True)
class Fragment:
    """A piece of text for a result; `is_match` pieces are highlighted."""

    text: str
    is_match: bool = False


def box_max_length() -> int:
    """The search box's `maxlength`: twice what is searched, so a pasted paragraph is cut
    here, at a word, with a note saying so, not silently by the browser; and short enough
    that the address stays within what gunicorn reads (4,094 bytes, even for letters that
    take nine bytes in an address)."""
    return settings.SEARCH_MAX_QUERY_LENGTH * 2


def parse_query(raw: str) -> Query:
    """Tidy what a reader typed into a `Query` that is safe to search with."""
    max_length = settings.SEARCH_MAX_QUERY_LENGTH
    # Reading more than twice the limit is wasted work: the rest would be cut anyway.
    was_shortened = len(raw) > max_length * 2
    raw = raw[: max_length * 2]
    cleaned = "".join(_tidy(character) for character in raw)
    text = " ".join(unicodedata.normalize("NFKC", cleaned).split())
    if len(text) > max_length:
        text = (
            text[:max_length].rsplit(" ", 1)[0] if " " in text[:max_length] else text[:max_length]
        )
        was_shortened = True
    clauses = _clauses(text.casefold())
    terms = tuple(
        dict.fromkeys(
            word
            for clause in clauses
            for item in clause
            if not item.excluded
            for word in item.words
        )
    )[:MAX_TERMS]
    return Query(text=text, clauses=clauses, terms=terms, was_shortened=was_shortened)


# "psilocybin's" is read as "psilocybin" (as PostgreSQL's English stemming reads it):
# split at the apostrophe, it would ask for a word "s" after it.
_POSSESSIVE = re.compile(r"(?<=[^\W_])['\u2019]s\b")
# A "quoted phrase" (the closing quote may be missing) or a word, either after a "-".
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def _clauses(text: str) -> tuple[tuple[Item, ...], ...]:
    """The query read as PostgreSQL's websearch_to_tsquery reads it, so both databases
    and the program results agree: words and "phrases" must all be found, `or` between
    two of them lets either do, and a "-" in front leaves one out. "a b or c" is a and
    (b or c)."""
    clauses, joined = [], False
    for match in _TOKEN.finditer(_POSSESSIVE.sub("", text)):
        minus, phrase, word_minus, word = match.groups()
        if word == "or" and clauses:
            joined = True
            continue
        words = tuple(_WORD.findall(phrase if phrase is not None else word))[:MAX_TERMS]
        if not words:
            continue
        item = Item(words=words, excluded=bool(minus or word_minus))
        if joined:
            clauses[-1] = (*clauses[-1], item)
        else:
            clauses.append((item,))
        joined = False
        if len(clauses) == MAX_TERMS:
            break
    return tuple(clauses)


def _tidy(character: str) -> str:
    category = unicodedata.category(character)
    if category in _DROPPED or character == "\ufffd":
        return ""
    return " " if category in _UNPRINTABLE else character


# Snowball's English stemmer, which PostgreSQL's "english" search configuration uses too:
# "studies" finds "study", and "therapy" no longer finds "there".
_english = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _english.stemWord(word.casefold())


def _prefix(term: str) -> str:
    """What every word with the stem of `term` starts with, to look for it cheaply: the
    stem's start, less a last "i" or "e" that the word may spell otherwise ("studies",
    "study"; "reduce", "reducing")."""
    term = term.casefold()
    stem = _stem(term)
    length = 0
    while length < min(len(term), len(stem)) and term[length] == stem[length]:
        length += 1
    prefix = term[:length]
    return prefix[:-1] if len(prefix) > 1 and prefix[-1] in "iye" else prefix or term


# A query's few items are matched against every candidate row: compiled once each.
@functools.lru_cache(maxsize=256)
def _item_pattern(words: tuple[str, ...]):
    """Each word as the start it must have, in a row, with anything but letters and digits
    between them; `_spans` then keeps the matches whose words have the right stems."""
    return re.compile(
        r"\W+".join(rf"(?<!\w)({re.escape(_prefix(word))}\w*)" for word in words),
        re.IGNORECASE,
    )


def _spans(words: tuple[str, ...], text: str):
    """Where in `text` the words are found, each as itself or another form of it."""
    pattern, stems = _item_pattern(words), [_stem(word) for word in words]
    position = 0
    while match := pattern.search(text, position):
        if all(_stem(found) == stem for found, stem in zip(match.groups(), stems, strict=True)):
            yield match.span()
            position = match.end()
        else:
            # The words may still start one word further on ("sleep sleep quality").
            position = match.start() + 1


def _found(words: tuple[str, ...], text: str) -> bool:
    return next(_spans(words, text), None) is not None


def _weighted_score(fields, query: Query) -> int:
    """The sum of the weights of the (text, weight) fields that the query's wanted items
    are found in; 0 when the query does not match (a clause none of whose items holds)."""
    score = 0
    for clause in query.clauses:
        clause_score = 0
        for item in clause:
            found = sum(weight for text, weight in fields if _found(item.words, text))
            if item.excluded:
                clause_score = max(clause_score, 0 if found else 1)
            else:
                clause_score = max(clause_score, found)
        if not clause_score:
            return 0
        score += clause_score
    return score


def _uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


def search_article_ids(query: Query) -> list[int]:
    """Ids of published articles that match `query`, best first."""
    if not query:
        return []
    if _uses_postgres_search():
        return _postgres_article_ids(query)
    return _fallback_article_ids(query)


def _postgres_article_ids(query: Query) -> list[int]:
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
    from django.db.models import Subquery, TextField, Value
    from django.db.models.functions import Coalesce

    config = "english"
    topic_names = Coalesce(
        Subquery(
            Topic.objects.filter(articles=OuterRef("pk"))
            .values("articles")
            .annotate(names=StringAgg("name", delimiter=" "))
            .values("names")
        ),
        Value(""),
        output_field=TextField(),
    )
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("excerpt", "body", weight="C", config=config)
        + SearchVector(topic_names, weight="D", config=config)
    )
    # "websearch" understands quotes, OR and -word, and never raises on odd syntax.
    search_query = SearchQuery(query.text, search_type="websearch", config=config)
    return list(
        Article.objects.published()
        .annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .order_by("-rank", "-publish_at", "-pk")
        .values_list("pk", flat=True)[:MAX_RESULTS]
    )


def _fallback_article_ids(query: Query) -> list[int]:
    candidates = Article.objects.published()
    # The database narrows the candidates by the words that must be there; a clause with
    # "or" or a "-", and words beyond ASCII (SQLite folds the case of ASCII letters only),
    # are left to Python below.
    required = [clause[0] for clause in query.clauses if len(clause) == 1]
    for term in (word for item in required if not item.excluded for word in item.words):
        if not term.isascii():
            continue
        start = _prefix(term)
        topic_matches = Topic.objects.filter(articles=OuterRef("pk"), name__icontains=start)
        candidates = candidates.filter(
            Q(title__icontains=start)
            | Q(standfirst__icontains=start)
            | Q(excerpt__icontains=start)
            | Q(body__icontains=start)
            | Exists(topic_matches)
        )
    rows = list(
        candidates.order_by("-publish_at", "-pk").values_list(
            "pk", "title", "standfirst", "excerpt", "body"
        )[:MAX_CANDIDATES]
    )
    topic_names = {}
    for article_id, name in Article.topics.through.objects.filter(
        article_id__in=[row[0] for row in rows]
    ).values_list("article_id", "topic__name"):
        topic_names.setdefault(article_id, []).append(name)

    scored = []
    for position, (pk, title, standfirst, excerpt, body) in enumerate(rows):
        fields = [
            (title, TITLE_WEIGHT),
            (standfirst, STANDFIRST_WEIGHT),
            (f"{excerpt} {html_to_text(body)}", BODY_WEIGHT),
            (" ".join(topic_names.get(pk, [])), TOPIC_WEIGHT),
        ]
        score = _weighted_score(fields, query)
        if score:
            # Rows come newest first, so `position` breaks ties in favour of newer articles.
            scored.append((-score, position, pk))
    return [pk for _, _, pk in sorted(scored)[:MAX_RESULTS]]


def highlight(text: str, query: Query) -> list[Fragment]:
    """`text` split into fragments, with the words that match `query` marked."""
    spans = sorted(span for term in query.terms for span in _spans((term,), text))
    fragments, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        if start > position:
            fragments.append(Fragment(text[position:start]))
        fragments.append(Fragment(text[start:end], is_match=True))
        position = end
    if position < len(text):
        fragments.append(Fragment(text[position:]))
    return fragments


def snippet(text: str, query: Query, words: int = SNIPPET_WORDS) -> list[Fragment]:
    """A short passage of `text` around the first match, highlighted."""
    all_words = text.split()
    if not all_words:
        return []
    first = next(
        (
            index
            for index, word in enumerate(all_words)
            if any(_found((term,), word) for term in query.terms)
        ),
        0,
    )
    start = max(0, min(first - words // 4, len(all_words) - words))
    passage = " ".join(all_words[start : start + words])
    fragments = highlight(passage, query)
    if start > 0:
        fragments.insert(0, Fragment("… "))
    if start + words < len(all_words):
        fragments.append(Fragment(" …"))
    return fragments


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    title: list[Fragment]
    snippet: list[Fragment]


def article_results(article_ids: list[int], query: Query) -> list[ArticleResult]:
    """The articles with these ids, in this order, ready for the results page."""
    articles = Article.objects.published().for_listing().in_bulk(article_ids)
    results = []
    for pk in article_ids:
        if article := articles.get(pk):
            # The fields that were matched, so the passage shows the match.
            text = " ".join(
                filter(None, [article.standfirst, article.excerpt, html_to_text(article.body)])
            )
            results.append(
                ArticleResult(
                    article=article,
                    title=highlight(article.title, query),
                    snippet=snippet(text, query),
                )
            )
    return results


@dataclass(frozen=True)
class ProgramResult:
    url: str
    kind: str
    title: list[Fragment]
    snippet: list[Fragment]


def program_results(query: Query) -> list[ProgramResult]:
    """Published programs that match `query`, best first.

    A publisher has a handful of programs, so they are ranked in Python with the article
    weights (title, then tagline and summary, then the description and topics) on every
    database alike.
    """
    from programs.models import Program

    if not query:
        return []
    scored = []
    programs = Program.objects.published().prefetch_related("topics").order_by("sort_order", "pk")
    for position, program in enumerate(programs):
        fields = [
            (program.title, TITLE_WEIGHT),
            (f"{program.tagline} {program.summary}", STANDFIRST_WEIGHT),
            (html_to_text(program.description), BODY_WEIGHT),
            (" ".join(topic.name for topic in program.topics.all()), TOPIC_WEIGHT),
        ]
        score = _weighted_score(fields, query)
        if score:
            scored.append((-score, position, program))
    return [
        ProgramResult(
            url=program.get_absolute_url(),
            kind=program.get_kind_display(),
            title=highlight(program.title, query),
            snippet=snippet(
                " ".join([program.tagline, program.summary, html_to_text(program.description)]),
                query,
            ),
        )
        for _, _, program in sorted(scored, key=lambda item: item[:2])
    ]
