import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Topic

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_publication_and_is_idempotent(client):
    call_command("seed_demo")
    counts = Article.objects.count(), Topic.objects.count()
    call_command("seed_demo")
    assert (Article.objects.count(), Topic.objects.count()) == counts
    assert Article.objects.published().count() >= 8
    assert Topic.objects.count() >= 4
    assert Article.objects.scheduled().exists()
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()

    spine = Article.objects.get(slug="single-dose-psilocybin-dendritic-spines-mice")
    content = client.get(spine.get_absolute_url()).content.decode()
    assert "about 10%" in content
    assert "Study in mice" in content
    assert "Yale News" in content
    assert "Reviewed by" in content
    assert spine.cover_image
    # The demo's dates tell a possible story: no article updated before it appeared.
    for article in Article.objects.published().prefetch_related("updates"):
        for update in article.updates.all():
            assert update.date >= timezone.localdate(article.publish_at), article.slug


def test_seed_demo_if_empty_leaves_existing_content_alone():
    from tests.factories import make_article

    make_article()
    call_command("seed_demo", "--if-empty")
    assert Article.objects.count() == 1


def test_make_run_adds_no_demo_content_to_a_production_site(settings):
    """`make run` seeds an empty database; on a production site's first start that would
    publish made-up articles and programs with example.org enrolment links."""
    settings.PRODUCTION = True
    call_command("seed_demo", "--if-empty")
    assert not Article.objects.exists()
    call_command("seed_demo")
    assert Article.objects.exists()
