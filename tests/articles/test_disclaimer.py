import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Disclaimer, Publication
from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db


def public_urls():
    topic = make_topic()
    article = make_article(topics=[topic])
    return [
        reverse("articles:home"),
        reverse("articles:list"),
        article.get_absolute_url(),
        topic.get_absolute_url(),
        "/this-page-does-not-exist/",
    ]


def test_shipped_disclaimer_is_on_every_public_page_including_404(client):
    for url in public_urls():
        content = client.get(url).content.decode()
        assert "not medical advice" in content, url
        assert "consult a physician" in content, url
        assert "Schedule I" in content, url
        assert "responsible for your own choices" in content, url


def test_500_page_carries_the_disclaimer(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.articles.broken_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    content = response.content.decode()
    assert "Something went wrong" in content
    assert "Schedule I" in content


def test_newest_version_in_effect_wins_and_future_versions_wait(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
    Disclaimer.objects.create(text="Version from March.", effective_from=datetime.date(2026, 3, 1))
    Disclaimer.objects.create(text="Version from May.", effective_from=datetime.date(2026, 5, 1))
    Disclaimer.objects.create(text="Version from July.", effective_from=datetime.date(2026, 7, 1))

    content = client.get("/").content.decode()
    assert "Version from May." in content
    assert "Version from March." not in content
    assert "Version from July." not in content

    time_machine.move_to(datetime.datetime(2026, 7, 2, 12, tzinfo=datetime.UTC))
    assert "Version from July." in client.get("/").content.decode()


def test_what_readers_saw_on_a_past_date_can_be_shown():
    Disclaimer.objects.create(text="Old text.", effective_from=datetime.date(2025, 1, 1))
    Disclaimer.objects.create(text="New text.", effective_from=datetime.date(2026, 1, 1))
    assert Disclaimer.objects.current(on=datetime.date(2025, 6, 1)).text == "Old text."


def test_disclaimer_versions_cannot_be_deleted_or_rewritten_in_admin(staff_client):
    shown = Disclaimer.objects.current()
    change_url = reverse("admin:articles_disclaimer_change", args=[shown.pk])
    response = staff_client.post(
        change_url, {"text": "Rewritten history", "effective_from": "2020-01-01"}
    )
    shown.refresh_from_db()
    assert shown.text != "Rewritten history"
    delete_url = reverse("admin:articles_disclaimer_delete", args=[shown.pk])
    response = staff_client.post(delete_url, {"post": "yes"}, follow=True)
    assert Disclaimer.objects.filter(pk=shown.pk).exists()
    # Said as it is, on the version's page: not "ask for the permission", which no one
    # could give.
    assert response.redirect_chain[-1][0] == change_url
    page = response.content.decode()
    assert "A version readers have seen cannot be deleted: it is part of the record." in page
    assert "add a new version" in page
    assert "permission" not in page


def test_a_scheduled_version_can_be_withdrawn_and_the_list_says_which_one_is_shown(
    staff_client,
):
    shown = Disclaimer.objects.current()
    earlier = Disclaimer.objects.create(
        text="Older wording.", effective_from=shown.effective_from - datetime.timedelta(days=1)
    )
    scheduled = Disclaimer.objects.create(
        text="Wording for next year.",
        effective_from=timezone.localdate() + datetime.timedelta(days=60),
    )
    listing = staff_client.get(reverse("admin:articles_disclaimer_changelist")).content.decode()
    assert listing.count("Shown now") == 1
    assert "Earlier version" in listing and "Scheduled" in listing
    assert str(earlier) in listing

    delete_url = reverse("admin:articles_disclaimer_delete", args=[scheduled.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Disclaimer.objects.filter(pk=scheduled.pk).exists()


def test_staff_publish_a_new_version_from_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:articles_disclaimer_add"),
        {"text": "Today's wording.", "effective_from": datetime.date.today().isoformat()},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-3000:]
    assert "Today&#x27;s wording." in staff_client.get("/").content.decode()


def test_the_version_shown_reads_without_save_buttons_and_leads_to_a_new_one(staff_client):
    shown = Disclaimer.objects.current()
    page = staff_client.get(reverse("admin:articles_disclaimer_change", args=[shown.pk]))
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "Readers have seen this version, so it is kept as it was." in html
    assert reverse("admin:articles_disclaimer_add") in html

    add = staff_client.get(reverse("admin:articles_disclaimer_add")).content.decode()
    assert "Schedule I controlled" in add  # the new version starts from the text shown now


def test_disclaimer_versions_cannot_be_backdated(staff_client):
    """Neither a new version nor a scheduled one moved into the past: either would
    rewrite what readers were shown on those dates."""
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = staff_client.post(
        reverse("admin:articles_disclaimer_add"),
        {"text": "Backdated wording.", "effective_from": yesterday},
    )
    assert response.status_code == HTTPStatus.OK
    assert "A version takes effect today or later" in response.content.decode()
    assert "Backdated wording." in response.content.decode()

    scheduled = Disclaimer.objects.create(
        text="Next month's wording.", effective_from=timezone.localdate() + datetime.timedelta(30)
    )
    response = staff_client.post(
        reverse("admin:articles_disclaimer_change", args=[scheduled.pk]),
        {"text": "Next month's wording.", "effective_from": yesterday},
    )
    assert response.status_code == HTTPStatus.OK
    scheduled.refresh_from_db()
    assert scheduled.effective_from > timezone.localdate()
    assert not Disclaimer.objects.filter(text="Backdated wording.").exists()


def test_site_name_and_tagline_are_editable(client):
    publication = Publication.load()
    publication.site_name = "Brain Weekly"
    publication.tagline = "Careful reading"
    publication.save()
    content = client.get("/").content.decode()
    assert "Brain Weekly" in content and "Careful reading" in content
