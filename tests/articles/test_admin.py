import datetime
import html
import io
import re
from http import HTTPStatus
from urllib.parse import quote, unquote

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django import forms as django_forms
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from articles.admin import LENGTH_MESSAGE
from articles.models import Article, Author, Publication, Redirect, Topic
from comments.models import CommentSettings
from tests.admin_forms import form_as_shown
from tests.factories import (
    image_file,
    make_article,
    make_author,
    make_comment,
    make_draft,
    make_topic,
)
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db


# Rows that come from readers or from the sign-in lockout, and the one publication row
# (staff edit it, never add a second): no add page for these.
NO_ADD_PAGE = {
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "articles.publication",
    "comments.comment",
    "comments.commentsettings",
}


def test_every_admin_page_opens_for_staff(staff_client):
    article = make_article()
    make_author()
    make_topic()
    make_comment(article)
    make_program()
    assert Group.objects.filter(name="Editors").exists()  # made by migrate
    Redirect.objects.create(old_path="/old/", new_path="/new/")
    AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", failures_since_start=1)
    AccessFailureLog.objects.create(username="x", ip_address="127.0.0.1")
    for model in admin.site._registry:
        label = model._meta.label_lower
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        # A one-row model's list is its row's form.
        response = staff_client.get(changelist, follow=True)
        assert response.status_code == HTTPStatus.OK, changelist
        add = reverse("admin:{}_{}_add".format(*info))
        expected = HTTPStatus.FORBIDDEN if label in NO_ADD_PAGE else HTTPStatus.OK
        assert staff_client.get(add).status_code == expected, add
        instance = model._default_manager.first()
        if label != "comments.commentsettings":  # its row is made by its first save
            assert instance is not None, label
        if instance is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[instance.pk])
            assert staff_client.get(change).status_code == HTTPStatus.OK, change


@pytest.mark.parametrize(
    "query",
    [
        "visibility=live",
        "visibility=scheduled",
        "visibility=draft",
        "review=overdue",
        "review=never",
        "q=spine",
    ],
)
def test_article_changelist_filters_open(staff_client, query):
    make_article(title="Spine study")
    url = reverse("admin:articles_article_changelist") + "?" + query
    assert staff_client.get(url).status_code == HTTPStatus.OK


def test_an_author_name_finds_their_articles_in_the_list(staff_client):
    """Staff look for everything one person wrote (they left, or a correction concerns
    all their articles); an article by two people is listed once."""
    maya, ana = make_author(name="Maya Lindqvist"), make_author(name="Ana Ruiz")
    make_article(title="Sleep and memory", authors=[maya, ana])
    make_article(title="Breathing slowly", authors=[ana])
    url = reverse("admin:articles_article_changelist")
    response = staff_client.get(url, {"q": "lindqvist"})
    assert response.context["cl"].result_count == 1
    assertContains(response, "Sleep and memory")
    assertNotContains(response, "Breathing slowly")
    assert staff_client.get(url, {"q": "Ana Ruiz"}).context["cl"].result_count == 2


def article_form(**overrides):
    data = {
        "title": "A new study",
        "slug": "a-new-study",
        "standfirst": "",
        "body": "<p>Body text.</p>",
        "excerpt": "",
        "status": "published",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "10:00:00",
        "comments_enabled": "on",
        "cover_alt": "",
        "cover_caption": "",
        "cover_credit": "",
        "last_reviewed": "",
        "next_review_due": "",
    }
    for prefix in ["author_credits", "sources", "updates"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | overrides


def test_staff_create_an_article_with_a_cover(staff_client):
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(cover_image=image_file("cover.jpg", image_format="JPEG"), cover_alt="Neurons"),
    )
    assert response.status_code == HTTPStatus.FOUND
    article = Article.objects.get(slug="a-new-study")
    assert article.cover_image
    assert staff_client.get(article.get_absolute_url()).status_code == HTTPStatus.OK


def test_a_text_too_long_says_how_long_it_may_be_in_plain_words(staff_client):
    """A pasted standfirst or alt text past its limit comes back with its length and the
    limit, not Django's "Ensure this value has at most 300 characters"."""
    response = staff_client.post(
        reverse("admin:articles_article_add"), article_form(standfirst="s" * 301)
    )
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Please shorten this to 300 characters or fewer (it has 301).")
    assertNotContains(response, "Ensure this value")


def test_every_staff_form_words_a_text_too_long_plainly(staff_client, rf):
    """Every text field of every admin form and inline row, in every app."""
    request = rf.get("/")
    request.user = staff_client.user
    for model_admin in admin.site._registry.values():
        if model_admin.opts.app_label not in ("articles", "programs", "comments"):
            continue
        forms = [model_admin.get_form(request)] + [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form in forms:
            for name, field in form.base_fields.items():
                if isinstance(field, django_forms.CharField) and field.max_length:
                    assert field.error_messages.get("max_length") == LENGTH_MESSAGE, (form, name)


def opened_version(response):
    return re.search(r'name="opened_version" value="([^"]+)"', response.content.decode())[1]


def two_editors_open_one_article(staff_client, django_user_model):
    """A new article, opened for editing by `staff_client` and by Maya: the article, its
    change page, Maya's client and the version each of them opened."""
    staff_client.post(reverse("admin:articles_article_add"), article_form())
    article = Article.objects.get(slug="a-new-study")
    change = reverse("admin:articles_article_change", args=[article.pk])
    maya = Client()
    maya.force_login(
        django_user_model.objects.create_superuser(
            "maya", "maya@example.com", "pw", first_name="Maya", last_name="Lindqvist"
        )
    )
    return (
        article,
        change,
        maya,
        opened_version(staff_client.get(change)),
        opened_version(maya.get(change)),
    )


def test_an_editor_saving_after_someone_else_does_not_undo_their_work(
    staff_client, django_user_model
):
    """Two editors on one article: the second save wrote its whole form over the first,
    and both were told "changed successfully"."""
    article, change, maya, opened_by_editor, opened_by_maya = two_editors_open_one_article(
        staff_client, django_user_model
    )

    saved = maya.post(
        change, article_form(body="<p>Maya's new paragraph.</p>", opened_version=opened_by_maya)
    )
    assert saved.status_code == HTTPStatus.FOUND
    refused = staff_client.post(
        change, article_form(standfirst="A better standfirst.", opened_version=opened_by_editor)
    )
    assert refused.status_code == HTTPStatus.OK
    content = html.unescape(refused.content.decode())
    assert "Maya Lindqvist saved this article at" in content
    assert "saving now would undo their changes" in content
    assert 'value="A better standfirst."' in content
    article.refresh_from_db()
    assert (article.body, article.standfirst) == ("<p>Maya's new paragraph.</p>", "")

    # Told what it does, the editor saves again: their version stands.
    again = staff_client.post(
        change,
        article_form(standfirst="A better standfirst.", opened_version=opened_version(refused)),
    )
    assert again.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.standfirst == "A better standfirst."


def test_two_editors_saving_at_the_same_moment_do_not_undo_each_others_work(
    staff_client, django_user_model, monkeypatch
):
    """Both pressed Save at once, on two app servers sharing PostgreSQL: the editor's
    request had read the article before Maya's save committed, and both were told
    "changed successfully" while the editor's form undid Maya's paragraph."""
    article, change, maya, opened_by_editor, opened_by_maya = two_editors_open_one_article(
        staff_client, django_user_model
    )

    # Maya's save lands just after the editor's request has read the article.
    article_admin = admin.site._registry[Article]
    read_article = article_admin.get_object
    maya_saves = []

    def read_then_maya_saves(request, object_id, from_field=None):
        found = read_article(request, object_id, from_field)
        if request.method == "POST" and request.user == staff_client.user and not maya_saves:
            body = "<p>Maya's new paragraph.</p>"
            maya_saves.append(
                maya.post(change, article_form(body=body, opened_version=opened_by_maya))
            )
        return found

    monkeypatch.setattr(article_admin, "get_object", read_then_maya_saves)
    refused = staff_client.post(
        change, article_form(standfirst="A better standfirst.", opened_version=opened_by_editor)
    )
    assert maya_saves[0].status_code == HTTPStatus.FOUND
    assert refused.status_code == HTTPStatus.OK
    assert "Maya Lindqvist saved this article at" in html.unescape(refused.content.decode())
    article.refresh_from_db()
    assert (article.body, article.standfirst) == ("<p>Maya's new paragraph.</p>", "")


def test_staff_edit_an_article_and_an_author_that_have_images(staff_client):
    """Saving again without a new upload keeps the stored image (it was checked when it
    was uploaded) and saves the other changes."""
    staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(cover_image=image_file("cover.jpg", image_format="JPEG"), cover_alt="x"),
    )
    article = Article.objects.get(slug="a-new-study")
    response = staff_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(title="A corrected title", cover_alt="x"),
    )
    assert response.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert (article.title, article.cover_width) == ("A corrected title", 40)

    author = make_author()
    author.photo.save("maya.png", image_file(size=(60, 50)))
    response = staff_client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": "Dr. Maya L.", "slug": author.slug, "credentials": "", "bio": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    author.refresh_from_db()
    assert (author.name, author.photo_width) == ("Dr. Maya L.", 60)


def test_an_author_added_under_a_name_already_used_is_saved_with_a_warning(staff_client):
    existing = make_author(name="Maya Lindqvist")
    response = staff_client.post(
        reverse("admin:articles_author_add"),
        {"name": "maya lindqvist", "slug": "maya-lindqvist-2", "credentials": "", "bio": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "Another author is already called “Maya Lindqvist”" in html
    assert reverse("admin:articles_author_change", args=[existing.pk]) in html
    assert Author.objects.filter(slug="maya-lindqvist-2").exists()

    # Saved again without a change of name, or under a name no one else has: no warning.
    second = Author.objects.get(slug="maya-lindqvist-2")
    change_url = reverse("admin:articles_author_change", args=[second.pk])
    for name in ["maya lindqvist", "Maya Lindqvist-Berg"]:
        form = {"name": name, "slug": second.slug, "credentials": "PhD", "bio": ""}
        html = staff_client.post(change_url, form, follow=True).content.decode()
        assert "Another author is already called" not in html


def test_view_on_site_is_offered_only_for_an_author_readers_can_see(staff_client):
    """Someone credited on drafts alone has no public page yet: no link to a 404."""
    author = make_author(name="Maya Lindqvist")
    make_draft(authors=[author])
    change_page = reverse("admin:articles_author_change", args=[author.pk])
    assert "View on site" not in staff_client.get(change_page).content.decode()

    make_article(authors=[author])
    html = staff_client.get(change_page).content.decode()
    assert "View on site" in html
    link = re.search(r'href="([^"]+)" class="viewsitelink"', html).group(1)
    page = staff_client.get(link, follow=True)
    assert page.status_code == HTTPStatus.OK
    assert "Maya Lindqvist" in page.content.decode()


def post_article_expecting_error(staff_client, **overrides):
    response = staff_client.post(reverse("admin:articles_article_add"), article_form(**overrides))
    assert response.status_code == HTTPStatus.OK
    assert not Article.objects.filter(title="A new study").exists()
    return response.content.decode()


def test_a_date_in_numeric_day_month_order_is_asked_again_not_misread(staff_client):
    """01/12/2026 is 1 December to most of the world and 12 January in the US: rather
    than schedule an article six weeks off, the form asks for an unambiguous date."""
    html = post_article_expecting_error(staff_client, publish_at_0="01/12/2026")
    assert DATE_ASKED_AGAIN in html
    assert 'value="01/12/2026"' in html

    for typed in ["2026-12-01", "1 Dec 2026", "December 1, 2026"]:
        Article.objects.filter(slug="a-new-study").delete()
        response = staff_client.post(
            reverse("admin:articles_article_add"), article_form(publish_at_0=typed)
        )
        assert response.status_code == HTTPStatus.FOUND, typed
        saved = timezone.localtime(Article.objects.get(slug="a-new-study").publish_at)
        assert (saved.month, saved.day) == (12, 1), typed


DATE_ASKED_AGAIN = (
    "Enter the date as 2026-12-01 or 1 Dec 2026, or pick it from the calendar "
    "(not as 01/12/2026, which is a different day in the US than elsewhere)."
)


def test_every_date_and_time_staff_type_wrong_says_how_to_write_it(staff_client):
    """Staff who type a date or time the form cannot read are shown the forms it
    takes, not a bare "Enter a valid date.", and what they typed stays in the field."""
    page = post_article_expecting_error(
        staff_client,
        publish_at_1="2:30 pm",
        last_reviewed="next Tuesday",
        **{"updates-TOTAL_FORMS": "1", "updates-0-date": "31/04/2026", "updates-0-note": "Fixed."},
    )
    assert "Enter the time on the 24-hour clock, as 14:30, or pick it from the clock." in page
    assert page.count(DATE_ASKED_AGAIN) == 2
    assert "Enter a valid" not in page
    for typed in ["2:30 pm", "next Tuesday", "31/04/2026"]:
        assert f'value="{typed}"' in page


def test_an_update_note_dated_before_the_article_appeared_is_asked_again(staff_client):
    """Readers would see "Updated 5 January 2025" on an article that appeared in 2026."""
    html = post_article_expecting_error(
        staff_client,
        **{"updates-TOTAL_FORMS": "1", "updates-0-date": "2025-01-05", "updates-0-note": "Fixed."},
    )
    assert "The article appears on 1 January 2026: an update cannot be dated before it." in html
    assert 'value="Fixed."' in html

    response = staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            **{
                "updates-TOTAL_FORMS": "1",
                "updates-0-date": "2026-01-01",
                "updates-0-note": "Fixed.",
            }
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Article.objects.get(slug="a-new-study").updates.get().note == "Fixed."


def test_an_update_note_dated_in_the_future_is_asked_again(staff_client):
    """ "Updated 27 November 2062" is a slip of the year; a note for an article still to
    appear may carry its publication day."""
    html = post_article_expecting_error(
        staff_client,
        **{"updates-TOTAL_FORMS": "1", "updates-0-date": "2062-11-27", "updates-0-note": "Fixed."},
    )
    assert "27 November 2062 is still to come: an update is dated the day it was made." in html
    assert 'value="Fixed."' in html

    today = timezone.localdate()
    appears = today + datetime.timedelta(days=7)
    for appeared, note_date, slug in [
        ("2026-01-01", today, "updated-today"),
        (appears, appears, "updated-as-it-appears"),
    ]:
        response = staff_client.post(
            reverse("admin:articles_article_add"),
            article_form(
                slug=slug,
                publish_at_0=str(appeared),
                **{
                    "updates-TOTAL_FORMS": "1",
                    "updates-0-date": note_date.isoformat(),
                    "updates-0-note": "Fixed.",
                },
            ),
        )
        assert response.status_code == HTTPStatus.FOUND
        assert Article.objects.get(slug=slug).updates.get().date == note_date


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01", "0001 is before the site's first possible article (1990): check the year."),
        ("2062-11-27", "27 Nov 2062 is more than a year away, and the article would stay hidden"),
    ],
)
def test_a_publication_date_with_a_slip_of_the_year_is_asked_again(staff_client, typed, message):
    """Saved, 0001 would be shown to readers as the date and 2062 would hide the article
    for decades."""
    page = html.unescape(post_article_expecting_error(staff_client, publish_at_0=typed))
    assert message in page
    assert f'value="{typed}"' in page


def change_form_keeping_the_date(article, **overrides):
    """The change form as staff send it when they leave "publish at" as it was."""
    moment = timezone.localtime(article.publish_at)
    when = {"publish_at_0": f"{moment:%Y-%m-%d}", "publish_at_1": f"{moment:%H:%M:%S}"}
    initial = {f"initial-{name}": value for name, value in when.items()}
    return article_form(title=article.title, slug=article.slug, **when, **initial) | overrides


def test_publishing_an_old_draft_dates_it_now(staff_client):
    """Begun ten days ago, published today: it is today's article, first in the lists."""
    draft = make_draft(publish_at=timezone.now() - datetime.timedelta(days=10))
    make_article(publish_at=timezone.now() - datetime.timedelta(days=1))
    response = staff_client.post(
        reverse("admin:articles_article_change", args=[draft.pk]),
        change_form_keeping_the_date(draft, status="published"),
        follow=True,
    )
    assert "Published now, dated" in response.content.decode()
    assert "On the site: Live." in response.content.decode()
    draft.refresh_from_db()
    assert timezone.now() - draft.publish_at < datetime.timedelta(minutes=1)
    assert Article.objects.published().first() == draft


def test_an_article_taken_down_and_published_again_keeps_its_date(staff_client):
    """Pulled for a correction and put back, it is the same article readers saw."""
    article = make_article(publish_at=timezone.now() - datetime.timedelta(days=400))
    change = reverse("admin:articles_article_change", args=[article.pk])
    staff_client.post(change, change_form_keeping_the_date(article, status="draft"))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    staff_client.post(change, change_form_keeping_the_date(article, status="published"))
    article.refresh_from_db()
    assert article.is_published
    assert timezone.now() - article.publish_at > datetime.timedelta(days=399)


def test_a_date_staff_choose_when_publishing_is_kept(staff_client):
    """An article that first appeared elsewhere, say, is published under its own date."""
    draft = make_draft()
    response = staff_client.post(
        reverse("admin:articles_article_change", args=[draft.pk]),
        article_form(title=draft.title, slug=draft.slug, publish_at_0="2025-03-01"),
    )
    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert timezone.localtime(draft.publish_at).date() == datetime.date(2025, 3, 1)


def test_duplicate_slug_is_a_form_error(staff_client):
    make_article(slug="a-new-study")
    content = post_article_expecting_error(staff_client)
    assert "Another article already has this web address: add a word or the year" in content
    assert "Slug already exists" not in content


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("Sleep Memory 2025", "sleep-memory-2025"), ("Psilocybin-Spines", "psilocybin-spines")],
)
def test_a_web_address_typed_as_words_is_answered_with_one_to_use(staff_client, typed, suggested):
    """Staff who type a title-like address are shown the address to use, not Django's
    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'"""
    content = html.unescape(post_article_expecting_error(staff_client, slug=typed))
    assert f"Use lower-case letters, numbers and hyphens only, such as “{suggested}”." in content
    assert "valid “slug”" not in content
    assert f'value="{typed}"' in content


def test_cover_without_alt_text_is_a_form_error(staff_client):
    content = post_article_expecting_error(staff_client, cover_image=image_file("neurons.png"))
    assert "A cover image needs alt text." in content
    # The browser forgets the chosen file: staff are asked to choose it again.
    assert "Please choose neurons.png again before saving" in content
    # Nothing was stored, so no preview points at a picture that is not there.
    assert "renditions/neurons" not in content


def test_the_article_list_shows_small_copies_of_covers(staff_client):
    article = make_article(cover_alt="x")
    article.cover_image.save("big.png", image_file(size=(2000, 1000)))
    listing = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    thumbnail = re.search(r'<img src="([^"]+)"[^>]*class="admin-thumbnail"', listing).group(1)
    assert thumbnail.endswith("-480w.jpg")
    assert 'loading="lazy"' in listing


def test_upload_that_is_not_an_image_is_refused(staff_client):
    fake = SimpleUploadedFile("cover.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    content = post_article_expecting_error(staff_client, cover_image=fake, cover_alt="x")
    assert "Upload a valid image" in content or "not an image" in content


def test_svg_upload_is_refused(staff_client):
    svg = SimpleUploadedFile(
        "cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
    )
    content = post_article_expecting_error(staff_client, cover_image=svg, cover_alt="x")
    assert "Upload a valid image" in content or "not an image" in content


def test_image_over_10_mb_is_refused(staff_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 2_000  # the same check, with a smaller file
    big = image_file(size=(400, 400), image_format="BMP")
    content = post_article_expecting_error(staff_client, cover_image=big, cover_alt="x")
    assert "the largest accepted is" in content


def test_image_over_40_megapixels_is_refused(staff_client):
    buffer = io.BytesIO()
    # 8,000 x 6,000 = 48 megapixels; a one-colour PNG stays small on disk.
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")
    huge = SimpleUploadedFile("huge.png", buffer.getvalue(), content_type="image/png")
    content = post_article_expecting_error(staff_client, cover_image=huge, cover_alt="x")
    assert "This image has 48 megapixels; the most accepted is 40." in content
    # What to do about it, in the image's own shape.
    assert "Make it smaller first, to 7,302 by 5,477 pixels or less" in content


def test_hostile_body_from_the_admin_is_stored_clean(staff_client):
    staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(body='<p onmouseover="x()">Hi<script>alert(1)</script></p>'),
    )
    body = Article.objects.get(slug="a-new-study").body
    assert "script" not in body and "onmouseover" not in body


def test_staff_who_may_only_view_settings_read_them_and_change_nothing(client, django_user_model):
    """The comment notes and publication settings have one row: the admin's link opens
    it (its defaults before anyone saved it), read-only for those who may only view."""
    viewer = django_user_model.objects.create_user("viewer", password="x" * 14, is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_commentsettings"),
        Permission.objects.get(codename="view_publication"),
    )
    client.force_login(viewer)
    for model in ["comments_commentsettings", "articles_publication"]:
        response = client.get(reverse(f"admin:{model}_changelist"), follow=True)
        assert response.status_code == HTTPStatus.OK
        assert response.redirect_chain[-1][0] == reverse(f"admin:{model}_change", args=[1])
        response = client.post(reverse(f"admin:{model}_add"), {"moderation_notice": "Mine"})
        assert response.status_code == HTTPStatus.FORBIDDEN
        change = reverse(f"admin:{model}_change", args=[1])
        assert client.post(change, {"moderation_notice": "Mine"}).status_code == 403
    assert (
        client.get(reverse("admin:comments_commentsettings_change", args=[1]))
        .context["original"]
        .moderation_notice.startswith("Comments are moderated")
    )
    assert not CommentSettings.objects.exists()


def test_a_moderator_edits_the_comment_notes_on_a_new_site(client, django_user_model):
    """Nobody has saved the notes yet, and the role may change them, not add them."""
    client.force_login(role_member(django_user_model, "Moderators"))
    response = client.get(reverse("admin:comments_commentsettings_changelist"), follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "Suicide &amp; Crisis Lifeline" in response.content.decode()
    response = client.post(
        reverse("admin:comments_commentsettings_change", args=[1]),
        {"moderation_notice": "Be kind.", "crisis_resources": "Call 116 123."},
    )
    assert response.status_code == HTTPStatus.FOUND
    notes = CommentSettings.load()
    assert (notes.pk, notes.moderation_notice) == (1, "Be kind.")
    assert client.get(reverse("admin:comments_commentsettings_change", args=[2])).status_code in (
        HTTPStatus.FOUND,
        HTTPStatus.NOT_FOUND,
    )


def source_form(**fields):
    return {
        "sources-TOTAL_FORMS": "1",
        "sources-0-position": "0",
        "sources-0-title": "A study",
        "sources-0-publisher": "A journal",
        "sources-0-study_type": "human",
        **{f"sources-0-{name}": value for name, value in fields.items()},
    }


NEURON_DOI = "10.1016/j.neuron.2021.06.008"
SICI_DOI = "10.1002/(SICI)1097-4679(199911)55:11<1401::AID-JCLP9>3.0.CO;2-#"


@pytest.mark.parametrize(
    ("doi", "pubmed_id", "stored"),
    [
        (f"https://doi.org/{NEURON_DOI}", "PMID: 34228959", NEURON_DOI),
        (f"doi:{SICI_DOI}", "34228959", SICI_DOI),
        # Copied from the browser's address bar, as the DOI link already could be.
        (NEURON_DOI, "https://pubmed.ncbi.nlm.nih.gov/34228959/", NEURON_DOI),
        (NEURON_DOI, "pubmed.ncbi.nlm.nih.gov/34228959/?otool=x", NEURON_DOI),
        (NEURON_DOI, "https://www.ncbi.nlm.nih.gov/pubmed/34228959", NEURON_DOI),
    ],
)
def test_staff_paste_dois_and_pubmed_ids_as_journals_print_them(
    staff_client, client, doi, pubmed_id, stored
):
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(**source_form(doi=doi, pubmed_id=pubmed_id)),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-2000:]
    source = Article.objects.get(slug="a-new-study").sources.get()
    assert (source.doi, source.pubmed_id) == (stored, "34228959")

    page = client.get(source.article.get_absolute_url()).content.decode()
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/34228959/"' in page
    link = re.search(r'href="(https://doi\.org/[^"]+)"', page).group(1)
    assert "#" not in link and "<" not in link
    assert unquote(link.removeprefix("https://doi.org/").replace("&amp;", "&")) == stored


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "not a doi", "A DOI starts with"),
        ("pubmed_id", "PMC123", "A PubMed ID is a number"),
        (
            "url",
            "nature article about spines",
            "Enter the page's whole address, as the browser shows it: "
            "https://www.nature.com/articles/…",
        ),
    ],
)
def test_a_source_identifier_that_leads_nowhere_is_a_form_error(
    staff_client, field, value, message
):
    response = staff_client.post(
        reverse("admin:articles_article_add"), article_form(**source_form(**{field: value}))
    )
    assert response.status_code == HTTPStatus.OK
    assert message in html.unescape(response.content.decode())
    assert "Enter a valid URL." not in response.content.decode()
    assert not Article.objects.exists()


def test_a_source_saved_before_the_identifier_checks_never_blocks_its_article(staff_client):
    """Only values staff change are checked: fixing a title must not wait on a source
    nobody touched."""
    article = make_article(slug="older-article")
    source = article.sources.create(
        title="Old source", publisher="A journal", study_type="human", pubmed_id="PMC1234567"
    )
    data = article_form(
        title="A corrected title",
        slug="older-article",
        **source_form(id=str(source.pk), article=str(article.pk), pubmed_id="PMC1234567"),
    )
    data["sources-INITIAL_FORMS"] = "1"
    response = staff_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-2000:]
    article.refresh_from_db()
    assert article.title == "A corrected title"


def role_member(django_user_model, role):
    user = django_user_model.objects.create_user(role.lower(), password="x" * 14, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_an_editor_given_the_editors_role_can_write_and_publish(client, django_user_model):
    """Staff get their job by ticking one group, not seventy permissions."""
    client.force_login(role_member(django_user_model, "Editors"))
    response = client.post(reverse("admin:articles_article_add"), article_form())
    assert response.status_code == HTTPStatus.FOUND
    assert Article.objects.get(slug="a-new-study").is_published
    assert client.get(reverse("admin:programs_program_add")).status_code == HTTPStatus.OK
    assert client.get(reverse("admin:auth_user_changelist")).status_code == HTTPStatus.FORBIDDEN
    comment = make_comment(make_article(), status="pending")
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    assert client.post(change, {"status": "approved"}).status_code == HTTPStatus.FORBIDDEN


def test_a_moderator_given_the_moderators_role_can_approve_comments(client, django_user_model):
    client.force_login(role_member(django_user_model, "Moderators"))
    comment = make_comment(make_article(), status="pending", approved_at=None)
    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert client.get(reverse("admin:articles_article_add")).status_code == HTTPStatus.FORBIDDEN


def test_view_on_site_shows_a_drafts_address_only_to_staff_who_may_see_articles(
    client, django_user_model
):
    """The admin's "View on site" address leads to a row's public page; a Moderator, who
    may not open articles in the admin, learns no draft's or scheduled article's address
    through it, and still goes from a comment to its place on the page."""
    draft = make_draft(slug="embargoed-trial-results")
    comment = make_comment(make_article(slug="live-one"))
    view_on_site = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, draft.pk]
    )
    client.force_login(role_member(django_user_model, "Moderators"))
    response = client.get(view_on_site)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "embargoed-trial-results" not in response.get("Location", "")
    comment_on_site = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(comment).pk, comment.pk]
    )
    assert client.get(comment_on_site)["Location"].endswith(f"/live-one/#comment-{comment.pk}")

    client.force_login(role_member(django_user_model, "Editors"))
    assert client.get(view_on_site)["Location"].endswith("/articles/embargoed-trial-results/")


def _arabic_indic(number):
    return quote("".join(chr(0x660 + int(digit)) for digit in str(number)))


@pytest.mark.parametrize(
    "written",
    [lambda pk: f"+{pk}", lambda pk: f"%20{pk}", lambda pk: f"{pk}%20", _arabic_indic],
    ids=["plus sign", "space before", "space after", "Arabic-Indic digits"],
)
def test_view_on_site_written_otherwise_shows_no_drafts_address_either(
    client, django_user_model, written
):
    """The database takes "+6", " 6" or an Arabic-Indic "٦" for content type 6: such an
    address must not slip past the permission check to Django's own redirect."""
    draft = make_draft(slug="embargoed-trial-results")
    content_type = ContentType.objects.get_for_model(Article).pk
    client.force_login(role_member(django_user_model, "Moderators"))

    response = client.get(f"/admin/r/{written(content_type)}/{draft.pk}/")

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert "embargoed-trial-results" not in response.get("Location", "")


def test_an_editor_can_delete_an_article_that_has_comments(client, django_user_model):
    """Its comments go with it, so the role may delete comments too."""
    client.force_login(role_member(django_user_model, "Editors"))
    article = make_article()
    make_comment(article)
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Article.objects.filter(pk=article.pk).exists()


def test_roles_staff_changed_or_deleted_are_left_alone_by_the_next_migrate():
    from django.core.management import call_command

    Group.objects.get(name="Editors").permissions.clear()
    Group.objects.get(name="Moderators").delete()
    call_command("migrate", verbosity=0)
    assert not Group.objects.get(name="Editors").permissions.exists()
    assert not Group.objects.filter(name="Moderators").exists()


def test_an_image_saved_from_a_pop_up_asks_for_nothing_again(staff_client):
    """ "+ Add author" from the article form: saved at once, nothing to choose again."""
    staff_client.post(
        reverse("admin:articles_author_add") + "?_popup=1",
        {"name": "Ann", "slug": "ann", "photo": image_file("ann.png"), "_popup": "1"},
    )
    assert Author.objects.get(slug="ann").photo
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "choose ann.png again" not in page


def test_every_problem_with_an_article_is_named_at_the_first_save(staff_client):
    """Named one per save, each problem cost staff another round of choosing the cover
    file again."""
    content = html.unescape(
        post_article_expecting_error(
            staff_client,
            cover_image=image_file("neurons.png"),
            last_reviewed="2026-03-02",
            body='<p><a href="doi.org/10.1056/x">study</a></p>',
        )
    )
    assert "A cover image needs alt text." in content
    assert "Choose who reviewed the article" in content
    assert "Add https:// to the start of “doi.org/10.1056/x”" in content


def test_deleting_an_article_does_not_seem_to_delete_its_authors(staff_client):
    article = make_article()
    credit = article.author_credits.create(author=make_author(name="Maya Lindqvist"))
    page = staff_client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    summary = page.content.decode()
    assert "Byline credit: " in summary or "Byline credits: 1" in summary
    assert "Author: " not in summary
    assert credit.author.pk


def test_a_reviewer_and_the_review_date_go_together(staff_client):
    """The page names the reviewer only with the date: neither is dropped unseen."""
    reviewer = make_author()
    add = reverse("admin:articles_article_add")
    without_date = html.unescape(
        staff_client.post(add, article_form(reviewed_by=reviewer.pk)).content.decode()
    )
    assert "Enter the date of the review" in without_date
    without_reviewer = html.unescape(
        staff_client.post(add, article_form(last_reviewed="2026-03-02")).content.decode()
    )
    assert "Choose who reviewed the article" in without_reviewer
    response = staff_client.post(
        add, article_form(reviewed_by=reviewer.pk, last_reviewed="2026-03-02")
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Article.objects.get().reviewed_by == reviewer


def test_an_author_who_reviewed_or_wrote_articles_is_kept_until_they_are_changed(staff_client):
    """Deleting a medical reviewer would drop "Reviewed by" from live articles unseen:
    the delete page refuses and names each article that still needs them, and the
    article form offers no delete button beside its reviewer."""
    reviewer = make_author(name="Rita Reviewer")
    writer = make_author(name="Maya Lindqvist")
    reviewed = make_article(
        title="Spines after one dose", reviewed_by=reviewer, last_reviewed=datetime.date(2026, 3, 2)
    )
    written = make_article(title="Sleep and memory")
    written.author_credits.create(author=writer)

    for author, article in [(reviewer, reviewed), (writer, written)]:
        url = reverse("admin:articles_author_delete", args=[author.pk])
        page = html.unescape(staff_client.get(url).content.decode())
        assert f"“{author}” cannot be deleted while these refer to it" in page
        assert article.title in page
        assert "would require deleting" not in page
        staff_client.post(url, {"post": "yes"})
        assert Author.objects.filter(pk=author.pk).exists()
    assert "Byline credit: Maya Lindqvist in the byline of “Sleep and memory”" in page
    reviewed.refresh_from_db()
    assert reviewed.reviewed_by == reviewer

    form = staff_client.get(reverse("admin:articles_article_change", args=[reviewed.pk]))
    assert 'id="change_id_reviewed_by"' in form.content.decode()
    assert 'id="delete_id_reviewed_by"' not in form.content.decode()


def test_a_byline_row_offers_no_button_that_deletes_its_author(staff_client):
    """Beside a byline's author, Django's ✖ reads as "take them off this article" but
    deletes the author (one just added has no other article to protect them): the row's
    own "Delete?" box takes them off, and the author can still be changed or edited."""
    article = make_article()
    article.author_credits.create(author=make_author(name="Maya Lindqvist"))
    response = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(response, 'id="change_id_author_credits-0-author"')
    assertNotContains(response, 'id="delete_id_author_credits-0-author"')
    # Nor in the blank row that "Add another Author" copies.
    assertNotContains(response, 'id="delete_id_author_credits-__prefix__-author"')


def test_the_article_form_names_its_time_zone_and_explains_the_web_address(staff_client, settings):
    settings.TIME_ZONE = "America/New_York"
    page = staff_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "Times are in the site's time zone, America/New_York." in page
    assert "Web address (slug)" in page
    assert "the old address keeps working" in page
    scheduled = make_article(publish_at=timezone.now() + datetime.timedelta(days=2))
    listing = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert re.search(r"Scheduled for \d+ \w+ \d{4} \d\d:\d\d E[SD]T", listing), scheduled


def test_the_session_check_tells_an_editors_page_whether_a_save_can_land(staff_client):
    """What admin-keepalive.js asks before a save: signed in, with the form token to send."""
    url = reverse("staff_session")
    answer = staff_client.get(url)
    assert answer.json()["signed_in"] is True
    assert len(answer.json()["csrf_token"]) == 64
    assert "no-cache" in answer["Cache-Control"]
    staff_client.logout()
    assert staff_client.get(url).json() == {"signed_in": False}


def test_a_topic_that_differs_only_in_letter_case_is_refused(staff_client):
    """It would be one topic twice in every picker, its articles split between two pages."""
    make_topic(name="Microdosing", slug="microdosing")
    response = staff_client.post(
        reverse("admin:articles_topic_add"),
        {"name": "microdosing", "slug": "microdosing-2", "description": ""},
    )
    assert response.status_code == HTTPStatus.OK
    assert "There is a topic “Microdosing” already." in response.content.decode()
    assert Topic.objects.count() == 1
    make_topic(name="Ärzte", slug="aerzte")
    response = staff_client.post(
        reverse("admin:articles_topic_add"),
        {"name": "ärzte", "slug": "aerzte-2", "description": ""},
    )
    assert "There is a topic “Ärzte” already." in response.content.decode()
    Topic.objects.filter(slug="aerzte").delete()
    # Renaming a topic in its own letters is no duplicate.
    topic = Topic.objects.get()
    response = staff_client.post(
        reverse("admin:articles_topic_change", args=[topic.pk]),
        {"name": "MicroDosing", "slug": "microdosing", "description": ""},
    )
    assert response.status_code == HTTPStatus.FOUND


def _deleted_items(response):
    """The confirmation page's summary and list of what a deletion takes with it, as
    staff read them."""
    listing = re.search(r"<h2>Summary</h2>(.*?)</form>", response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(listing.group(1))).split())


def test_delete_pages_name_the_links_they_remove_in_plain_words(staff_client):
    """Deleting an article, topic, author or program lists the tags, picks and credits
    that go with it by what they join, not as "Article_topics object (1)"."""
    topic = make_topic(name="Neuroplasticity")
    author = make_author(name="Ana Ruiz")
    other = make_article(title="Sleep and memory")
    article = make_article(title="Spines after one dose", topics=[topic])
    article.related_picks.set([other])
    program = make_program(title="Mindful Integration", topics=[topic], instructors=[author])

    def confirmation(model, obj):
        response = staff_client.get(reverse(f"admin:{model}_delete", args=[obj.pk]))
        assert response.status_code == HTTPStatus.OK
        return _deleted_items(response)

    on_article = confirmation("articles_article", article)
    assert "Article topic: “Spines after one dose” under Neuroplasticity" in on_article
    assert "Related-article pick: “Sleep and memory” shown with “Spines after one dose”" in (
        on_article
    )
    on_topic = confirmation("articles_topic", topic)
    assert "Article topic: “Spines after one dose” under Neuroplasticity" in on_topic
    assert "Program topic: “Mindful Integration” under Neuroplasticity" in on_topic
    on_author = confirmation("articles_author", author)
    assert "Program instructor: Ana Ruiz teaching “Mindful Integration”" in on_author
    for page in (on_article, on_topic, on_author, confirmation("programs_program", program)):
        assert "object (" not in page
        assert "relationship" not in page


def test_delete_pages_take_the_same_queries_for_twice_as_many_articles(
    staff_client, django_assert_max_num_queries
):
    """A topic's or author's delete page named each article under it or in its byline
    with a query of its own: hundreds on a large site."""
    topic = make_topic(name="Neuroplasticity")
    author = make_author(name="Ana Ruiz")
    picked = make_article(title="Picked by all")

    def add_articles(count):
        for _ in range(count):
            article = make_article(topics=[topic], authors=[author])
            article.related_picks.set([picked])

    def pages():
        return {
            url: staff_client.get(url)
            for url in (
                reverse("admin:articles_topic_delete", args=[topic.pk]),
                reverse("admin:articles_author_delete", args=[author.pk]),
                reverse("admin:articles_article_delete", args=[picked.pk]),
            )
        }

    add_articles(2)
    with CaptureQueriesContext(connection) as first:
        pages()
    few = len(first)  # read now: the next request empties the connection's query log

    add_articles(4)
    with django_assert_max_num_queries(few):
        responses = pages()
    on_topic, on_author, on_article = (
        html.unescape(response.content.decode()) for response in responses.values()
    )
    assert on_topic.count("” under Neuroplasticity") == 6
    assert on_author.count("Ana Ruiz in the byline of") == 6
    assert on_article.count("” shown with “") == 6


def test_the_admin_carries_the_publication_name_not_djangos(staff_client):
    """Staff sign in to their publication's admin, named as they name it in the
    publication settings, not to "Django administration"."""
    Publication.objects.update_or_create(pk=1, defaults={"site_name": "Mind & Body Review"})
    for page in (
        Client().get(reverse("admin:login")),
        staff_client.get(reverse("admin:index")),
        staff_client.get(reverse("admin:articles_article_changelist")),
    ):
        text = page.content.decode()
        assert "Mind &amp; Body Review" in text
        assert "| Mind &amp; Body Review admin</title>" in text
        assert "Django" not in text.split("<body")[1].split('id="content"')[0]
        assert "Django site admin" not in text


def test_the_article_list_fits_a_laptop_screen(staff_client):
    """Django keeps dates on one line: its long ones pushed the review and the last
    change off a 1366-pixel screen. Dates here are short and wrap."""
    make_article(title="Spines after one dose", publish_at=timezone.now())
    listing = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    results = listing.split('id="result_list"')[1]
    assert "nowrap" not in results
    moment = timezone.localtime(Article.objects.get().publish_at)
    assert f"{moment.day} {moment:%b %Y, %H:%M}" in results
    for column in ("visibility", "publication_date", "review_state", "last_edited"):
        assert f"column-{column}" in results


def test_an_author_twice_in_a_byline_is_named_in_plain_words(staff_client):
    """Not "Please correct the duplicate data for author."."""
    author = make_author(name="Maya Lindqvist")
    rows = {
        "author_credits-TOTAL_FORMS": "2",
        "author_credits-0-author": author.pk,
        "author_credits-0-position": "0",
        "author_credits-1-author": author.pk,
        "author_credits-1-position": "1",
    }
    page = html.unescape(post_article_expecting_error(staff_client, **rows))
    assert "Maya Lindqvist, PhD is in the byline twice: remove one of the two rows." in page
    assert "duplicate data" not in page


def test_a_cover_too_small_to_stay_sharp_is_saved_with_a_warning(staff_client):
    """A 1-pixel cover showed as a large coloured block: staff are told at once."""
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(cover_image=image_file("dot.png", size=(1, 1)), cover_alt="A dot"),
        follow=True,
    )
    page = html.unescape(response.content.decode())
    assert "The cover image is only 1 pixel wide, so pages will show it blurred: one at " in page
    assert "least 1,200 pixels wide stays sharp." in page
    assert Article.objects.get().cover_width == 1

    sharp = staff_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            slug="a-sharp-one", cover_image=image_file("wide.png", size=(1600, 900)), cover_alt="x"
        ),
        follow=True,
    )
    assert "pages will show it blurred" not in sharp.content.decode()


@pytest.mark.parametrize("published_at_utc", [0, 1], ids=["first 01:30", "second 01:30"])
def test_an_article_published_in_the_hour_the_clocks_go_back_can_be_saved_again(
    staff_client, settings, published_at_utc
):
    """01:30 comes twice that night; the time the form shows stays the article's own."""
    settings.TIME_ZONE = "Europe/London"
    published_at = datetime.datetime(2026, 10, 25, published_at_utc, 30, tzinfo=datetime.UTC)
    article = make_article(title="Sleep and memory", publish_at=published_at)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = form_as_shown(staff_client.get(url), title="Sleep and memory, corrected")
    assert (form["publish_at_0"], form["publish_at_1"]) == ("2026-10-25", "01:30:00")

    assert staff_client.post(url, form).status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.title == "Sleep and memory, corrected"
    assert article.publish_at == published_at


def test_a_time_that_comes_twice_when_typed_anew_is_still_asked_again(staff_client, settings):
    settings.TIME_ZONE = "Europe/London"
    article = make_article(title="Sleep and memory")
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = form_as_shown(staff_client.get(url), publish_at_0="2026-10-25", publish_at_1="01:30")
    response = staff_client.post(url, form)
    assert response.status_code == HTTPStatus.OK
    assert (
        "01:30 on 25 October 2026 in Europe/London comes twice, as the clocks go back then. "
        "Choose 00:30 or 02:30, or another time outside the repeated hour."
    ) in html.unescape(response.content.decode())


def test_a_time_the_clocks_skip_is_asked_again_with_the_time_it_would_be(staff_client, settings):
    settings.TIME_ZONE = "America/New_York"
    article = make_article(title="Sleep and memory")
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = form_as_shown(staff_client.get(url), publish_at_0="2026-03-08", publish_at_1="02:30")
    response = staff_client.post(url, form)
    assert response.status_code == HTTPStatus.OK
    assert (
        "There is no 02:30 on 8 March 2026 in America/New_York: the clocks go forward then. "
        "Did you mean 03:30?"
    ) in html.unescape(response.content.decode())

    form.update(publish_at_1="03:30")
    assert staff_client.post(url, form).status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.publish_at == datetime.datetime(2026, 3, 8, 7, 30, tzinfo=datetime.UTC)


def _messages(response):
    return [
        html.unescape(re.sub(r"<[^>]+>", "", str(message)))
        for message in response.context["messages"]
    ]


def test_taking_down_a_page_names_the_published_pages_that_link_to_it(staff_client):
    """Unpublished or deleted, an article leaves links to it in other articles' text and
    in programs' sales text leading to "page not found": staff are told which, to mend
    them, while a page that moved says nothing (its old address forwards)."""
    target = make_article(title="Sleep and memory", slug="sleep-and-memory")
    make_article(
        title="Dreams",
        body='<p>See <a href="/articles/sleep-and-memory/">our summary</a>.</p>',
    )
    make_program(
        title="Sleep course",
        description='<p><a href="https://example.org/articles/sleep-and-memory#sources">'
        "Read the sources</a></p>",
    )
    make_draft(title="A draft", body='<p><a href="/articles/sleep-and-memory/">x</a></p>')
    make_article(title="Another", body='<p><a href="/articles/sleep-and-memory-2/">x</a></p>')
    change = reverse("admin:articles_article_change", args=[target.pk])
    warning = (
        "Published pages still link to it: the article “Dreams” and the program “Sleep "
        "course”. Readers who follow those links now find “page not found”: change them "
        "or take them out."
    )

    moved = staff_client.post(
        change, form_as_shown(staff_client.get(change), slug="sleep-memory"), follow=True
    )
    assert warning not in _messages(moved)
    back = staff_client.post(
        change, form_as_shown(staff_client.get(change), slug="sleep-and-memory"), follow=True
    )
    assert warning not in _messages(back)

    drafted = staff_client.post(
        change, form_as_shown(staff_client.get(change), status="draft"), follow=True
    )
    assert warning in _messages(drafted)

    staff_client.post(change, form_as_shown(staff_client.get(change), status="published"))
    deleted = staff_client.post(
        reverse("admin:articles_article_delete", args=[target.pk]), {"post": "yes"}, follow=True
    )
    assert warning in _messages(deleted)


def test_deleting_a_topic_names_the_published_pages_that_link_to_its_page(staff_client):
    topic = make_topic(name="Breathwork", slug="breathwork")
    make_article(title="Breathe", body='<p><a href="/topics/breathwork/">More</a></p>')
    deleted = staff_client.post(
        reverse("admin:articles_topic_delete", args=[topic.pk]), {"post": "yes"}, follow=True
    )
    assert (
        "A published page still links to it: the article “Breathe”. Readers who follow those "
        "links now find “page not found”: change them or take them out."
    ) in _messages(deleted)


def test_deleting_hundreds_of_articles_at_once_names_the_pages_that_link_to_them(
    staff_client,
):
    """Staff tick "Select all", then "Delete selected", on a few hundred articles (the
    demo content, say): looking for the links to them asked SQLite for more than it takes
    in one query, and the deletion ended on a server error."""
    doomed = [make_article(slug=f"old-news-{number}") for number in range(200)]
    make_program(
        title="Sleep course", description='<p><a href="/articles/old-news-150/">old</a></p>'
    )
    response = staff_client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "delete_selected",
            "select_across": "1",
            "_selected_action": [doomed[0].pk],
            "post": "yes",
        },
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert not Article.objects.exists()
    assert any(
        message.startswith("A published page still links to them: the program “Sleep course”.")
        for message in _messages(response)
    )
