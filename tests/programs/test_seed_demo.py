from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from programs import models

pytestmark = pytest.mark.django_db

SEEDED = [models.Program, models.Module, models.FAQ, models.Testimonial, models.ProgramClick]


def test_seed_demo_adds_the_publishers_programs_once():
    call_command("seed_demo")
    counts = [model.objects.count() for model in SEEDED]
    call_command("seed_demo")
    assert [model.objects.count() for model in SEEDED] == counts

    programs = models.Program.objects
    assert programs.published().count() >= 4
    assert programs.filter(status=models.Program.Status.DRAFT).exists()
    assert set(programs.values_list("kind", flat=True)) >= {"course", "program", "plan"}
    assert models.Testimonial.objects.filter(is_approved=False).exists()
    assert all(program.topics.exists() for program in programs.all())
    microdosing = programs.get(slug="microdosing-evidence-program")
    assert (microdosing.duration_weeks, microdosing.format) == (6, "online_self_paced")
    assert microdosing.modules.count() == 6


def test_demo_programs_appear_on_their_pages_beside_articles_and_in_the_admin(staff_client):
    call_command("seed_demo")
    client = staff_client

    listing = client.get(reverse("programs:list")).content.decode()
    for program in models.Program.objects.published():
        assert program.title in listing
        assert client.get(program.get_absolute_url()).status_code == HTTPStatus.OK

    for article in Article.objects.published():
        content = client.get(article.get_absolute_url()).content.decode()
        sensitive = article.topics.filter(is_sensitive=True).exists()
        assert ("From the publisher" in content) is not sensitive, article.slug

    program = models.Program.objects.get(slug="nervous-system-fitness")
    assert program.clicks.filter(article__isnull=False).exists()
    change = reverse("admin:programs_program_change", args=[program.pk])
    assert "Where the clicks came from" in client.get(change).content.decode()
