"""Readers meet the publisher's programs beside articles and enrol through a counted link."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.models import ProgramClick
from tests.e2e.content import make_full_article, make_full_program

pytestmark = pytest.mark.e2e

ENROLMENT_PAGE = "<!doctype html><title>Enrol</title><h1>Enrolment</h1>"


def reader_with_enrolment_site(open_browser):
    """A reader whose browser answers the program's own (external) enrolment site with
    a stand-in page, so the test never leaves this machine."""
    context = open_browser()
    context.route(
        "https://learn.example.org/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=ENROLMENT_PAGE),
    )
    return context.new_page()


def test_program_button_beside_an_article_is_counted_and_lands_on_its_url(open_browser):
    article = make_full_article()
    program = make_full_program()
    page = reader_with_enrolment_site(open_browser)

    page.goto(article.get_absolute_url())
    promotion = page.get_by_role("complementary", name="From the publisher")
    promotion.scroll_into_view_if_needed()
    expect(promotion).to_contain_text("This is an offer from us")
    promotion.get_by_role("link", name=re.compile(rf"^Enrol now\s*: {program.title}$")).click()

    expect(page).to_have_url(program.cta_url)
    expect(page.get_by_role("heading", name="Enrolment")).to_be_visible()
    click = ProgramClick.objects.get()
    assert (click.program, click.article, click.source) == (program, article, "article")


def test_reader_finds_a_program_in_the_list_and_enrols_from_its_page(open_browser):
    program = make_full_program()
    page = reader_with_enrolment_site(open_browser)

    page.goto(reverse("articles:home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    page.get_by_role("link", name=program.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(program.title)
    expect(page.get_by_role("region", name="Key facts")).to_contain_text("6 weeks")
    page.get_by_role("link", name=re.compile("^Enrol now")).first.click()

    expect(page).to_have_url(program.cta_url)
    assert ProgramClick.objects.get().source == "page"
