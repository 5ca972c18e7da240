import datetime
import json
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Program
from tests.factories import image_file, make_author
from tests.programs.factories import make_faq, make_module, make_program, make_testimonial

pytestmark = pytest.mark.django_db

LIST_URL = reverse("programs:list")


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def json_ld(content):
    """The page's JSON-LD, parsed."""
    start = content.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(content[start : content.index("</script>", start)])


def test_published_programs_are_listed_grouped_by_kind(client):
    make_program(title="Breathing course", kind=Program.Kind.COURSE)
    make_program(title="Personal plan", kind=Program.Kind.ONE_TO_ONE_PLAN)
    make_program(title="Six-week program", kind=Program.Kind.PROGRAM)

    response = client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    # Groups come in a fixed order, each program under its own heading.
    assert (
        content.index(">Courses</h2>")
        < content.index("Breathing course")
        < content.index(">Programs</h2>")
        < content.index("Six-week program")
        < content.index(">One-to-one plans</h2>")
        < content.index("Personal plan")
    )


def test_draft_programs_stay_hidden(client):
    make_program(title="Visible course")
    draft = make_program(title="Secret draft", status=Program.Status.DRAFT)

    content = client.get(LIST_URL).content.decode()

    assert "Visible course" in content
    assert "Secret draft" not in content
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_empty_list_says_so(client):
    make_program(status=Program.Status.DRAFT)
    assert "No programs are open at the moment" in client.get(LIST_URL).content.decode()


def test_header_links_to_programs(client):
    content = client.get(reverse("articles:home")).content.decode()
    assert f'<a href="{LIST_URL}">Programs</a>' in content
    content = client.get(LIST_URL).content.decode()
    assert f'<a href="{LIST_URL}" aria-current="page">Programs</a>' in content
    assert 'aria-current="page">Articles' not in content


def test_sales_page_shows_facts_curriculum_people_and_questions(client):
    instructor = make_author(name="Dr. Maya Lindqvist", credentials="PhD, neuroscientist")
    program = make_program(
        title="Nervous System Fitness",
        tagline="Eight live weeks.",
        summary="Breathing, sleep and recovery.",
        description="<p>The <strong>full</strong> story.</p>",
        format=Program.Format.ONLINE_LIVE,
        duration_weeks=8,
        workload="A 90-minute session each week",
        price=Decimal("290"),
        start_date=datetime.date(2031, 3, 4),
        instructors=[instructor],
    )
    make_module(program, title="Breathing as a lever", summary="Paced breathing.", position=1)
    make_module(program, title="The two branches", position=0)
    make_faq(program, question="What if I miss a session?", answer="It is recorded.")

    response = client.get(program.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    for text in [
        '<h1 id="program-title">Nervous System Fitness</h1>',
        "Online, live cohort",
        "8 weeks · A 90-minute session each week",
        "$290",
        "4 March 2031",
        "The <strong>full</strong> story.",
        "Dr. Maya Lindqvist",
        "PhD, neuroscientist",
        "What if I miss a session?",
        "It is recorded.",
        "Important: not medical advice",  # the site disclaimer in the footer
    ]:
        assert text in content, text
    assert content.index("The two branches") < content.index("Breathing as a lever")


def test_an_instructor_who_writes_for_the_site_is_linked_to_their_page(client):
    from tests.factories import make_article

    writer = make_author(name="Maya Lindqvist", slug="maya")
    make_article(authors=[writer])
    teacher_only = make_author(name="Jon Breathwork", slug="jon")
    program = make_program(instructors=[writer, teacher_only])

    content = client.get(program.get_absolute_url()).content.decode()

    assert (
        '<h3 class="instructor__name"><a href="/authors/maya/">Maya Lindqvist</a></h3>' in content
    )
    assert '<h3 class="instructor__name">Jon Breathwork</h3>' in content
    course = next(
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', content)
        if '"Course"' in block
    )
    people = course["hasCourseInstance"][0]["instructor"]
    assert {person["name"]: person.get("url") for person in people} == {
        "Maya Lindqvist": "http://testserver/authors/maya/",
        "Jon Breathwork": None,
    }


def test_sales_page_has_a_counted_button_at_top_and_bottom(client):
    program = make_program(cta_label="Join the next cohort")
    content = client.get(program.get_absolute_url()).content.decode()
    go = reverse("programs:go", args=[program.slug]) + "?via=page"
    assert content.count(f'href="{go}"') == 2
    assert content.count("Join the next cohort") == 2
    assert program.cta_url not in content


@pytest.mark.parametrize(
    ("pricing", "price", "currency", "shown"),
    [
        (Program.Pricing.PRICED, Decimal("390"), "USD", "$390"),
        (Program.Pricing.PRICED, Decimal("49.50"), "EUR", "€49.50"),
        (Program.Pricing.PRICED, Decimal("1200"), "CHF", "CHF\u00a01,200"),
        (Program.Pricing.PRICED, Decimal("99.90"), "SEK", "SEK\u00a099.90"),
        (Program.Pricing.PRICED, Decimal("5000"), "JPY", "¥5,000"),
        (Program.Pricing.FREE, None, "USD", "Free"),
        (Program.Pricing.ON_REQUEST, None, "USD", "Price on request"),
    ],
)
def test_price_is_shown_as_readers_expect(client, pricing, price, currency, shown):
    program = make_program(pricing=pricing, price=price, currency=currency)
    assert shown in client.get(program.get_absolute_url()).content.decode()
    assert shown in client.get(LIST_URL).content.decode()


def test_only_approved_testimonials_are_shown(client):
    program = make_program()
    make_testimonial(program, quote="Changed how I read studies.", name="Priya S.")
    make_testimonial(program, quote="Not checked yet.", is_approved=False)

    content = client.get(program.get_absolute_url()).content.decode()

    assert "Changed how I read studies." in content
    assert "Priya S." in content
    assert "Not checked yet." not in content
    assert "They are not medical evidence" in content


def test_page_without_approved_testimonials_has_no_testimonial_section(client):
    program = make_program()
    make_testimonial(program, is_approved=False)
    assert "What participants say" not in client.get(program.get_absolute_url()).content.decode()


def test_enrolment_closes_after_the_promotion_window(client):
    program = make_program(promote_from=days_from_today(-30), promote_until=days_from_today(-1))

    content = client.get(program.get_absolute_url()).content.decode()

    assert "has closed" in content
    assert reverse("programs:go", args=[program.slug]) not in content
    assert "Enrolment closed" in client.get(LIST_URL).content.decode()


def test_last_day_of_the_window_is_still_open(client):
    program = make_program(promote_until=timezone.localdate())
    content = client.get(program.get_absolute_url()).content.decode()
    assert "has closed" not in content
    assert reverse("programs:go", args=[program.slug]) in content


def test_staff_preview_draft_program_with_banner(staff_client):
    draft = make_program(status=Program.Status.DRAFT, title="Work in progress")
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Preview — not published" in content
    # The preview's button goes straight to the enrolment URL: /go/ is 404 for drafts.
    assert f'href="{draft.cta_url}"' in content


def test_staff_see_no_preview_banner_on_published_programs(staff_client):
    program = make_program()
    content = staff_client.get(program.get_absolute_url()).content.decode()
    assert "Preview — not published" not in content


def test_staff_without_change_permission_get_404_for_drafts(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x" * 14, is_staff=True)
    client.force_login(user)
    draft = make_program(status=Program.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_unknown_program_is_404(client):
    assert client.get("/programs/no-such-program/").status_code == HTTPStatus.NOT_FOUND


def test_program_image_is_served_in_renditions_named_in_srcset(client):
    program = make_program(image=image_file("hero.png", size=(1000, 600)), image_alt="A calm lake")
    for url in [program.get_absolute_url(), reverse("programs:list")]:
        content = client.get(url).content.decode()
        webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', content).group(1)
        assert [part.split()[1] for part in webp.split(", ")] == ["480w", "800w", "1000w"]
        assert re.search(r'<img [^>]*srcset="[^"]*renditions/[^"]*-480w\.jpg 480w', content)
        assert 'width="1000" height="600"' in content


def test_program_image_is_shown_with_its_alt_text(client):
    program = make_program(image=image_file("hero.png"), image_alt="A calm lake")
    content = client.get(program.get_absolute_url()).content.decode()
    assert 'alt="A calm lake"' in content
    assert 'width="40" height="30"' in content


def test_hostile_description_never_reaches_the_page(client):
    program = make_program()
    Program.objects.filter(pk=program.pk).update(
        description='<p onclick="x()">Hi</p><script>alert(1)</script>'
    )
    content = client.get(program.get_absolute_url()).content.decode()
    assert "alert(1)" not in content
    assert "onclick" not in content


def test_course_json_ld_carries_provider_instance_and_offer(client):
    program = make_program(
        title="Microdosing, Read Carefully",
        summary="Six self-paced weeks.",
        duration_weeks=6,
        hours_per_week=Decimal("2"),
        price=Decimal("390"),
        currency="USD",
        start_date=datetime.date(2031, 1, 5),
        instructors=[make_author(name="Elena Ruiz", credentials="MSc")],
    )
    make_module(program, title="Reading the trials")

    data = json_ld(client.get(program.get_absolute_url()).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == "Microdosing, Read Carefully"
    assert data["description"] == "Six self-paced weeks."
    assert data["provider"] == {
        "@type": "Organization",
        "name": "The Neuroplastic Review",
        "url": "http://testserver/",
    }
    assert data["url"] == "http://testserver" + program.get_absolute_url()
    [instance] = data["hasCourseInstance"]
    assert instance["@type"] == "CourseInstance"
    assert instance["courseMode"] == "Online"
    assert instance["courseWorkload"] == "PT12H"
    assert instance["courseSchedule"] == {
        "@type": "Schedule",
        "repeatFrequency": "Weekly",
        "repeatCount": 6,
        "duration": "PT2H",
    }
    assert instance["startDate"] == "2031-01-05"
    assert instance["instructor"] == [
        {"@type": "Person", "name": "Elena Ruiz", "honorificSuffix": "MSc"}
    ]
    [offer] = data["offers"]
    assert offer["price"] == "390.00"
    assert offer["priceCurrency"] == "USD"
    assert offer["category"] == "Paid"


def test_json_ld_uses_the_workload_text_when_there_are_no_hours(client):
    program = make_program(workload="About 2 hours a week", format=Program.Format.IN_PERSON)
    data = json_ld(client.get(program.get_absolute_url()).content.decode())
    [instance] = data["hasCourseInstance"]
    assert instance["courseMode"] == "Onsite"
    assert instance["courseWorkload"] == "About 2 hours a week"
    assert "startDate" not in instance


def test_json_ld_has_no_offer_when_the_price_is_on_request(client):
    program = make_program(pricing=Program.Pricing.ON_REQUEST, price=None)
    data = json_ld(client.get(program.get_absolute_url()).content.decode())
    assert "offers" not in data


def test_json_ld_offers_a_free_program_at_zero_in_its_currency(client):
    """Search engines read a price only with its currency, zero included."""
    program = make_program(pricing=Program.Pricing.FREE, price=None, currency="EUR")
    [offer] = json_ld(client.get(program.get_absolute_url()).content.decode())["offers"]
    assert (offer["category"], offer["price"], offer["priceCurrency"]) == ("Free", "0", "EUR")
    assert offer["availability"] == "https://schema.org/InStock"


def test_a_closed_program_is_no_longer_offered_to_search_engines(client):
    """Search results must not show a price for a course readers can no longer join."""
    program = make_program(promote_until=days_from_today(-1), price=Decimal("390"))
    [offer] = json_ld(client.get(program.get_absolute_url()).content.decode())["offers"]
    assert offer["availability"] == "https://schema.org/SoldOut"


def test_a_cohort_that_has_begun_no_longer_says_it_starts(client, time_machine):
    """ "Starts 28 October" beside "Enrol now" in November would only confuse."""
    program = make_program(start_date=days_from_today(3), promote_until=days_from_today(30))
    assert "starts <time" in client.get(program.get_absolute_url()).content.decode()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=4))
    page = client.get(program.get_absolute_url()).content.decode()
    assert "starts <time" not in page and ">Starts <time" not in page
    assert "<dt>Started</dt>" in page


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    program = make_program(title="</script><script>alert(1)</script>")
    content = client.get(program.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    assert json_ld(content)["name"] == "</script><script>alert(1)</script>"
