import datetime
import html
import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import search
from programs.models import Program
from tests.factories import make_article, make_author, make_draft, make_scheduled, make_topic
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("articles:search")


@pytest.fixture(params=["native", "fallback"])
def search_backend(request, monkeypatch):
    """Runs a test with the database's own search (full text on PostgreSQL) and with the
    portable fallback, so both stay right whichever database CI uses."""
    if request.param == "fallback":
        monkeypatch.setattr(search, "_uses_postgres_search", lambda: False)
    return request.param


def result_titles(response):
    content = response.content.decode()
    section = content.split('id="article-results-heading"', 1)[-1]
    titles = re.findall(r'class="search-result__title"><a href="[^"]+">(.*?)</a>', section)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def get(client, query, **params):
    return client.get(SEARCH_URL, {"q": query, **params})


def test_search_finds_published_articles_only(client, search_backend):
    make_article(title="Psilocybin and dendritic spines")
    make_draft(title="Psilocybin draft")
    make_scheduled(title="Psilocybin scheduled")
    response = get(client, "psilocybin")
    assert response.status_code == HTTPStatus.OK
    assert result_titles(response) == ["Psilocybin and dendritic spines"]


def test_title_ranks_above_standfirst_above_body(client, search_backend):
    make_article(title="Body match", body="<p>A trial of ketamine in depression.</p>")
    make_article(title="Standfirst match", standfirst="What ketamine did in the trial.")
    make_article(title="Ketamine in the title")
    make_article(title="Unrelated", body="<p>Breathing exercises.</p>")
    titles = result_titles(get(client, "ketamine"))
    assert titles == ["Ketamine in the title", "Standfirst match", "Body match"]


def test_topic_names_are_searched(client, search_backend):
    topic = make_topic(name="Microdosing")
    make_article(title="Small amounts, big questions", topics=[topic])
    assert result_titles(get(client, "microdosing")) == ["Small amounts, big questions"]


def test_every_word_must_match(client, search_backend):
    make_article(title="Psilocybin in mice")
    make_article(title="Psilocybin in humans")
    assert result_titles(get(client, "psilocybin mice")) == ["Psilocybin in mice"]


def test_word_forms_find_each_other(client, search_backend):
    """A reader who types "studies" finds an article about a "study"."""
    make_article(title="A study of breathing")
    assert result_titles(get(client, "studies")) == ["A study of breathing"]


@pytest.mark.parametrize(
    ("query", "unrelated"),
    [("therapy", "there"), ("stress", "strengthens"), ("i", "is"), ("us", "uses")],
)
def test_a_word_does_not_find_other_words_that_start_alike(
    client, search_backend, query, unrelated
):
    """ "therapy" found and highlighted "there"; "i" found nearly every article by "is"."""
    make_article(title=f"Spines were still {unrelated} a month later")
    make_program(title="Unrelated program", summary=f"Practice {unrelated} each day.")
    content = get(client, query).content.decode()
    assert result_titles(get(client, query)) == []
    assert "Unrelated program" not in content
    assert "<mark>" not in content


def test_highlighting_marks_every_form_of_the_word_and_no_other(client, search_backend):
    make_article(
        title="Therapy trials",
        body="<p>Two therapies were there; the therapist chose one therapy.</p>",
    )
    content = get(client, "therapies").content.decode()
    assert "<mark>Therapy</mark> trials" in content
    assert (
        "Two <mark>therapies</mark> were there; the therapist chose one <mark>therapy</mark>."
        in content
    )


@pytest.mark.parametrize("query", ["psilocybin's effects", "psilocybin\u2019s effects"])
def test_a_possessive_finds_the_word(client, search_backend, query):
    """Typed on a phone, the apostrophe is often the curly one."""
    make_article(title="Psilocybin effects in mice")
    make_article(title="The study's effects on ketamine's action")
    assert result_titles(get(client, query)) == ["Psilocybin effects in mice"]


def test_markup_in_the_body_is_not_searched(client, search_backend):
    make_article(title="Plain", body='<p><a href="https://example.org/hidden">link</a></p>')
    assert result_titles(get(client, "hidden")) == []


def test_results_highlight_the_matching_words(client, search_backend):
    make_article(
        title="Dendritic spines grew",
        body="<p>" + "filler " * 60 + "the <strong>spines</strong> stayed for a month.</p>",
    )
    content = get(client, "spines").content.decode()
    assert "Dendritic <mark>spines</mark> grew" in content
    assert "the <mark>spines</mark> stayed for a month." in content
    # The snippet is a passage around the match, not the whole body.
    assert "… filler" in content
    assert content.count("filler") < 40


def test_a_match_in_the_excerpt_is_shown_in_the_passage(client, search_backend):
    make_article(
        title="Larvae and light",
        excerpt="A zebrafish study.",
        body="<p>Researchers looked at larvae under blue light.</p>",
    )
    content = get(client, "zebrafish").content.decode()
    assert "<mark>zebrafish</mark>" in content


def test_highlighting_escapes_what_the_article_contains(client, search_backend):
    make_article(title="Tags like <b> & spines", body="<p>spines &lt;script&gt;</p>")
    content = get(client, "spines").content.decode()
    assert "Tags like &lt;b&gt; &amp; <mark>spines</mark>" in content
    assert "<script>" not in content


def test_results_are_paginated_and_keep_the_query(client, search_backend):
    for number in range(12):
        make_article(title=f"Breathing study {number}")
    first = get(client, "breathing")
    assert len(result_titles(first)) == 10
    assert "12 articles for “breathing”" in first.content.decode()
    assert 'href="?q=breathing&amp;page=2"' in first.content.decode()
    second = get(client, "breathing", page=2)
    assert len(result_titles(second)) == 2


def test_a_page_past_the_end_is_404(client):
    make_article(title="Breathing")
    assert get(client, "breathing", page=5).status_code == HTTPStatus.NOT_FOUND
    assert get(client, "breathing", page="x").status_code == HTTPStatus.NOT_FOUND


def test_no_results_page_helps_the_reader_on(client, search_backend):
    topic = make_topic(name="Nervous system")
    make_article(title="Breathing", topics=[topic])
    make_topic(name="Empty topic")
    response = get(client, "zebrafish")
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Nothing matched “zebrafish”" in content
    assert "Check the spelling" in content
    assert f'href="{reverse("articles:list")}"' in content
    assert f'href="{topic.get_absolute_url()}"' in content
    assert "Empty topic" not in content


def test_empty_query_shows_the_search_form(client):
    for query in ["", "   "]:
        response = get(client, query)
        assert response.status_code == HTTPStatus.OK
        assert "Type a word or two" in response.content.decode()
    assert client.get(SEARCH_URL).status_code == HTTPStatus.OK


def test_query_without_letters_or_numbers_explains_itself(client):
    response = get(client, "&& || !!")
    assert response.status_code == HTTPStatus.OK
    assert "has no letters or numbers to look for" in response.content.decode()


def test_ten_thousand_characters_are_shortened_with_a_notice(client, search_backend):
    make_article(title="Breathing")
    response = get(client, "breathing " + "x" * 10_000)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Your search was long" in content
    assert len(response.context["query"].text) <= 200
    # The boxes take twice that, so the notice shows for a pasted paragraph too, rather
    # than the browser cutting it without a word.
    assert 'id="search-query" name="q"' in content and 'maxlength="400"' in content
    assert 'id="site-search-query" name="q" maxlength="400"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE articles_article; --",
        '" OR 1=1 --',
        "breathing & | ! ( ) :* <-> ",
        "NEAR(breathing study) OR title:*",
        '"unclosed phrase',
        "-breathing",
        "%_%",
        "\\",
    ],
)
def test_sql_and_search_syntax_is_just_text(client, search_backend, query):
    make_article(title="Breathing study")
    response = get(client, query)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "query",
    [
        "nul\x00byte",
        "right\u202eto\u200fleft",
        "zero\u200bwidth",
        "ﬁancé ÅNGSTRÖM",
        "🧠🍄 emoji",
        "日本語の研究",
        "\u0301combining",
    ],
)
def test_odd_unicode_gives_a_normal_page(client, search_backend, query):
    make_article(title="Breathing study")
    response = get(client, query)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("raw", ["%ED%A0%80lone", "%FF%FEbad%C3", "a%00b", "%E2%80%AE"])
def test_bytes_that_are_not_utf8_give_a_normal_page(client, search_backend, raw):
    """Lone surrogates and broken UTF-8 in the address become replacement characters."""
    make_article(title="Breathing study")
    assert client.get(f"{SEARCH_URL}?q={raw}").status_code == HTTPStatus.OK


@pytest.mark.parametrize("query", ["psilo\u00adcybin", "psilo\u200bcybin", "%FFpsilocybin"])
def test_invisible_characters_copied_inside_a_word_leave_it_whole(client, search_backend, query):
    """A soft hyphen or zero-width space comes along when a word is copied from a web page
    or a PDF; broken bytes in the address are dropped too."""
    make_article(title="Psilocybin and spines")
    response = client.get(f"{SEARCH_URL}?q={query}") if "%" in query else get(client, query)
    assert result_titles(response) == ["Psilocybin and spines"]
    assert "\ufffd" not in response.content.decode()


def test_non_ascii_words_match_in_any_case(client, search_backend):
    make_article(title="Études sur le café")
    assert result_titles(get(client, "ÉTUDES café")) == ["Études sur le café"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_text_parses_to_a_bounded_query(client, text):
    query = search.parse_query(text)
    assert len(query.text) <= 200
    assert "\x00" not in query.text
    assert len(query.terms) <= search.MAX_TERMS
    assert get(client, text).status_code == HTTPStatus.OK


def test_search_queries_do_not_grow_with_results(
    client, search_backend, django_assert_max_num_queries
):
    def add_articles(count):
        topic = make_topic()
        for number in range(count):
            make_article(title=f"Breathing {number}", topics=[topic, make_topic()])
        make_program(title=f"Breathing course {count}", topics=[topic])

    add_articles(1)
    with CaptureQueriesContext(connection) as few:
        get(client, "breathing")
    add_articles(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = get(client, "breathing")
    assert len(result_titles(response)) == 10


def test_header_search_box_on_every_page_but_the_search_page(client):
    """The search page has its own, larger box; two would only confuse."""
    topic = make_topic()
    article = make_article(topics=[topic])
    for url in ["/", "/articles/", article.get_absolute_url(), topic.get_absolute_url()]:
        content = client.get(url).content.decode()
        assert f'action="{SEARCH_URL}"' in content, url
        assert 'role="search"' in content, url
    assert get(client, "breathing").content.decode().count('role="search"') == 1


def test_search_results_are_kept_out_of_search_engines(client):
    content = get(client, "breathing").content.decode()
    assert '<meta name="robots" content="noindex">' in content


def test_phrases_or_and_exclusions_work_on_every_database(client, search_backend):
    make_article(title="Breathing and sleep")
    make_article(title="Sleep and breathing exercises")
    make_article(title="Ketamine in the clinic")
    assert result_titles(get(client, '"breathing and sleep"')) == ["Breathing and sleep"]
    assert result_titles(get(client, "sleep -exercises")) == ["Breathing and sleep"]
    assert sorted(result_titles(get(client, "ketamine or exercises"))) == [
        "Ketamine in the clinic",
        "Sleep and breathing exercises",
    ]


def program_titles(response):
    content = response.content.decode()
    if 'id="program-results-heading"' not in content:
        return []
    section = content.split('id="program-results-heading"', 1)[1].split("</section>", 1)[0]
    return sorted(
        re.sub(r"</?mark>", "", title)
        for title in re.findall(r"<h3[^>]*>\s*<a[^>]*>(.*?)</a>", section)
    )


def test_programs_follow_the_same_phrases_or_and_exclusions(client, search_backend):
    make_program(title="Microdosing, read carefully", summary="Placebo-controlled studies.")
    make_program(title="Sleep and recovery basics", summary="How sleep supports memory.")
    make_program(title="Winter breathwork", summary="Breathing in the cold.")
    assert program_titles(get(client, "microdosing -placebo")) == []
    assert program_titles(get(client, "sleep or breathing")) == [
        "Sleep and recovery basics",
        "Winter breathwork",
    ]
    assert program_titles(get(client, '"sleep and memory"')) == []
    assert program_titles(get(client, "-sleep")) == [
        "Microdosing, read carefully",
        "Winter breathwork",
    ]


def test_highlighting_marks_what_was_asked_for_and_no_more(client, search_backend):
    make_article(title="A brain and its autonomic basics", body="<p>Calm at night.</p>")
    content = get(client, "a or brain -breathing").content.decode()
    title = content.split('class="search-result__title">', 1)[1].split("</h", 1)[0]
    assert re.findall(r"<mark>(.*?)</mark>", title) == ["A", "brain"]


def test_programs_are_found_beside_articles(client, search_backend):
    make_program(
        title="Nervous-system fitness",
        tagline="Six weeks of breathing practice.",
        summary="Short daily sessions that train calm.",
        kind=Program.Kind.COURSE,
    )
    make_program(title="Breathing draft", status=Program.Status.DRAFT)
    make_article(title="Breathing and the stress response")
    content = get(client, "breathing").content.decode()
    assert "1 article and 1 program for “breathing”" in content
    programs = content.split('id="program-results-heading"', 1)[1].split("</section>", 1)[0]
    assert "Nervous-system fitness" in programs
    assert "Six weeks of <mark>breathing</mark> practice." in programs
    assert "Course from the publisher" in programs
    assert "Breathing draft" not in content


def text_of(response):
    return re.sub(r"</?mark>", "", response.content.decode())


def test_programs_show_on_the_first_results_page_only(client):
    make_program(title="Breathing course")
    for number in range(11):
        make_article(title=f"Breathing study {number}")
    assert "Breathing course" in text_of(get(client, "breathing"))
    assert "Breathing course" not in text_of(get(client, "breathing", page=2))


def test_a_program_alone_is_a_result(client):
    make_program(title="Microdosing evidence program")
    content = text_of(get(client, "microdosing"))
    assert "Nothing matched" not in content
    assert "1 program for “microdosing”" in content
    assert "0 articles" not in content
    assert "Microdosing evidence program" in content


def test_a_hyphenated_word_finds_the_word_written_as_one(client, search_backend):
    """ "micro-dosing" found nothing where "microdosing" found an article and a program."""
    make_article(title="Microdosing under a placebo control")
    make_program(title="Microdosing, read carefully")
    response = get(client, "micro-dosing")
    assert result_titles(response) == ["Microdosing under a placebo control"]
    assert program_titles(response) == ["Microdosing, read carefully"]
    assert "<mark>Microdosing</mark> under a placebo control" in response.content.decode()


def test_a_word_written_as_one_finds_it_hyphenated_where_the_site_writes_it_so(
    client, search_backend
):
    make_article(title="A micro-dosing diary")
    make_article(title="Microdosing under a placebo control")
    both = ["A micro-dosing diary", "Microdosing under a placebo control"]
    assert sorted(result_titles(get(client, "microdosing"))) == both
    assert sorted(result_titles(get(client, "micro-dosing"))) == both


def test_leaving_out_a_hyphenated_word_leaves_out_both_spellings(client, search_backend):
    make_article(title="Psilocybin and micro-dosing")
    make_article(title="Psilocybin and microdosing")
    make_article(title="Psilocybin in mice")
    assert result_titles(get(client, "psilocybin -micro-dosing")) == ["Psilocybin in mice"]
    assert result_titles(get(client, "psilocybin -microdosing")) == ["Psilocybin in mice"]


def test_an_author_name_finds_the_articles_they_wrote_or_medically_reviewed(client, search_backend):
    elena = make_author(name="Elena Ruiz")
    okafor = make_author(name="Dr. Samuel Okafor")
    maya = make_author(name="Maya Lindqvist")
    make_article(title="Microdosing under a placebo control", authors=[elena])
    make_article(
        title="Psilocybin versus an antidepressant",
        authors=[maya],
        reviewed_by=okafor,
        last_reviewed=datetime.date(2026, 3, 2),
    )
    # A reviewer chosen but no review dated yet: the page names no reviewer.
    make_article(title="Ketamine and synapses", authors=[maya], reviewed_by=okafor)
    make_draft(title="A draft", authors=[elena])

    response = get(client, "Elena")
    assert result_titles(response) == ["Microdosing under a placebo control"]
    assert (
        f'By <a href="{elena.get_absolute_url()}"><mark>Elena</mark> Ruiz</a>'
        in response.content.decode()
    )
    assert result_titles(get(client, "elena ruiz")) == ["Microdosing under a placebo control"]

    response = get(client, "okafor")
    assert result_titles(response) == ["Psilocybin versus an antidepressant"]
    assert (
        f'By <a href="{maya.get_absolute_url()}">Maya Lindqvist</a>, reviewed by '
        f'<a href="{okafor.get_absolute_url()}">Dr. Samuel <mark>Okafor</mark></a>'
        in response.content.decode()
    )


def suggestion_of(response):
    """The corrected query the page offers, as its link reads, or None."""
    match = re.search(r'Did you mean <a href="[^"]+">(.*?)</a>\?', response.content.decode())
    return re.sub(r"</?strong>", "", match.group(1)) if match else None


def follow_suggestion(client, response):
    href = re.search(r'Did you mean <a href="([^"]+)"', response.content.decode()).group(1)
    return client.get(html.unescape(href))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("psilocibin", "psilocybin"),
        ("psylocybin", "psilocybin"),
        ("psilocybn", "psilocybin"),
        ("Psilocibin", "Psilocybin"),
    ],
)
def test_a_misspelling_that_finds_nothing_suggests_the_word_the_site_uses(
    client, search_backend, typed, meant
):
    make_article(title="One dose of psilocybin grew new connections")
    response = get(client, typed)
    assert "Nothing matched" in response.content.decode()
    assert suggestion_of(response) == meant
    assert f"<strong>{meant}</strong></a>?" in response.content.decode()
    followed = follow_suggestion(client, response)
    assert result_titles(followed) == ["One dose of psilocybin grew new connections"]
    assert "One dose of <mark>psilocybin</mark> grew" in followed.content.decode()


def test_a_word_the_stemmer_does_not_relate_suggests_the_nearest_one(client, search_backend):
    """ "grieving" is no form of "grief" to the stemmer (nor to PostgreSQL's)."""
    make_article(title="Living with grief: what research says about support")
    response = get(client, "grieving")
    assert result_titles(response) == []
    assert suggestion_of(response) == "grief"
    assert result_titles(follow_suggestion(client, response)) == [
        "Living with grief: what research says about support"
    ]


def test_an_instructor_name_finds_their_programs(client, search_backend):
    """A program's page names its instructors; an instructor who writes no articles has
    no author page, and their name still finds the program, or is offered when mistyped."""
    instructor = make_author(name="Ingrid Halvorsen")
    make_program(title="Winter breathwork intensive", instructors=[instructor])
    make_program(title="Sleep basics")
    make_program(
        title="An unpublished course", status=Program.Status.DRAFT, instructors=[instructor]
    )
    assert program_titles(get(client, "Halvorsen")) == ["Winter breathwork intensive"]
    assert program_titles(get(client, "ingrid halvorsen")) == ["Winter breathwork intensive"]
    assert suggestion_of(get(client, "Halvorson")) == "Halvorsen"


def test_names_and_programs_are_suggested_too(client, search_backend):
    make_article(title="Microdosing", authors=[make_author(name="Dr. Samuel Okafor")])
    make_program(title="Winter breathwork intensive")
    assert suggestion_of(get(client, "Okafr")) == "Okafor"
    response = get(client, "brethwork")
    assert suggestion_of(response) == "breathwork"
    assert program_titles(follow_suggestion(client, response)) == ["Winter breathwork intensive"]


def test_a_query_that_finds_little_is_offered_one_that_finds_more(client, search_backend):
    make_article(title="Psilocybin grew new connections")
    make_article(title="Psilocybin versus escitalopram")
    make_article(title="Why ketamine works fast")
    response = get(client, "psilocibin or ketamine")
    assert result_titles(response) == ["Why ketamine works fast"]
    assert suggestion_of(response) == "psilocybin or ketamine"
    assert "<strong>psilocybin</strong> or ketamine</a>?" in response.content.decode()
    assert len(result_titles(follow_suggestion(client, response))) == 3


def test_two_words_the_site_writes_as_one_suggest_that_word(client, search_backend):
    make_article(title="Microdosing under a placebo control")
    make_article(title="Breathwork for beginners")
    response = get(client, "micro dosing")
    assert result_titles(response) == []
    assert suggestion_of(response) == "microdosing"
    assert result_titles(follow_suggestion(client, response)) == [
        "Microdosing under a placebo control"
    ]
    # Two pairs in one query, and the reader's capitals kept.
    assert suggestion_of(get(client, "Breath work or micro dosing")) == "Breathwork or microdosing"
    # Words the site uses apart are left as they are.
    assert suggestion_of(get(client, "placebo control")) is None


def test_no_suggestion_for_a_query_that_finds_enough_or_for_a_word_the_site_uses(
    client, search_backend
):
    for number in range(3):
        make_article(title=f"Memory and sleep, part {number}")
    make_article(title="Counting sheep")
    # A slip, but the other word finds three articles already.
    assert len(result_titles(get(client, "sleap or memory"))) == 3
    assert suggestion_of(get(client, "sleap or memory")) is None
    # One result, for a word the site uses: no "sleep" in its place.
    assert result_titles(get(client, "sheep")) == ["Counting sheep"]
    assert suggestion_of(get(client, "sheep")) is None
    assert suggestion_of(get(client, "sleap")) == "sleep"


def test_no_suggestion_that_would_find_nothing_either(client, search_backend):
    make_article(title="Psilocybin in people")
    make_article(title="Ketamine in mice")
    response = get(client, "psilocibin mice")
    assert "Nothing matched" in response.content.decode()
    assert suggestion_of(response) is None
    assert suggestion_of(get(client, "psilocibin people")) == "psilocybin people"


def test_words_of_unpublished_articles_are_never_suggested(client, search_backend):
    make_draft(title="Ayahuasca ceremonies")
    make_scheduled(title="Ayahuasca retreats")
    make_article(title="Breathing")
    assert suggestion_of(get(client, "ayahuaska")) is None
    assert suggestion_of(get(client, "breathng")) == "breathing"


def test_the_words_are_read_once_per_change_of_content(client, search_backend):
    make_article(title="Breathing and the nervous system")
    with CaptureQueriesContext(connection) as first:
        get(client, "ketamne")
    with CaptureQueriesContext(connection) as again:
        response = get(client, "ketamne")
    assert len(again.captured_queries) < len(first.captured_queries)
    assert suggestion_of(response) is None
    make_article(title="Why ketamine works fast")
    assert suggestion_of(get(client, "ketamne")) == "ketamine"


def test_only_the_most_frequent_words_are_kept(client, search_backend, monkeypatch):
    monkeypatch.setattr(search, "MAX_VOCABULARY_WORDS", 1)
    make_article(title="Breathing", body="<p>Breathing, breathing and breathing.</p>")
    make_article(title="Ketamine", body="<p>Fast.</p>")
    assert suggestion_of(get(client, "breathng")) == "breathing"
    assert suggestion_of(get(client, "ketamne")) is None
