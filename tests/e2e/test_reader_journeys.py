"""Readers find, read and search articles, on a phone and on a desktop."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.content import make_full_article, make_other_articles

pytestmark = pytest.mark.e2e


def image_loaded(locator):
    """Whether the image arrived and decoded; waits for it rather than asking once, since
    a visible <img> may still be loading on a busy machine."""
    return locator.evaluate(
        "image => image.decode().then(() => image.naturalWidth > 0, () => false)"
    )


def test_reader_opens_an_article_from_the_home_page_and_reads_its_sources(page):
    article = make_full_article()
    make_other_articles()

    page.goto("/")
    page.get_by_role("link", name=article.title).click()

    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(page.get_by_text("Reviewed by Samuel Okafor, MD, psychiatrist")).to_be_visible()
    assert image_loaded(page.locator(".article__cover img"))

    sources = page.get_by_role("region", name="Sources")
    sources.scroll_into_view_if_needed()
    expect(sources.get_by_role("listitem")).to_have_count(2)
    expect(sources).to_contain_text("Study in mice")
    expect(sources).to_contain_text("Peer-reviewed")
    doi = sources.get_by_role("link", name="10.1016/j.neuron.2021.06.008")
    expect(doi).to_have_attribute("href", "https://doi.org/10.1016/j.neuron.2021.06.008")
    expect(doi).to_have_attribute("rel", "noopener noreferrer")

    disclaimer = page.get_by_role("contentinfo")
    expect(disclaimer).to_contain_text("not medical advice")


def test_reader_follows_a_topic_from_an_article(page):
    article = make_full_article()
    page.goto(article.get_absolute_url())
    page.locator(".article__topics").get_by_role("link", name="Neuroplasticity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neuroplasticity")
    expect(page.get_by_role("link", name=article.title)).to_be_visible()


def test_reader_looks_up_who_wrote_and_who_reviewed_an_article(page):
    article = make_full_article()
    page.goto(article.get_absolute_url())
    page.locator(".article__byline").get_by_role("link", name="Maya Lindqvist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Lindqvist")
    expect(page.get_by_text("PhD, neuroscientist")).to_be_visible()
    expect(page.get_by_role("link", name=article.title)).to_be_visible()

    page.go_back()
    page.locator(".article__review").get_by_role("link", name="Samuel Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samuel Okafor")
    reviewed = page.get_by_role("region", name="Medically reviewed by Samuel Okafor")
    expect(reviewed.get_by_role("link", name=article.title)).to_be_visible()


def test_reader_searches_from_the_header_and_opens_a_result(page):
    article = make_full_article()
    make_other_articles()

    page.goto(reverse("articles:list"))
    search_box = page.get_by_role("searchbox", name="Search the site")
    search_box.fill("dendritic spines")
    search_box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("status")).to_contain_text("1 article for “dendritic spines”")
    result = page.locator(".search-result").first
    expect(result.locator("mark").first).to_have_text(re.compile("dendritic|spine", re.I))
    result.get_by_role("link", name=article.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)


def test_reader_who_pastes_a_paragraph_into_search_is_told_it_was_shortened(page):
    """Cut silently by the browser, the search would run on part of it with no word
    about which part."""
    make_full_article()
    paragraph = "dendritic spines after a single dose of psilocybin in mice " * 5
    page.goto("/")
    search_box = page.get_by_role("searchbox", name="Search the site")
    search_box.fill(paragraph)
    search_box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_text("Your search was long, so we used its first")).to_be_visible()


def test_reader_who_finds_nothing_is_shown_a_way_on(page):
    make_full_article()
    page.goto(reverse("articles:search") + "?q=zebrafish")
    expect(page.get_by_role("heading", name="Nothing matched “zebrafish”")).to_be_visible()
    page.get_by_role("link", name="all articles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Articles")


def test_reader_on_a_broken_link_gets_a_helpful_404(page, open_browser):
    open_browser.watcher.allow("status of 404")
    response = page.goto("/articles/no-such-study/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn\u2019t find that page")
    page.get_by_role("link", name="browse all articles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Articles")


def test_old_address_of_a_renamed_article_lands_on_the_article(page):
    article = make_full_article()
    old_address = article.get_absolute_url()
    article.slug = "psilocybin-spines-renamed"
    article.save()
    page.goto(old_address)
    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)


def chosen_width(image):
    """The width of the file the browser chose from the srcset (the original has none)."""
    source = image.evaluate("image => image.decode().then(() => image.currentSrc)")
    match = re.search(r"-(\d+)w\.\w+$", source)
    return int(match.group(1)) if match else image.evaluate("image => image.naturalWidth")


@pytest.mark.parametrize("path", ["/", "/articles/", "/topics/neuroplasticity/"])
def test_card_covers_are_sharp_wherever_the_card_stands(page, path):
    """The browser picks a file at least as wide as the picture is drawn (up to the
    widest there is), on the one-column list as in the grid and the featured card."""
    make_full_article()
    page.goto(path)
    image = page.locator(".card__image").first
    image.scroll_into_view_if_needed()
    drawn = image.evaluate("image => image.clientWidth * window.devicePixelRatio")
    assert chosen_width(image) >= min(drawn, 960)


def test_a_printed_article_keeps_the_study_sources_and_disclaimer_not_the_rest(page):
    """Readers print a summary to take to a doctor."""
    from tests.e2e.content import make_conversation, make_full_program

    article = make_full_article()
    make_conversation(article)
    make_full_program()
    page.goto(article.get_absolute_url())
    parts_left_out = (".comments", ".article-aside", ".site-search", ".site-nav")
    for part in parts_left_out:
        expect(page.locator(part).first).to_be_visible()
    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(page.get_by_role("region", name="Sources")).to_be_visible()
    source_link = page.get_by_role("region", name="Sources").get_by_role("link").first
    printed_address = source_link.evaluate("link => getComputedStyle(link, '::after').content")
    assert "https://doi.org/10.1016/j.neuron.2021.06.008" in printed_address
    expect(page.get_by_role("contentinfo")).to_contain_text("not medical advice")
    for part in parts_left_out:
        expect(page.locator(part).first).to_be_hidden()
