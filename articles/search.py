"""Site search over published articles and programs.

On PostgreSQL, full-text search ranks articles with weights: title above standfirst above
excerpt and body, then topic names. On SQLite the same weights rank word matches in
Python after a cheap prefilter in the database; a small publication has at most a few
thousand articles, so that stays fast. Both read the query as a search box would: every
word, "a phrase", `or` between two words, `-word` to leave one out. A hyphenated word
finds the word written as one too ("micro-dosing", "microdosing"), and the other way round
where the site's own text hyphenates it.

A query that finds little may get a "Did you mean" built from the words of published
content, kept once per change of content (`cached_for_generation`).

Whatever a reader types (an empty box, ten thousand characters, SQL, search-engine
syntax, control characters or odd Unicode) becomes a tidy `Query`; nothing reaches the
database except as a bound parameter.
"""

import difflib
import functools
import html
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

import snowballstemmer
from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, TextField, Value, When

from .html import html_to_text
from .models import Article, ArticleAuthor, Author, Topic
from .page_cache import cached_for_generation

MAX_TERMS = 8
# Bounds the work for broad queries on SQLite; ranked results past this are never read.
MAX_CANDIDATES = 2000
MAX_RESULTS = 500
SNIPPET_WORDS = 32

# Fallback weights, mirroring PostgreSQL's A/B/C/D weights.
TITLE_WEIGHT, STANDFIRST_WEIGHT, BODY_WEIGHT, TOPIC_WEIGHT = 10, 4, 2, 1
# Bylines and medical reviewers share PostgreSQL's lowest weight with the topic names.
PERSON_WEIGHT = TOPIC_WEIGHT

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
    # As typed ("micro-dosing", '"a phrase"'), for PostgreSQL to read with its own parser,
    # which keeps "3.5" one number; `words` are what Python matches.
    source: str = ""


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


def parse_query(raw: str, hyphenated: dict[str, str] | None = None) -> Query:
    """Tidy what a reader typed into a `Query` that is safe to search with.

    `hyphenated` maps words the site's text writes with a hyphen, joined ("microdosing"),
    to that spelling ("micro-dosing"), so that either finds both (`hyphenated_words`)."""
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
    clauses = _clauses(text.casefold(), hyphenated or {})
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
# Words joined by hyphens (U+2010 and U+2011 come with text copied from typeset pages),
# with any punctuation around them: "(micro-dosing),".
_HYPHENATED_TOKEN = re.compile(r"\W*[^\W_]+(?:[-\u2010\u2011][^\W_]+)+\W*")


def _clauses(text: str, hyphenated: dict[str, str]) -> tuple[tuple[Item, ...], ...]:
    """The query read as PostgreSQL's websearch_to_tsquery reads it, so both databases
    and the program results agree: words and "phrases" must all be found, `or` between
    two of them lets either do, and a "-" in front leaves one out. "a b or c" is a and
    (b or c). A word's other spelling is one more way for its clause to be found."""
    clauses, joined = [], False
    for match in _TOKEN.finditer(_POSSESSIVE.sub("", text)):
        minus, phrase, word_minus, word = match.groups()
        if word == "or" and clauses:
            joined = True
            continue
        # websearch_to_tsquery would read a "-" left at the front as another "leave out".
        source = f'"{phrase}"' if phrase is not None else word.lstrip("-")
        words = tuple(_WORD.findall(source))[:MAX_TERMS]
        if not words:
            continue
        excluded = bool(minus or word_minus)
        spellings = [Item(words=words, excluded=excluded, source=source)]
        if phrase is None:
            spellings += [
                replace(item, excluded=excluded)
                for item in _other_spellings(words, source, hyphenated)
            ]
        if joined:
            # After "or", a left-out word's other spelling would let in what has that one.
            clauses[-1] = (*clauses[-1], *(spellings[:1] if excluded else spellings))
        elif excluded:
            # Leaving out a word leaves out each of its spellings.
            clauses.extend((item,) for item in spellings)
        else:
            clauses.append(tuple(spellings))
        joined = False
        if len(clauses) >= MAX_TERMS:
            break
    return tuple(clauses[:MAX_TERMS])


def _other_spellings(words, source, hyphenated):
    """Other ways to write a word: "micro-dosing" as "microdosing", and a joined word with
    the hyphen that the site's text gives it."""
    if len(words) > 1 and _HYPHENATED_TOKEN.fullmatch(source):
        joined = "".join(words)
        return [Item(words=(joined,), source=joined)]
    if len(words) == 1 and (spelled := hyphenated.get(words[0])):
        return [Item(words=tuple(_WORD.findall(spelled))[:MAX_TERMS], source=spelled)]
    return []


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
    from django.contrib.postgres.search import SearchRank, SearchVector
    from django.db.models import Subquery
    from django.db.models.functions import Coalesce

    config = "english"

    def names(queryset, article, name):
        return Coalesce(
            Subquery(
                queryset.values(article)
                .annotate(names=StringAgg(name, delimiter=" "))
                .values("names")
            ),
            Value(""),
            output_field=TextField(),
        )

    topic_names = names(Topic.objects.filter(articles=OuterRef("pk")), "articles", "name")
    byline = names(ArticleAuthor.objects.filter(article=OuterRef("pk")), "article", "author__name")
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("excerpt", "body", weight="C", config=config)
        + SearchVector(topic_names, byline, _reviewer_name(), weight="D", config=config)
    )
    search_query = _postgres_query(query, config)
    return list(
        Article.objects.published()
        .annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .order_by("-rank", "-publish_at", "-pk")
        .values_list("pk", flat=True)[:MAX_RESULTS]
    )


def _reviewer_name():
    """The medical reviewer's name where the article's page names one (`medically_reviewed`)."""
    return Case(
        When(reviewed_by__isnull=False, last_reviewed__isnull=False, then=F("reviewed_by__name")),
        default=Value(""),
        output_field=TextField(),
    )


def _postgres_query(query: Query, config: str):
    """The clauses as one tsquery: each item read by "websearch", which understands
    quotes and never raises on odd syntax, the items of a clause joined by "or" and the
    clauses by "and", as websearch_to_tsquery joins them in a whole query. An item of stop
    words only ("the") is an empty query, which PostgreSQL leaves out of "and" and "or"."""
    from django.contrib.postgres.search import SearchQuery

    combined = None
    for clause in query.clauses:
        either = None
        for item in clause:
            part = SearchQuery(
                item.source, search_type="websearch", config=config, invert=item.excluded
            )
            either = part if either is None else either | part
        combined = either if combined is None else combined & either
    return combined


def _fallback_article_ids(query: Query) -> list[int]:
    candidates = Article.objects.published()
    # The database narrows the candidates by the words that must be there (any spelling of
    # them); a clause with a "-", and words beyond ASCII (SQLite folds the case of ASCII
    # letters only), are left to Python below.
    for clause in query.clauses:
        if any(item.excluded for item in clause):
            continue
        either = Q()
        for item in clause:
            words = [word for word in item.words if word.isascii()]
            if not words:
                break  # this item could be found in any article
            both = Q()
            for word in words:
                both &= _found_in_database(word)
            either |= both
        else:
            candidates = candidates.filter(either)
    rows = list(
        candidates.annotate(reviewer_name=_reviewer_name())
        .order_by("-publish_at", "-pk")
        .values_list("pk", "title", "standfirst", "excerpt", "body", "reviewer_name")[
            :MAX_CANDIDATES
        ]
    )
    # Topic names and bylines in one query, each row saying which it is.
    article_ids = [row[0] for row in rows]
    names = {}
    for article_id, name, kind in (
        Article.topics.through.objects.filter(article_id__in=article_ids)
        .values_list("article_id", "topic__name", Value("topic"))
        .union(
            ArticleAuthor.objects.filter(article_id__in=article_ids)
            .order_by()
            .values_list("article_id", "author__name", Value("byline")),
            all=True,
        )
    ):
        names.setdefault((article_id, kind), []).append(name)

    scored = []
    for position, (pk, title, standfirst, excerpt, body, reviewer) in enumerate(rows):
        fields = [
            (title, TITLE_WEIGHT),
            (standfirst, STANDFIRST_WEIGHT),
            (f"{excerpt} {html_to_text(body)}", BODY_WEIGHT),
            (" ".join(names.get((pk, "topic"), [])), TOPIC_WEIGHT),
            (" ".join(names.get((pk, "byline"), [])), PERSON_WEIGHT),
            (reviewer, PERSON_WEIGHT),
        ]
        score = _weighted_score(fields, query)
        if score:
            # Rows come newest first, so `position` breaks ties in favour of newer articles.
            scored.append((-score, position, pk))
    return [pk for _, _, pk in sorted(scored)[:MAX_RESULTS]]


def _found_in_database(word: str) -> Q:
    """Articles where `word`, in some form, may be: a superset, which Python then checks."""
    start = _prefix(word)
    return (
        Q(title__icontains=start)
        | Q(standfirst__icontains=start)
        | Q(excerpt__icontains=start)
        | Q(body__icontains=start)
        | Exists(Topic.objects.filter(articles=OuterRef("pk"), name__icontains=start))
        | Exists(
            ArticleAuthor.objects.filter(article=OuterRef("pk"), author__name__icontains=start)
        )
        | Q(reviewed_by__name__icontains=start, last_reviewed__isnull=False)
    )


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
class Person:
    url: str
    name: list[Fragment]


@dataclass(frozen=True)
class ArticleResult:
    """An article on the results page; `reviewer` only when the query names them and the
    byline does not, since then the review is why the article was found."""

    article: Article
    title: list[Fragment]
    snippet: list[Fragment]
    byline: list[Person]
    reviewer: Person | None = None


def article_results(article_ids: list[int], query: Query) -> list[ArticleResult]:
    """The articles with these ids, in this order, ready for the results page."""
    articles = (
        Article.objects.published()
        .for_listing()
        .with_authors()
        .select_related("reviewed_by")
        .in_bulk(article_ids)
    )
    results = []
    for pk in article_ids:
        if article := articles.get(pk):
            # The fields that were matched, so the passage shows the match.
            text = " ".join(
                filter(None, [article.standfirst, article.excerpt, html_to_text(article.body)])
            )
            authors = article.ordered_authors()
            reviewer = None
            if article.last_reviewed and article.reviewed_by not in (None, *authors):
                reviewer = _person(article.reviewed_by, query)
                if not any(part.is_match for part in reviewer.name):
                    reviewer = None
            results.append(
                ArticleResult(
                    article=article,
                    title=highlight(article.title, query),
                    snippet=snippet(text, query),
                    byline=[_person(author, query) for author in authors],
                    reviewer=reviewer,
                )
            )
    return results


def _person(author: Author, query: Query) -> Person:
    return Person(url=author.get_absolute_url(), name=highlight(author.name, query))


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
    programs = (
        Program.objects.published()
        .prefetch_related("topics", "instructors")
        .order_by("sort_order", "pk")
    )
    for position, program in enumerate(programs):
        fields = [
            (program.title, TITLE_WEIGHT),
            (f"{program.tagline} {program.summary}", STANDFIRST_WEIGHT),
            (html_to_text(program.description), BODY_WEIGHT),
            (" ".join(topic.name for topic in program.topics.all()), TOPIC_WEIGHT),
            # The program's page names its instructors, so their names find it.
            (" ".join(author.name for author in program.instructors.all()), PERSON_WEIGHT),
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


# --- Did you mean ------------------------------------------------------------------------

# Below this many results (articles and programs), a query may get a suggestion.
FEW_RESULTS = 3
# How alike a typed word and a word of the site must be (difflib's ratio): one letter
# wrong, missing or doubled in a word of five letters or more.
SIMILARITY = 0.8
# Shorter words are too alike to each other ("rats", "cats") to be corrected.
MIN_CORRECTED_LENGTH = 4
# Each word costs a pass over the vocabulary (some 30 ms for 20,000 words); a query with
# more unknown words than this is seldom a slip of the keyboard.
MAX_CORRECTED_WORDS = 3
MAX_WORD_LENGTH = 30
# The most frequent words are kept: a site's whole vocabulary would grow with every
# article, and this cache entry with it (20,000 words are some 250 KB).
MAX_VOCABULARY_WORDS = 20_000
MAX_HYPHENATED_WORDS = 2_000
# Tags only: the vocabulary needs the words, not html_to_text's careful text, at a
# fiftieth of its cost over every published body.
_TAG = re.compile(r"<[^>]*>")
_WORD_OR_HYPHENATED = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@dataclass(frozen=True)
class Suggestion:
    """A corrected query: `text` to search for, `fragments` with the corrected words marked."""

    text: str
    fragments: list[Fragment]


def read_query(raw: str) -> Query:
    """`parse_query` with the hyphenated words of published content; an empty query
    (the search page before a search) reads no cache for them."""
    query = parse_query(raw)
    return parse_query(raw, hyphenated_words()) if query else query


def hyphenated_words() -> dict[str, str]:
    """The words published content writes with a hyphen, by the word written as one:
    {"microdosing": "micro-dosing"}. Read by every search, so kept apart from the larger
    vocabulary."""
    return cached_for_generation("search-hyphenated-words", lambda: _vocabulary()["hyphenated"])


def _vocabulary() -> dict:
    """The words of published content, most frequent first, built once per change of
    content. Plain values, so that an entry in a shared cache outlives a deploy."""
    return cached_for_generation("search-vocabulary", _build_vocabulary)


def _build_vocabulary() -> dict:
    """Every text the search reads: articles, programs, their topics and the names in
    bylines and medical reviews."""
    from programs.models import Program

    # Whole tokens are counted first, in C; the far fewer distinct ones are split after.
    tokens = Counter()

    def read(*texts):
        for text in texts:
            tokens.update(_WORD_OR_HYPHENATED.findall(text.casefold()))

    articles = Article.objects.published()
    for title, standfirst, excerpt, body in articles.values_list(
        "title", "standfirst", "excerpt", "body"
    ).iterator(chunk_size=200):
        read(title, standfirst, excerpt, html.unescape(_TAG.sub(" ", body)))
    programs = Program.objects.published()
    for title, tagline, summary, description in programs.values_list(
        "title", "tagline", "summary", "description"
    ):
        read(title, tagline, summary, html.unescape(_TAG.sub(" ", description)))
    topics = Topic.objects.filter(
        Exists(articles.filter(topics=OuterRef("pk")))
        | Exists(programs.filter(topics=OuterRef("pk")))
    )
    read(*topics.values_list("name", flat=True))
    people = Author.objects.published() | Author.objects.filter(programs__in=programs)
    read(*people.distinct().values_list("name", flat=True))

    words, hyphenated = Counter(), Counter()
    for token, count in tokens.items():
        # Not ranges of numbers: "12" is not "1-2".
        if "-" in token and not token.replace("-", "").isdigit():
            hyphenated[token] += count
        for word in token.split("-"):
            if MIN_CORRECTED_LENGTH <= len(word) <= MAX_WORD_LENGTH and word.isalpha():
                words[word] += count
    return {
        "words": tuple(word for word, _ in words.most_common(MAX_VOCABULARY_WORDS)),
        "hyphenated": {
            spelled.replace("-", ""): spelled
            for spelled, _ in hyphenated.most_common(MAX_HYPHENATED_WORDS)
        },
    }


def suggestion(query: Query, found: int) -> Suggestion | None:
    """A corrected query for one that found fewer than FEW_RESULTS results: each of its
    words that published content does not use, in any form, replaced by the most alike
    word that it does. Offered only when the corrected query finds more."""
    if not query or found >= FEW_RESULTS:
        return None
    known = _vocabulary()["words"]
    matches = list(_WORD.finditer(query.text))
    joined = _joined_pairs(query.text, matches, known)
    unknown = [
        word
        for word in dict.fromkeys(_WORD.findall(query.text.casefold()))
        if word in query.terms
        and len(word) >= MIN_CORRECTED_LENGTH
        and word.isalpha()
        and not _is_known(word, known)
    ]
    corrections = {
        word: closest
        for word in unknown[:MAX_CORRECTED_WORDS]
        if (closest := _closest_word(word, known))
    }
    if not corrections and not joined:
        return None
    fragments, position = [], 0
    for match in matches:
        if match.start() < position:
            continue  # the second word of a pair written as one
        if pair := joined.get(match.start()):
            end, word = pair
        elif correction := corrections.get(match.group().casefold()):
            end, word = match.end(), _in_case_of(match.group(), correction)
        else:
            continue
        fragments.append(Fragment(query.text[position : match.start()]))
        fragments.append(Fragment(word, is_match=True))
        position = end
    fragments.append(Fragment(query.text[position:]))
    text = "".join(fragment.text for fragment in fragments)
    corrected = read_query(text)
    if len(search_article_ids(corrected)) + len(program_results(corrected)) <= found:
        return None
    return Suggestion(text=text, fragments=[fragment for fragment in fragments if fragment.text])


def _joined_pairs(text: str, matches, known: tuple[str, ...]) -> dict[int, tuple[int, str]]:
    """Two words typed apart that published content writes as one ("micro dosing" for
    "microdosing"), by where the first starts: where the second ends, and the word."""
    known_words, pairs, taken_until = frozenset(known), {}, 0
    for first, second in itertools.pairwise(matches):
        joined = first.group() + second.group()
        if (
            first.start() >= taken_until
            and not text[first.end() : second.start()].strip()
            and joined.casefold() in known_words
        ):
            pairs[first.start()] = (second.end(), _in_case_of(first.group(), joined.casefold()))
            taken_until = second.end()
    return pairs


def _is_known(word: str, known: tuple[str, ...]) -> bool:
    """Whether content uses `word` in some form: "studies" is known from "study"."""
    start, stem = _prefix(word), _stem(word)
    return any(candidate.startswith(start) and _stem(candidate) == stem for candidate in known)


def _closest_word(word: str, known: tuple[str, ...]) -> str | None:
    """The word of `known` most like `word` or like its stem ("grieving" is not a form of
    "grief" to the stemmer, but its stem "griev" is a letter away), the more frequent of
    two as alike."""
    matchers = [difflib.SequenceMatcher(b=form) for form in dict.fromkeys((word, _stem(word)))]
    best, best_score = None, 0.0
    for candidate in known:
        for matcher in matchers:
            matcher.set_seq1(candidate)
            # The cheap upper bounds first, as difflib.get_close_matches does.
            floor = max(SIMILARITY, best_score)
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            score = matcher.ratio()
            if score >= SIMILARITY and score > best_score:
                best, best_score = candidate, score
    return best


def _in_case_of(typed: str, word: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word.capitalize() if typed[:1].isupper() else word
