import pytest
from django.core.management import call_command

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_threaded_conversations_once(client):
    call_command("seed_demo")
    count = Comment.objects.count()
    call_command("seed_demo")
    assert Comment.objects.count() == count

    assert Comment.objects.filter(parent__parent__parent__parent__isnull=False).exists()
    assert Comment.objects.filter(by_staff=True, status="approved", parent__isnull=False)
    assert Comment.objects.filter(status="pending").count() >= 3
    assert not Comment.objects.exclude(email__endswith="@readers.example").exists()

    spines = "/articles/single-dose-psilocybin-dendritic-spines-mice/"
    html = client.get(spines).content.decode()
    assert '<span class="badge badge--staff">Staff</span>' in html
    assert "in reply to <bdi>Priya S.</bdi>" in html
    assert "Where can I buy a grow kit" not in html

    grief = client.get("/articles/grief-and-support-what-helps/").content.decode()
    assert "Suicide &amp; Crisis Lifeline" in grief
