"""What readers see under an article: the thread, its shape, and the comment text."""

import datetime
import re
from http import HTTPStatus

import pytest

from comments.models import Comment, CommentSettings
from tests.factories import make_article, make_comment, make_topic

pytestmark = pytest.mark.django_db


def section_of(response):
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    start = html.index('<section class="comments"')
    return html[start : html.index("</section>", html.index('id="reply"', start))]


def order_of(html, *names):
    return [html.index(f"<bdi>{name}</bdi>") for name in names]


def test_only_approved_comments_appear(client):
    """Pending, spam and removed comments stay off the page; approved ones show."""
    article = make_article()
    make_comment(article, author_name="Visible Vera", body="An approved thought.")
    for status in ["pending", "spam", "removed"]:
        make_comment(
            article, author_name=f"Hidden {status}", body=f"A {status} text", status=status
        )
    html = section_of(client.get(article.get_absolute_url()))
    assert "Visible Vera" in html and "An approved thought." in html
    for status in ["pending", "spam", "removed"]:
        assert f"Hidden {status}" not in html
        assert f"A {status} text" not in html
    assert 'Comments <span class="comments__count">(1)</span>' in html


def test_threads_read_oldest_first_with_replies_under_their_parent(client):
    article = make_article()
    first = make_comment(article, author_name="First")
    second = make_comment(article, author_name="Second")
    make_comment(article, author_name="Reply to first", parent=first)
    make_comment(article, author_name="Reply to second", parent=second)
    make_comment(article, author_name="Later reply to first", parent=first)
    html = section_of(client.get(article.get_absolute_url()))
    positions = order_of(
        html, "First", "Reply to first", "Later reply to first", "Second", "Reply to second"
    )
    assert positions == sorted(positions)


def test_replies_are_indented_to_depth_four_and_deeper_ones_name_their_parent(client):
    """Level 1 is a top-level comment; a reply to a level-4 comment stays at level 4 and
    says whom it answers."""
    article = make_article()
    parent = None
    names = ["Level one", "Level two", "Level three", "Level four", "Level five", "Level six"]
    for name in names:
        parent = make_comment(article, author_name=name, parent=parent)
    html = section_of(client.get(article.get_absolute_url()))
    for depth, name in zip([1, 2, 3, 4, 4, 4], names, strict=True):
        item_start = html.rindex("<li", 0, html.index(f"<bdi>{name}</bdi>"))
        assert f"comment-item--depth-{depth}" in html[item_start : item_start + 80], name
    assert "comment-item--depth-5" not in html
    assert "in reply to <bdi>Level four</bdi>" in html
    assert "in reply to <bdi>Level five</bdi>" in html
    assert "in reply to <bdi>Level three</bdi>" not in html
    # The nested lists are balanced, so the page's structure holds.
    assert html.count("<ol") == html.count("</ol>")
    assert html.count("<li") == html.count("</li>")


def test_removed_comment_with_replies_keeps_the_thread_shape(client):
    article = make_article()
    removed = make_comment(
        article, author_name="Gone Gary", body="Something unkind", status="removed"
    )
    make_comment(article, author_name="Replier", body="A kind answer", parent=removed)
    lonely = make_comment(article, author_name="Lonely", body="Lonely removed", status="spam")
    html = section_of(client.get(article.get_absolute_url()))
    assert "This comment was removed" in html
    assert f'id="comment-{removed.pk}"' in html
    assert "Gone Gary" not in html and "Something unkind" not in html
    assert "A kind answer" in html
    # Its reply is still indented under it.
    assert html.index(f'id="comment-{removed.pk}"') < html.index("A kind answer")
    assert "comment-item--depth-2" in html
    # A hidden comment nobody answered leaves no trace.
    assert f'id="comment-{lonely.pk}"' not in html
    assert html.count("This comment was removed") == 1
    # Placeholders are not counted, and cannot be answered.
    assert "(1)" in html
    assert f"reply_to={removed.pk}" not in html


def test_a_chain_of_removed_comments_above_a_visible_reply_all_stay_as_placeholders(client):
    article = make_article()
    top = make_comment(article, status=Comment.Status.REMOVED)
    middle = make_comment(article, status=Comment.Status.SPAM, parent=top)
    make_comment(article, author_name="Survivor", parent=middle)
    html = section_of(client.get(article.get_absolute_url()))
    assert html.count("This comment was removed") == 2
    assert "Survivor" in html


def test_comment_text_keeps_paragraphs_and_line_breaks_and_links_urls(client):
    article = make_article()
    make_comment(
        article,
        body="First line\nsecond line\n\nNew paragraph with https://example.org/study?id=1&x=2.",
    )
    html = section_of(client.get(article.get_absolute_url()))
    assert "<p>First line<br>second line</p>" in html
    assert (
        '<p>New paragraph with <a href="https://example.org/study?id=1&amp;x=2" '
        'rel="nofollow ugc noopener">https://example.org/study?id=1&amp;x=2</a>.</p>'
    ) in html


def test_markup_in_comments_is_shown_as_text(client):
    article = make_article()
    make_comment(article, author_name="<b>Bold</b>", body='<a href="x">link</a> <em>hi</em>')
    html = section_of(client.get(article.get_absolute_url()))
    assert "<em>hi</em>" not in html
    # Angle brackets escaped; quotes in text need no escaping, and the cleaner leaves them.
    assert '&lt;a href="x"&gt;link&lt;/a&gt;' in html
    assert '<a href="x">' not in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_a_comment_row_altered_around_the_model_cannot_put_a_script_on_the_page(client):
    """The HTML stored when a comment is saved is cleaned again whenever it is shown."""
    article = make_article()
    comment = make_comment(article, body="Fine words.")
    Comment.objects.filter(pk=comment.pk).update(
        body_html='<p>Fine<script>alert(1)</script><img src=x onerror="alert(2)"> '
        '<a href="javascript:alert(3)" onclick="alert(4)">words</a>.</p>'
    )
    html = section_of(client.get(article.get_absolute_url()))
    assert "Fine" in html and "words</a>." in html
    for trace in ["<script", "alert(", "<img", "onerror", "onclick", "javascript:"]:
        assert trace not in html


def test_comments_written_in_bulk_show_their_text_and_links(client):
    """Rows made without save() (imports, bulk_create) have no stored HTML; the page
    makes it from the text."""
    article = make_article()
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author_name="Imported Ines",
                email="ines@example.org",
                body="Imported text.\nSee https://example.org/study for more.",
                status=Comment.Status.APPROVED,
            )
        ]
    )
    html = section_of(client.get(article.get_absolute_url()))
    assert "<p>Imported text.<br>See " in html
    assert 'href="https://example.org/study" rel="nofollow ugc noopener"' in html


def test_an_edited_comment_shows_its_new_text(client):
    """A corrected comment shows its new text, also when only the changed field is saved."""
    article = make_article()
    comment = make_comment(article, body="A typo hre.")
    comment.body = "A typo fixed."
    comment.save(update_fields=["body"])
    html = section_of(client.get(article.get_absolute_url()))
    assert "A typo fixed." in html and "hre." not in html


def test_each_comment_has_an_anchor_and_a_reply_link(client):
    article = make_article()
    comment = make_comment(article)
    html = section_of(client.get(article.get_absolute_url()))
    assert f'id="comment-{comment.pk}"' in html
    assert f'href="#comment-{comment.pk}"' in html
    assert f'href="{article.get_absolute_url()}?reply_to={comment.pk}#reply" rel="nofollow"' in html


def test_comment_times_name_the_sites_time_zone(client, settings):
    """Readers are anywhere: "08:25" alone would be read in their own zone."""
    settings.TIME_ZONE = "America/New_York"
    article = make_article()
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime.datetime(2026, 11, 13, 13, 25, 19, tzinfo=datetime.UTC)
    )
    html = section_of(client.get(article.get_absolute_url()))
    assert '<time datetime="2026-11-13T08:25:19-0500">13 Nov 2026, 08:25 EST</time>' in html


def test_staff_comments_carry_a_badge_and_emails_are_never_shown(client):
    article = make_article()
    make_comment(article, author_name="Editor Eve", by_staff=True, email="eve@example.com")
    make_comment(article, author_name="Reader Rob", email="rob@example.com")
    html = section_of(client.get(article.get_absolute_url()))
    eve = html[html.index("Editor Eve") :]
    assert '<span class="badge badge--staff">Staff</span>' in eve[:300]
    rob = html[html.index("Reader Rob") :]
    assert "Staff</span>" not in rob[:300]
    content = client.get(article.get_absolute_url()).content.decode()
    assert "eve@example.com" not in content and "rob@example.com" not in content


def test_moderation_notice_is_above_the_form(client):
    article = make_article()
    html = section_of(client.get(article.get_absolute_url()))
    notice = html.index("Comments are moderated. Please don&#x27;t share dosing or sourcing")
    assert notice < html.index("<form")
    assert "nothing here is medical advice" in html


def test_sensitive_topic_shows_the_crisis_box_above_the_comments(client):
    sensitive = make_article(topics=[make_topic(is_sensitive=True)])
    make_comment(sensitive, author_name="Grieving reader")
    html = section_of(client.get(sensitive.get_absolute_url()))
    assert "Suicide &amp; Crisis Lifeline" in html
    assert html.index("crisis-box") < html.index("Grieving reader")

    ordinary = make_article(topics=[make_topic()])
    assert "988" not in section_of(client.get(ordinary.get_absolute_url()))


def test_the_crisis_box_numbers_and_addresses_are_a_tap_away(client):
    """A reader in distress on a phone taps the number; nobody should have to copy it."""
    notes = CommentSettings.load()
    notes.crisis_resources = (
        "Call the Samaritans on 116 123, or +44 808 808 4994.\n\n"
        "Since 2019, <b>anyone</b> can chat at 988lifeline.org. In an emergency, call 911."
    )
    notes.save()
    article = make_article(topics=[make_topic(is_sensitive=True)])
    html = section_of(client.get(article.get_absolute_url()))
    box = html[html.index('class="crisis-box"') : html.index("</aside>")]
    assert '<a href="tel:116123">116 123</a>' in box
    assert '<a href="tel:+448088084994">+44 808 808 4994</a>' in box
    assert '<a href="tel:911">911</a>' in box
    assert '<a href="http://988lifeline.org" rel="noopener">988lifeline.org</a>' in box
    assert "tel:2019" not in box
    assert "&lt;b&gt;anyone&lt;/b&gt;" in box
    assert box.count("<p>") == 2


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Call (800) 273-8255 now.", ['<a href="tel:8002738255">(800) 273-8255</a>']),
        ("Call +44 (0)808 808 4994.", ['<a href="tel:+448088084994">+44 (0)808 808 4994</a>']),
        ("Text HOME to 741741, open 24-7.", ['<a href="tel:741741">741741</a>']),
        ("Call or text 988, or 999.", ['<a href="tel:988">988</a>', '<a href="tel:999">999</a>']),
        ("Since 2024-05-12 (and in 2023-2024), $1,000 for 365 days, ext. 1234, ages 5-15.", []),
    ],
)
def test_the_crisis_box_links_telephone_numbers_and_nothing_else(client, text, links):
    notes = CommentSettings.load()
    notes.crisis_resources = text
    notes.save()
    article = make_article(topics=[make_topic(is_sensitive=True)])
    response = client.get(article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    box = section_of(response)
    box = box[box.index('class="crisis-box"') : box.index("</aside>")]
    assert re.findall(r'<a href="tel:[^"]*">[^<]*</a>', box) == links


def test_staff_edit_the_crisis_text_and_the_moderation_notice(client):
    notes = CommentSettings.load()
    notes.crisis_resources = "Call the Samaritans on 116 123."
    notes.moderation_notice = "Be kind; we read every comment."
    notes.save()
    article = make_article(topics=[make_topic(is_sensitive=True)])
    html = section_of(client.get(article.get_absolute_url()))
    assert 'Call the Samaritans on <a href="tel:116123">116 123</a>.' in html
    assert "Be kind; we read every comment." in html
    assert "988" not in html
