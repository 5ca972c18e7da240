import pytest

from articles.html import sanitize_html
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HOSTILE_BODIES = [
    '<p>Hi</p><script>alert("x")</script>',
    '<p onclick="alert(1)">Click</p>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_rich_text_never_reaches_the_page(client, body):
    article = make_article(body=body + "<p>Safe words</p>")
    content = client.get(article.get_absolute_url()).content.decode()
    prose = content.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert "Safe words" in prose
    for marker in ["<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "style="]:
        assert marker not in prose.lower()


def test_hostile_html_written_around_the_admin_is_cleaned_on_render(client):
    """A body stored by a bulk update skips save(); rendering cleans it anyway."""
    article = make_article()
    type(article).objects.filter(pk=article.pk).update(body="<p>ok</p><script>bad()</script>")
    content = client.get(article.get_absolute_url()).content.decode()
    assert "bad()" not in content


def test_allowed_formatting_survives():
    html = '<h2>Heading</h2><p><strong>b</strong> <em>i</em> <a href="https://x.org">l</a></p>'
    cleaned = sanitize_html(html)
    assert "<h2>Heading</h2>" in cleaned
    assert "<strong>b</strong>" in cleaned
    assert 'href="https://x.org"' in cleaned
    assert 'rel="noopener noreferrer"' in cleaned


def test_a_list_numbered_with_letters_from_a_later_start_keeps_its_numbering(client):
    """The editor's "List properties" wrote a, b, c from 3; the page showed 3, 4."""
    article = make_article(
        body='<ol data-type="lower-alpha" start="3" type="a"><li><p>Third</p></li></ol>'
        '<ol data-type="upper-roman" type="I"><li><p>One</p></li></ol>'
    )
    content = client.get(article.get_absolute_url()).content.decode()
    assert '<ol data-type="lower-alpha" start="3" type="a">' in content
    assert '<ol data-type="upper-roman" type="I">' in content


def test_a_list_type_outside_the_editors_choices_is_dropped():
    cleaned = sanitize_html(
        '<ol type="square" data-type="url(x)"><li>One</li></ol><ul type="a"><li>Two</li></ul>'
    )
    assert cleaned == "<ol><li>One</li></ol><ul><li>Two</li></ul>"


def test_json_ld_values_cannot_close_the_script_element():
    import json

    from articles.html import render_json_ld

    html = render_json_ld({"name": "</script><script>alert(1)</script> & more"})
    assert html.count("</script>") == 1
    payload = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(payload)["name"] == "</script><script>alert(1)</script> & more"


def test_plain_text_of_paragraphs_keeps_a_space_between_them():
    from articles.html import html_to_text

    assert html_to_text("<p>First ends.</p><p>Second<br>line.</p>") == "First ends. Second line."


def test_plain_text_ends_a_heading_with_a_full_stop_unless_it_has_its_own_mark():
    """A summary or search snippet must not run a heading into the next sentence."""
    from articles.html import html_to_text

    assert html_to_text("<h2>What this means</h2><p>It is a mouse study.</p>") == (
        "What this means. It is a mouse study."
    )
    assert html_to_text("<h2>Does it <strong>work</strong></h2><p>Maybe.</p>") == (
        "Does it work. Maybe."
    )
    assert html_to_text("<h2>Does it work?</h2><p>Maybe.</p>") == "Does it work? Maybe."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.example.com/study", "https://www.example.com/study"),
        ("www.ncbi.nlm.nih.gov/pmc/", "https://www.ncbi.nlm.nih.gov/pmc/"),
        ("report.zip", "report.zip"),
        ("https://doi.org/10.1038/x", "https://doi.org/10.1038/x"),
        ("/articles/another-piece/", "/articles/another-piece/"),
        ("#sources", "#sources"),
        ("notes.html", "notes.html"),
    ],
)
def test_a_link_typed_without_https_leads_to_the_other_site(client, typed, stored):
    """Typed into the editor's link box without its scheme, an address would be read as a
    page of this site, and lead readers to a 404."""
    article = make_article(body=f'<p>See <a href="{typed}">the study</a>.</p>')
    assert f'href="{stored}"' in client.get(article.get_absolute_url()).content.decode()


def test_a_link_to_another_site_without_https_is_sent_back_to_complete(staff_client):
    """ "doi.org/10.1056/..." would lead readers to a missing page of this site."""
    from django.urls import reverse

    from tests.articles.test_admin import article_form

    body = '<p>See <a href="doi.org/10.1056/NEJMoa2032994">the trial</a>.</p>'
    response = staff_client.post(reverse("admin:articles_article_add"), article_form(body=body))
    content = response.content.decode()
    assert "Add https:// to the start of “doi.org/10.1056/NEJMoa2032994”" in content
    assert "the trial" in content
