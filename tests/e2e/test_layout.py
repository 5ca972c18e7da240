"""Nothing a reader or a commenter types can push a page wider than a phone, and nothing
on an article's page covers another part of it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.content import make_full_article, make_full_program
from tests.factories import image_file, make_article, make_comment

pytestmark = pytest.mark.e2e

LONG_NAME = "alexandra.konstantinopoulou.the.second.of.her.name@example-university.org"


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_long_commenter_name_wraps_in_the_reply_form(page):
    article = make_full_article()
    comment = make_comment(article, author_name=LONG_NAME, body="A question about dosing.")
    page.goto(f"{article.get_absolute_url()}?reply_to={comment.pk}")
    expect(page.get_by_role("heading", name=f"Reply to {LONG_NAME}")).to_be_visible()
    assert page_width(page) <= page.viewport_size["width"]


def test_a_long_search_with_no_result_wraps(page):
    page.goto(
        reverse("articles:search") + "?q=https://pubmed.ncbi.nlm.nih.gov/34228959/and-more-words"
    )
    expect(page.get_by_role("heading", name="Nothing matched", exact=False)).to_be_visible()
    assert page_width(page) <= page.viewport_size["width"]


def test_the_promotion_block_covers_no_related_article(page):
    article = make_full_article()
    make_full_program()
    topic = article.topics.first()
    for number in range(3):
        make_article(title=f"Related piece {number}", topics=[topic])
    page.goto(article.get_absolute_url())
    for link in page.locator(".related .card__title a").all():
        link.scroll_into_view_if_needed()
        covered = link.evaluate(
            """link => {
                const box = link.getBoundingClientRect();
                const x = box.x + box.width / 2, y = box.y + box.height / 2;
                const top = document.elementFromPoint(x, y);
                return !(top === link || link.contains(top));
            }"""
        )
        assert not covered, link.inner_text()


@pytest.mark.parametrize("width", [320, 360])
def test_the_narrowest_phones_never_scroll_sideways(open_browser, width):
    """320 CSS pixels is also a laptop at 400% zoom: the header's search box, the menu and
    the pager all fit."""
    for number in range(12):
        make_article(title=f"Piece number {number}")
    make_full_program()
    page = open_browser(viewport={"width": width, "height": 640}).new_page()
    for url in ["/", reverse("articles:list"), reverse("articles:list") + "?page=2", "/programs/"]:
        page.goto(url)
        assert page_width(page) <= width, url


def test_instructor_photos_stay_round_on_a_phone(open_browser):
    program = make_full_program()
    instructor = program.instructors.get()
    instructor.photo = image_file("elena.png", size=(300, 300))
    # A bio long enough to fill its column, which then squeezes whatever may shrink.
    instructor.bio = "Teaches breathing and movement practices to clinicians and patients. " * 3
    instructor.save()
    page = open_browser(viewport={"width": 360, "height": 740}).new_page()
    page.goto(program.get_absolute_url())
    box = page.locator(".instructor__photo").bounding_box()
    assert round(box["width"]) == round(box["height"]) == 72


def test_lists_put_each_picture_beside_its_text_from_tablet_width(open_browser):
    make_article(
        title="A piece with a cover", cover_image=image_file("c.png", (1600, 900)), cover_alt="x"
    )
    page = open_browser(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(reverse("articles:list"))
    picture = page.locator(".card-list .card__image").first.bounding_box()
    text = page.locator(".card-list .card__body").first.bounding_box()
    assert picture["x"] + picture["width"] <= text["x"]
    assert picture["height"] < 400  # not a screenful above the text


def test_the_header_is_as_tall_on_every_page(open_browser):
    """The underline of the current menu entry must not push the page down (on a phone
    the menu has a line of its own)."""
    page = open_browser(viewport={"width": 390, "height": 844}).new_page()
    heights = []
    for url in ["/", reverse("articles:list"), reverse("programs:list")]:
        page.goto(url)
        heights.append(page.locator(".site-header").bounding_box()["height"])
    assert len(set(heights)) == 1, heights


def test_the_reply_email_box_keeps_its_label_and_help_beside_it_in_a_nested_reply(page):
    """A reply to a reply has a narrower form: the label wraps beside its box, as labels
    do, rather than dropping under the box alone, and the help below lines up with it."""
    article = make_full_article()
    comment = make_comment(article)
    for _ in range(3):
        comment = make_comment(article, parent=comment)
    page.goto(article.get_absolute_url())
    page.locator(f'[data-reply-to="{comment.pk}"]').click()
    box = page.get_by_role("checkbox", name="E-mail me when someone replies").bounding_box()
    label = page.locator('label[for="id_notify_on_reply"]').bounding_box()
    help_text = page.locator("#id_notify_on_reply_helptext").bounding_box()
    assert label["x"] >= box["x"] + box["width"]
    assert label["y"] < box["y"] + box["height"]
    assert round(help_text["x"]) == round(label["x"])
    assert help_text["y"] >= label["y"] + label["height"]
