import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Program
from tests.factories import make_article, make_topic
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def promo_block(client, article):
    """The "From the publisher" block of an article page, or "" when there is none."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    if 'class="article-aside promo"' not in content:
        return ""
    block = content.split('class="article-aside promo"', 1)[1]
    return block.split("</aside>", 1)[0]


def titles_in_order(block, programs):
    found = [program for program in programs if program.title in block]
    return sorted(found, key=lambda program: block.index(program.title))


def test_article_shows_a_labelled_block_of_the_publishers_programs(client):
    make_program(title="Nervous System Fitness")
    article = make_article()

    block = promo_block(client, article)

    assert "From the publisher" in block
    assert "Our own courses and programs, made and sold by The Neuroplastic Review" in block
    assert "Nervous System Fitness" in block


def test_promotion_block_sits_beside_the_article_after_its_text(client):
    make_program()
    article = make_article()
    content = client.get(article.get_absolute_url()).content.decode()
    assert content.index("</article>") < content.index('<aside class="article-aside promo"')


def test_cta_in_the_block_is_counted_with_the_article_as_source(client):
    program = make_program(cta_label="Enrol now")
    article = make_article(slug="spines-in-mice")
    block = promo_block(client, article)
    go = reverse("programs:go", args=[program.slug])
    assert f'href="{go}?from=spines-in-mice"' in block
    assert program.cta_url not in block


def test_block_shows_at_most_three_programs(client):
    programs = [make_program(title=f"Offer {number}") for number in range(5)]
    block = promo_block(client, make_article())
    assert len(titles_in_order(block, programs)) == 3


def test_programs_on_the_articles_topics_come_first_then_featured_then_sort_order(client):
    topic = make_topic()
    featured = make_program(title="Featured offer", is_featured=True, sort_order=5)
    first_in_order = make_program(title="First in order", sort_order=1)
    on_topic = make_program(title="On-topic offer", topics=[topic], sort_order=9)
    make_program(title="Last in order", sort_order=8)
    article = make_article(topics=[topic, make_topic()])

    block = promo_block(client, article)

    assert titles_in_order(block, Program.objects.all()) == [on_topic, featured, first_in_order]


def test_article_without_topics_gets_featured_then_sort_order(client):
    second = make_program(title="Second", sort_order=2)
    first = make_program(title="First", sort_order=1)
    featured = make_program(title="Star", is_featured=True, sort_order=3)
    block = promo_block(client, make_article())
    assert titles_in_order(block, [first, second, featured]) == [featured, first, second]


def test_programs_outside_their_promotion_window_are_not_promoted(client):
    make_program(title="Running now", promote_from=days_from_today(-3))
    make_program(title="Not yet", promote_from=days_from_today(1))
    make_program(title="Ended", promote_until=days_from_today(-1))
    make_program(title="Last day", promote_until=days_from_today(0))
    make_program(title="Hidden draft", status=Program.Status.DRAFT)
    article = make_article()

    for content in [promo_block(client, article), client.get(reverse("articles:home")).content]:
        content = content if isinstance(content, str) else content.decode()
        assert "Running now" in content
        assert "Last day" in content
        assert "Not yet" not in content
        assert "Ended" not in content
        assert "Hidden draft" not in content


def test_promotion_starts_by_itself_on_its_first_day(client, time_machine, settings):
    # Moving the clock cannot expire entries in Redis; the page cache has its own tests.
    settings.PAGE_CACHE_SECONDS = 0
    make_program(title="Spring cohort", promote_from=days_from_today(2))
    article = make_article()
    assert "Spring cohort" not in promo_block(client, article)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    assert "Spring cohort" in promo_block(client, article)


def test_staff_can_switch_promotions_off_for_one_article(client):
    make_program(title="Some course")
    quiet = make_article(promotions_enabled=False)
    assert promo_block(client, quiet) == ""
    assert "Some course" in promo_block(client, make_article())


def test_nothing_is_promoted_beside_articles_on_a_sensitive_topic(client):
    grief = make_topic(name="Grief and loss", is_sensitive=True)
    make_program(title="Tied to grief", topics=[grief])
    make_program(title="Unrelated course")
    article = make_article(topics=[make_topic(), grief])
    assert promo_block(client, article) == ""
    content = client.get(article.get_absolute_url()).content.decode()
    assert "From the publisher" not in content
    assert "Unrelated course" not in content


def test_no_block_when_no_program_is_promoted(client):
    make_program(status=Program.Status.DRAFT)
    assert promo_block(client, make_article()) == ""


def test_home_page_has_an_our_programs_band_featured_first(client):
    make_program(title="Plain course", sort_order=1)
    make_program(title="Featured course", is_featured=True, sort_order=2)

    content = client.get(reverse("articles:home")).content.decode()

    assert "Our programs" in content
    assert "made and sold by The Neuroplastic Review" in content
    assert content.index("Featured course") < content.index("Plain course")
    program = Program.objects.get(title="Plain course")
    assert reverse("programs:go", args=[program.slug]) + "?via=home" in content


def test_home_page_has_no_band_without_promoted_programs(client):
    make_program(status=Program.Status.DRAFT)
    assert "Our programs" not in client.get(reverse("articles:home")).content.decode()


def test_promoted_queryset_respects_window_edges():
    today = timezone.localdate()
    inside = make_program(promote_from=today, promote_until=today)
    make_program(promote_from=today + datetime.timedelta(days=1))
    make_program(promote_until=today - datetime.timedelta(days=1))
    assert list(Program.objects.promoted()) == [inside]


def test_next_promotion_change_is_the_next_midnight_a_window_opens_or_ends():
    from programs.schedule import next_promotion_change

    today = timezone.localdate()
    assert next_promotion_change() is None
    make_program(promote_until=today + datetime.timedelta(days=5))
    make_program(promote_from=today + datetime.timedelta(days=3))
    make_program(promote_from=today + datetime.timedelta(days=1), status=Program.Status.DRAFT)
    make_program(promote_until=today - datetime.timedelta(days=1))  # already over

    change = next_promotion_change()

    assert timezone.localtime(change).date() == today + datetime.timedelta(days=3)
    assert timezone.localtime(change).time() == datetime.time.min


def test_day_after_the_last_day_counts_as_a_change():
    from programs.schedule import next_promotion_change

    today = timezone.localdate()
    make_program(promote_until=today)
    assert timezone.localtime(next_promotion_change()).date() == today + datetime.timedelta(1)
