import datetime
import html
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import Program, ProgramClick
from tests.factories import image_file, make_article, make_author, make_topic
from tests.programs.conftest import reorder_in_list
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:programs_program_add")


def program_form(**overrides):
    data = {
        "kind": "course",
        "title": "Nervous System Fitness",
        "slug": "nervous-system-fitness",
        "tagline": "Eight live weeks.",
        "summary": "Breathing, sleep and recovery.",
        "description": "<p>About the course.</p>",
        "format": "online_live",
        "duration_weeks": "8",
        "workload": "",
        "hours_per_week": "",
        "pricing": "priced",
        "price": "290",
        "currency": "USD",
        "start_date": "",
        "cta_label": "Join the next cohort",
        "cta_url": "https://learn.example.org/nsf",
        "status": "published",
        "promote_from": "",
        "promote_until": "",
        "sort_order": "0",
        "image_alt": "",
    }
    for prefix in ["modules", "faqs", "testimonials"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | overrides


def test_staff_create_a_program_with_curriculum_faq_and_testimonial(staff_client):
    instructor = make_author(name="Maya Lindqvist")
    topic = make_topic()
    data = program_form(
        instructors=[instructor.pk],
        topics=[topic.pk],
        image=image_file("hero.jpg", image_format="JPEG"),
        image_alt="A calm lake",
        **{
            "modules-TOTAL_FORMS": "1",
            "modules-0-title": "Breathing as a lever",
            "modules-0-position": "0",
            "modules-0-summary": "Paced breathing.",
            "faqs-TOTAL_FORMS": "1",
            "faqs-0-question": "Is it recorded?",
            "faqs-0-answer": "Yes.",
            "faqs-0-position": "0",
            "testimonials-TOTAL_FORMS": "1",
            "testimonials-0-quote": "Calm and clear.",
            "testimonials-0-name": "Aisha R.",
            "testimonials-0-role": "",
            "testimonials-0-position": "0",
            "testimonials-0-is_approved": "on",
        },
    )
    response = staff_client.post(ADD_URL, data)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    program = Program.objects.get(slug="nervous-system-fitness")
    assert list(program.instructors.all()) == [instructor]
    assert program.image
    assert Program.objects.values_list("image_width", "image_height").get(pk=program.pk) == (40, 30)
    content = staff_client.get(program.get_absolute_url()).content.decode()
    for text in ["Breathing as a lever", "Is it recorded?", "Calm and clear.", "Maya Lindqvist"]:
        assert text in content


def test_staff_edit_a_program_that_has_an_image(staff_client):
    staff_client.post(
        ADD_URL, program_form(image=image_file("hero.jpg", image_format="JPEG"), image_alt="x")
    )
    program = Program.objects.get(slug="nervous-system-fitness")
    response = staff_client.post(
        reverse("admin:programs_program_change", args=[program.pk]),
        program_form(tagline="Eight live weeks, online.", image_alt="x"),
    )
    assert response.status_code == HTTPStatus.FOUND
    program.refresh_from_db()
    assert (program.tagline, program.image_width) == ("Eight live weeks, online.", 40)


def test_a_program_saved_meanwhile_is_not_overwritten_unseen(staff_client):
    staff_client.post(ADD_URL, program_form())
    program = Program.objects.get(slug="nervous-system-fitness")
    change = reverse("admin:programs_program_change", args=[program.pk])
    opened = re.search(
        r'name="opened_version" value="([^"]+)"', staff_client.get(change).content.decode()
    )[1]
    Program.objects.get(pk=program.pk).save()  # a colleague's save, in another tab

    response = staff_client.post(change, program_form(tagline="Changed.", opened_version=opened))
    assert response.status_code == HTTPStatus.OK
    assert "saved this program at" in response.content.decode()
    assert Program.objects.get(pk=program.pk).tagline == "Eight live weeks."


def post_expecting_error(staff_client, **overrides):
    response = staff_client.post(ADD_URL, program_form(**overrides))
    assert response.status_code == HTTPStatus.OK
    assert not Program.objects.exists()
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "learn.example.org/x x",
        "ftp://example.org/file",
        "javascript:alert(1)",
        "/enrol/",
        "htps://learn.example.org/x",
        "https//learn.example.org",
    ],
)
def test_enrolment_url_must_be_a_full_web_address(staff_client, url):
    """Refused with a message that says how to write it, not "Enter a valid URL"."""
    content = html.unescape(post_expecting_error(staff_client, cta_url=url))
    assert "Enter the full address where readers enrol, as the browser shows it" in content
    assert "Enter a valid URL." not in content


def test_address_typed_without_scheme_gets_https(staff_client):
    response = staff_client.post(ADD_URL, program_form(cta_url="learn.example.org/enrol"))
    assert response.status_code == HTTPStatus.FOUND
    assert Program.objects.get().cta_url == "https://learn.example.org/enrol"


def test_negative_price_is_refused(staff_client):
    assert "The price cannot be negative." in post_expecting_error(staff_client, price="-5")


def test_unknown_currency_is_refused(staff_client):
    content = post_expecting_error(staff_client, currency="XYZ")
    assert "Select a valid choice. XYZ is not one of the available choices." in content


def test_withdrawn_currency_is_refused(staff_client):
    assert "Select a valid choice." in post_expecting_error(staff_client, currency="DEM")


def test_currency_without_cents_refuses_cents(staff_client):
    content = post_expecting_error(staff_client, currency="JPY", price="1200.50")
    assert "JPY prices have 0 decimal places." in content


def test_dinar_prices_keep_their_three_decimals(staff_client, client):
    response = staff_client.post(ADD_URL, program_form(currency="KWD", price="12.345"))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-2000:]
    program = Program.objects.get()
    assert program.price == Decimal("12.345")
    assert "KWD\u00a012.345" in client.get(program.get_absolute_url()).content.decode()
    change = staff_client.get(reverse("admin:programs_program_change", args=[program.pk]))
    assert 'name="price" value="12.345"' in change.content.decode()
    response = staff_client.post(ADD_URL, program_form(slug="in-dollars", price="12.345"))
    assert "USD prices have 2 decimal places." in response.content.decode()
    assert Program.objects.count() == 1


def test_prices_in_currencies_of_many_digits_fit(staff_client):
    response = staff_client.post(ADD_URL, program_form(currency="VND", price="250000000"))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-2000:]
    assert Program.objects.get().price == Decimal("250000000")


def test_a_priced_program_at_nothing_is_sent_to_free(staff_client):
    content = html.unescape(post_expecting_error(staff_client, price="0"))
    assert 'A program that costs nothing is "Free": choose that.' in content


def test_an_address_pasted_with_capitals_works(staff_client, client):
    """A pasted or phone-capitalised "Https://" must not stop every button working."""
    response = staff_client.post(ADD_URL, program_form(cta_url="Https://Learn.example.org/Enrol"))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-2000:]
    program = Program.objects.get()
    assert program.cta_url == "https://learn.example.org/Enrol"
    go = client.get(reverse("programs:go", args=[program.slug]), HTTP_USER_AGENT="Mozilla/5.0")
    assert go["Location"] == "https://learn.example.org/Enrol"


def test_the_sites_own_counted_link_is_refused_as_an_enrolment_address(staff_client):
    """It would send readers round in a circle, counting a click each time."""
    content = post_expecting_error(staff_client, cta_url="http://localhost/programs/x/go/")
    assert "the site's own counted link" in html.unescape(content)


@pytest.mark.parametrize("typed", ["390,50", "1,200", "1 200", "$390"])
def test_a_price_written_with_a_comma_or_a_sign_is_refused_not_misread(staff_client, typed):
    """A number box would drop the comma of "390,50" and save 39050."""
    page = staff_client.get(ADD_URL).content.decode()
    assert re.search(r'<input type="text" name="price"[^>]*inputmode="decimal"', page)
    content = html.unescape(post_expecting_error(staff_client, price=typed))
    assert "with a point before the cents and no thousands separator" in content
    assert f'value="{typed}"' in content
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("hours_per_week", "0.25", "with one decimal at most: 2.5, not 2.25"),
        ("hours_per_week", "1000", "more hours than a week has"),
        ("hours_per_week", "168.5", "more hours than a week has"),
        ("hours_per_week", "123.25", "one decimal at most, up to 168"),
        ("price", "1234567890123", "This price is too large; check for a missing decimal point"),
    ],
)
def test_numbers_out_of_shape_get_words_staff_use(staff_client, field, typed, message):
    """Not Django's "Ensure that there are no more than 1 decimal place." """
    content = html.unescape(post_expecting_error(staff_client, **{field: typed}))
    assert message in content
    assert "Ensure that" not in content


def test_staff_see_the_price_as_readers_will(staff_client):
    response = staff_client.post(ADD_URL, program_form(price="390.5"), follow=True)
    assert "On the site: live, at $390.50; promoted now, with no end date." in html.unescape(
        response.content.decode()
    )
    changelist = staff_client.get(reverse("admin:programs_program_changelist"))
    assert "$390.50" in html.unescape(changelist.content.decode())


@pytest.mark.parametrize(
    ("pricing", "status", "said"),
    [
        ("free", "published", "On the site: live, free; promoted from 1 Dec 2099, until 24 Dec"),
        ("on_request", "published", "On the site: live, price on request; promoted from"),
        ("free", "draft", "On the site: hidden (draft); free once published."),
    ],
)
def test_a_program_without_a_price_is_said_to_be_free_or_priced_on_request(
    staff_client, pricing, status, said
):
    """Not "live, at Free" or "at Price on request", nor "01 Dec" where the admin writes
    "1 Dec" everywhere else."""
    form = program_form(
        pricing=pricing,
        price="",
        status=status,
        promote_from="2099-12-01",
        promote_until="2099-12-24",
    )
    response = staff_client.post(ADD_URL, form, follow=True)
    content = html.unescape(response.content.decode())
    assert said in content
    assert " at Free" not in content and "at Price on request" not in content


def test_a_program_saved_as_a_draft_is_said_to_be_hidden(staff_client):
    """After switching a program to Draft, "Price on the site: €149." read as if it
    were still live."""
    program = make_program(slug="nsf", price=Decimal("149"), currency="EUR")
    response = staff_client.post(
        reverse("admin:programs_program_change", args=[program.pk]),
        program_form(slug="nsf", price="149", currency="EUR", status="draft"),
        follow=True,
    )
    content = html.unescape(response.content.decode())
    assert "On the site: hidden (draft); at €149 once published." in content
    assert "On the site: live" not in content


def test_a_refused_price_gets_one_message_not_two(staff_client):
    content = html.unescape(post_expecting_error(staff_client, price="390.5555"))
    assert "This price has too many decimal places for its currency." in content
    assert "Enter the price, or choose" not in content


def test_priced_program_needs_a_price(staff_client):
    content = post_expecting_error(staff_client, price="")
    assert "Enter the price, or choose" in content


def test_free_program_with_a_price_is_refused(staff_client):
    content = post_expecting_error(staff_client, pricing="free", price="20")
    assert "has no price" in content


def test_promotion_window_that_ends_before_it_starts_is_refused(staff_client):
    content = post_expecting_error(
        staff_client, promote_from="2030-05-10", promote_until="2030-05-01"
    )
    assert "The promotion cannot end before it starts." in content


def test_image_without_alt_text_is_refused(staff_client):
    assert "An image needs alt text." in post_expecting_error(staff_client, image=image_file())


def test_changelist_shows_kind_status_window_and_30_day_clicks(staff_client):
    today = timezone.localdate()
    program = make_program(title="Counted course", promote_until=today + datetime.timedelta(9))
    ProgramClick.objects.bulk_create(
        [ProgramClick(program=program, clicked_on=today) for _ in range(4)]
        + [ProgramClick(program=program, clicked_on=today - datetime.timedelta(days=29))]
        + [ProgramClick(program=program, clicked_on=today - datetime.timedelta(days=30))]
    )
    make_program(title="Quiet course")
    make_program(title="Unfinished course", status=Program.Status.DRAFT)

    response = staff_client.get(reverse("admin:programs_program_changelist"))

    content = response.content.decode()
    row = content.split("Counted course", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<td class="field-clicks_30_days">5</td>', row)
    assert "Now, until" in row
    assert "Published" in row and "Course" in row
    draft = content.split("Unfinished course", 1)[1].split("</tr>", 1)[0]
    assert "Not promoted (draft); window: Now, no end date" in draft


@pytest.mark.parametrize(
    "query",
    [
        "promotion=now",
        "promotion=upcoming",
        "promotion=ended",
        "o=6",  # sorted by clicks
        "q=breathing",
        "status__exact=draft",
    ],
)
def test_changelist_filters_open(staff_client, query):
    make_program(title="Breathing course")
    url = reverse("admin:programs_program_changelist") + "?" + query
    assert staff_client.get(url).status_code == HTTPStatus.OK


def test_an_instructor_name_finds_their_programs_in_the_list(staff_client):
    ingrid = make_author(name="Ingrid Halvorsen")
    make_program(title="Winter breathwork intensive", instructors=[ingrid])
    make_program(title="Sleep basics")
    url = reverse("admin:programs_program_changelist")
    response = staff_client.get(url, {"q": "Halvorsen"})
    assert response.context["cl"].result_count == 1
    assert "Winter breathwork intensive" in response.content.decode()


def test_promotion_filter_finds_the_right_programs(staff_client):
    today = timezone.localdate()
    make_program(title="Running course")
    make_program(title="Later course", promote_from=today + datetime.timedelta(days=3))
    make_program(title="Closed course", promote_until=today - datetime.timedelta(days=3))
    url = reverse("admin:programs_program_changelist")
    for value, expected in [("now", "Running"), ("upcoming", "Later"), ("ended", "Closed")]:
        content = staff_client.get(url, {"promotion": value}).content.decode()
        shown = {name for name in ["Running", "Later", "Closed"] if f"{name} course" in content}
        assert shown == {expected}, value


def test_change_page_reports_clicks_per_day_and_per_source_article(staff_client):
    today = timezone.localdate()
    program = make_program()
    article = make_article(title="Spines grew in mice")
    ProgramClick.objects.bulk_create(
        [ProgramClick(program=program, article=article, source="article", clicked_on=today)] * 3
        + [ProgramClick(program=program, source="home", clicked_on=today)]
        + [ProgramClick(program=program, source="other", clicked_on=today - datetime.timedelta(40))]
    )

    response = staff_client.get(reverse("admin:programs_program_change", args=[program.pk]))

    content = response.content.decode()
    report = content.split('class="click-report"', 1)[1].split("</table>", 1)[0]
    assert "4 clicks" in report
    assert "<svg" in report and "<rect" in report
    assert "style=" not in report and "<script" not in report
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(\d+)</td>\s*<td>(\d+%)", report, re.S)
    assert [(re.sub("<[^>]+>", "", label), count, share) for label, count, share in rows] == [
        ("Spines grew in mice", "3", "75%"),
        ("Home page", "1", "25%"),
    ]
    assert f'href="{article.get_absolute_url()}"' in report
    # One bar per day of the 30, the tallest for today's four clicks.
    assert report.count("<rect") == 30 + 2
    assert "View on site" in content


def test_change_page_without_clicks_says_so(staff_client):
    program = make_program()
    content = staff_client.get(
        reverse("admin:programs_program_change", args=[program.pk])
    ).content.decode()
    assert "No clicks from" in content


def test_click_chart_scales_bars_to_the_busiest_day():
    from programs.admin import CHART_HEIGHT, CHART_TOP, chart
    from programs.services import click_report

    today = timezone.localdate()
    program = make_program()
    ProgramClick.objects.bulk_create(
        [ProgramClick(program=program, clicked_on=today)] * 4
        + [ProgramClick(program=program, clicked_on=today - datetime.timedelta(days=1))] * 2
    )
    bars = chart(click_report(program=program))["bars"]
    assert len(bars) == 30
    assert bars[-1]["height"] == CHART_HEIGHT - CHART_TOP
    assert bars[-2]["height"] == (CHART_HEIGHT - CHART_TOP) / 2
    assert bars[0]["height"] == 0


def test_reordering_programs_in_the_list_says_nothing_of_prices(staff_client):
    first, second = make_program(), make_program()
    response = reorder_in_list(staff_client, {first: 5, second: 6}, follow=True)
    content = response.content.decode()
    assert "2 programs were changed successfully." in content
    assert "On the site:" not in content


def test_a_promotion_date_typed_wrong_says_how_to_write_it(staff_client):
    """The program's dates, like the article's, name the forms they take."""
    response = staff_client.post(
        ADD_URL, program_form(promote_from="Monday", start_date="2027-02-30")
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert (
        page.count("Enter the date as 2026-12-01 or 1 Dec 2026, or pick it from the calendar") == 2
    )
    assert 'value="Monday"' in page and 'value="2027-02-30"' in page
    assert not Program.objects.exists()


def test_deleting_a_program_counts_its_clicks_in_one_line(staff_client):
    """Each counted click was a line of its own on the delete page."""
    program = make_program(title="Mindful Integration")
    for _ in range(81):
        ProgramClick.objects.create(program=program)
    page = staff_client.get(reverse("admin:programs_program_delete", args=[program.pk]))
    listing = html.unescape(page.content.decode().split('id="deleted-objects"')[1])
    assert "Program clicks: 81, the program's click counts" in listing
    assert listing.count("Program click:") == 0
    staff_client.post(reverse("admin:programs_program_delete", args=[program.pk]), {"post": "yes"})
    assert not ProgramClick.objects.exists()


def test_the_delete_page_counts_clicks_without_reading_each_one(staff_client):
    """A popular program has tens of thousands of clicks: reading each to list it kept
    the delete page (and "Delete selected") loading for seconds."""
    first = make_program(title="Mindful Integration")
    second = make_program(title="Sleep Reset")
    ProgramClick.objects.bulk_create([ProgramClick(program=first) for _ in range(30)])
    ProgramClick.objects.bulk_create([ProgramClick(program=second) for _ in range(12)])

    with CaptureQueriesContext(connection) as queries:
        page = staff_client.post(
            reverse("admin:programs_program_changelist"),
            {"action": "delete_selected", "_selected_action": [first.pk, second.pk]},
        )
        on_clicks = [q["sql"] for q in queries if '"programs_programclick"' in q["sql"]]
    assert all("COUNT(" in sql for sql in on_clicks), on_clicks
    text = html.unescape(page.content.decode())
    assert "Program clicks: 42" in text  # the summary
    listing = text.split("<h2>Objects</h2>")[1]
    assert listing.index("Mindful Integration") < listing.index("Program clicks: 30,")
    assert listing.index("Sleep Reset") < listing.index("Program clicks: 12,")

    staff_client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert not ProgramClick.objects.exists()
