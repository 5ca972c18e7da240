"""Every saved version of an article is kept: staff see who saved which when, read an
earlier version with what restoring it would change, and restore it from the admin."""

import datetime
import html
import re
from http import HTTPStatus

import pytest
import reversion
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Revision, Version

from articles.models import Article, Redirect
from programs.models import Program
from tests.admin_forms import form_as_shown
from tests.factories import make_article, make_author, make_source, make_topic
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db

HISTORY_ROW = re.compile(
    r'<th scope="row"><a href="([^"]+)">(.*?)</a></th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', re.S
)


def staff_member(django_user_model, role, username, first_name="", last_name=""):
    user = django_user_model.objects.create_user(
        username, password="x" * 14, is_staff=True, first_name=first_name, last_name=last_name
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def maya(django_user_model):
    return staff_member(django_user_model, "Editors", "maya", "Maya", "Lindqvist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def save(client, article, **changes):
    """Open the article's form, type `changes` over it and press Save."""
    page = client.get(change_url(article))
    response = client.post(change_url(article), form_as_shown(page, **changes))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-3000:]


def history_rows(client, article):
    """(link, saved, by, what changed) for each kept version, as the History page lists them."""
    response = client.get(history_url(article))
    assert response.status_code == HTTPStatus.OK
    return [
        tuple(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row)
        for row in HISTORY_ROW.findall(response.content.decode())
    ]


def saved_on(revision):
    return date_format(timezone.localtime(revision.date_created), "j M Y, H:i")


def test_an_editor_restores_an_article_body_from_an_earlier_version(maya):
    """An article's body overwritten twice comes back: the history names each save with
    who made it and when, the first version shows its text, and Save restores it."""
    article = make_article(title="Spines in mice", body="<p>The first text, as published.</p>")
    save(maya, article, body="<p>The second text, with a mistake.</p>")
    save(maya, article, body="<p>The third text, cut short.</p>")
    reader = Client()
    assert "cut short" in reader.get(article.get_absolute_url()).content.decode()

    revisions = list(Revision.objects.order_by("-pk"))
    rows = history_rows(maya, article)
    assert [(saved, by, changed) for _, saved, by, changed in rows] == [
        (saved_on(revisions[0]), "Maya Lindqvist", "Changed Body."),
        (saved_on(revisions[1]), "Maya Lindqvist", "Changed Body."),
        # Made before versions were kept: its state before the first change is kept too.
        (saved_on(revisions[2]), "—", "As it was before its versions were kept."),
    ]

    first_version = rows[-1][0]
    page = maya.get(first_version)
    assert page.status_code == HTTPStatus.OK
    assert form_as_shown(page)["body"] == "<p>The first text, as published.</p>"
    content = page.content.decode()
    assert "What restoring it changes" in content
    assert "<del>cut short.</del>" in content and "<ins>as published.</ins>" in content
    article.refresh_from_db()
    assert article.body == "<p>The third text, cut short.</p>"  # reading changes nothing

    restored = maya.post(first_version, form_as_shown(page), follow=True)
    assert restored.status_code == HTTPStatus.OK
    assert "Restored the version saved on" in restored.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>The first text, as published.</p>"
    public = reader.get(article.get_absolute_url()).content.decode()
    assert "The first text, as published." in public
    assert "cut short" not in public
    newest = history_rows(maya, article)[0]
    assert newest[2:] == ("Maya Lindqvist", f"Restored the version saved on {rows[-1][1]}.")


def test_restoring_brings_back_the_bylines_sources_and_update_notes_of_the_version(maya):
    first_author, second_author = make_author(name="Ana Ruiz"), make_author(name="Ben Osei")
    article = make_article(
        authors=[first_author], publish_at=datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC)
    )
    make_source(article, title="The study it summarised")
    page = maya.get(change_url(article))
    response = maya.post(
        change_url(article),
        form_as_shown(
            page,
            **{
                "author_credits-0-author": str(second_author.pk),
                "sources-0-DELETE": "on",
                "sources-TOTAL_FORMS": "2",
                "sources-1-title": "A study it never cited",
                "sources-1-publisher": "A journal",
                "sources-1-study_type": "human",
                "sources-1-position": "1",
                "updates-TOTAL_FORMS": "1",
                "updates-0-date": "2026-01-05",
                "updates-0-note": "Rewritten.",
            },
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    first_version = history_rows(maya, article)[-1][0]

    page = maya.get(first_version)
    differences = html.unescape(page.content.decode())
    assert "Brings back “The study it summarised”." in differences
    assert "Takes out “A study it never cited”." in differences
    assert "Takes out “2026-01-05: Rewritten.”." in differences
    assert maya.post(first_version, form_as_shown(page)).status_code == HTTPStatus.FOUND

    assert [author.name for author in article.ordered_authors()] == ["Ana Ruiz"]
    assert [source.title for source in article.sources.all()] == ["The study it summarised"]
    assert not article.updates.exists()
    public = Client().get(article.get_absolute_url()).content.decode()
    assert "Ana Ruiz" in public and "The study it summarised" in public
    assert "Ben Osei" not in public and "never cited" not in public


def test_a_moderator_can_neither_see_nor_restore_versions(maya, django_user_model):
    article = make_article(body="<p>Kept text.</p>")
    save(maya, article, body="<p>Newer text.</p>")
    first_version = history_rows(maya, article)[-1][0]
    form = form_as_shown(maya.get(first_version))

    moderator = staff_member(django_user_model, "Moderators", "mo")
    assert moderator.get(history_url(article)).status_code == HTTPStatus.FORBIDDEN
    assert moderator.get(first_version).status_code == HTTPStatus.FORBIDDEN
    assert moderator.post(first_version, form).status_code == HTTPStatus.FORBIDDEN
    article.refresh_from_db()
    assert article.body == "<p>Newer text.</p>"


def test_restoring_over_a_save_made_after_the_version_was_opened_asks_first(
    maya, django_user_model
):
    """Restoring is saving: it does not undo a colleague's later save unseen, and once told,
    the editor restores all the same."""
    article = make_article(body="<p>The text to bring back.</p>")
    save(maya, article, body="<p>A change.</p>")
    first_version = history_rows(maya, article)[-1][0]
    page = maya.get(first_version)

    ana = staff_member(django_user_model, "Editors", "ana", "Ana", "Ruiz")
    save(ana, article, body="<p>Ana's correction, saved meanwhile.</p>")
    refused = maya.post(first_version, form_as_shown(page))
    assert refused.status_code == HTTPStatus.OK
    message = html.unescape(refused.content.decode())
    assert "Ana Ruiz saved this article at" in message
    assert "saving now would undo their changes" in message
    article.refresh_from_db()
    assert article.body == "<p>Ana's correction, saved meanwhile.</p>"

    again = maya.post(first_version, form_as_shown(refused))
    assert again.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.body == "<p>The text to bring back.</p>"


def test_restoring_an_earlier_web_address_forwards_the_one_readers_know_now(maya):
    article = make_article(slug="first-address")
    save(maya, article, slug="second-address")
    assert Redirect.objects.filter(old_path="/articles/first-address/").exists()
    first_version = history_rows(maya, article)[-1][0]
    assert maya.post(first_version, form_as_shown(maya.get(first_version))).status_code == (
        HTTPStatus.FOUND
    )

    reader = Client()
    moved = reader.get("/articles/second-address/")
    assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert moved["Location"] == "/articles/first-address/"
    assert reader.get("/articles/first-address/").status_code == HTTPStatus.OK


def test_keeping_or_reading_a_version_leaves_cached_pages_in_the_cache(maya):
    """A kept version changes no page: neither storing one nor opening an earlier one in
    the admin (which fills the form from it, and then puts the row back) empties the cache."""
    article = make_article(body="<p>Live text.</p>")
    reader = Client()
    reader.get(article.get_absolute_url())
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    with reversion.create_revision():
        reversion.add_to_revision(article)
    Revision.objects.update(comment="Noted.")
    assert Version.objects.get_for_object(article).exists()
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    version = Version.objects.get_for_object(article).get()
    page = maya.get(reverse("admin:articles_article_revision", args=[article.pk, version.pk]))
    assert page.status_code == HTTPStatus.OK
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_version_of_something_else_is_not_opened_as_the_articles(maya):
    from tests.programs.factories import make_program

    article = make_article()
    program = make_program(pk=article.pk)
    with reversion.create_revision():
        reversion.add_to_revision(program)
    version = Version.objects.get()
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    assert maya.get(url).status_code == HTTPStatus.NOT_FOUND
    assert maya.post(url, {}).status_code == HTTPStatus.NOT_FOUND


def test_recovering_deleted_articles_brings_back_articles_only(django_user_model):
    """A version of another kind (a deleted program) is not found under "Recover deleted
    articles": staff who may write articles but not programs cannot bring one back there."""
    writers = Group.objects.create(name="Writers")
    writers.permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    writer = staff_member(django_user_model, "Writers", "wren")
    article = make_article(title="Left as it is")
    program = make_program(pk=article.pk, title="Withdrawn for good")
    with reversion.create_revision():
        reversion.add_to_revision(program)
    program.delete()
    version = Version.objects.get_deleted(Program).get()

    recover = reverse("admin:articles_article_recover", args=[version.pk])
    assert writer.get(recover).status_code == HTTPStatus.NOT_FOUND
    response = writer.post(recover, form_as_shown(writer.get(change_url(article))))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Program.objects.filter(title="Withdrawn for good").exists()


def test_a_deleted_article_is_recovered_with_its_sources(maya):
    """From its delete page or from the list's "Delete selected", never edited before."""
    article = make_article(title="Deleted by mistake")
    make_source(article, title="Its one source")
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert maya.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    other = make_article(title="Deleted from the list")
    selected = {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"}
    changelist = reverse("admin:articles_article_changelist")
    assert maya.post(changelist, selected).status_code == HTTPStatus.FOUND
    assert not Article.objects.filter(pk__in=[article.pk, other.pk]).exists()

    deleted = maya.get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "Deleted by mistake" in deleted and "Deleted from the list" in deleted
    version = Version.objects.get_deleted(Article).get(object_id=article.pk)
    recover = reverse("admin:articles_article_recover", args=[version.pk])
    recovered = maya.post(recover, form_as_shown(maya.get(recover)), follow=True)
    assert "The article “<a" in recovered.content.decode()
    assert "Deleted by mistake</a>” was recovered." in recovered.content.decode()
    assert "changed successfully" not in recovered.content.decode()
    article = Article.objects.get(title="Deleted by mistake")
    assert [source.title for source in article.sources.all()] == ["Its one source"]
    assert Client().get(article.get_absolute_url()).status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)
def test_a_version_naming_a_topic_deleted_since_is_restored_without_it(django_user_model):
    """Topics and related articles come and go over a year: a version that names one
    deleted since is restored (or recovered) with the others, not refused with an error
    page."""
    # Transactional, so the restore commits as on the site and the database checks what
    # it points at; the group the migration made is gone in such a test.
    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("maya", password="x" * 14))
    kept_topic, merged_topic = make_topic(name="Sleep"), make_topic(name="Sleep and memory")
    picked = make_article(title="Picked, then deleted")
    article = make_article(title="Dreams", topics=[kept_topic, merged_topic])
    article.related_picks.set([picked])
    save(editor, article, body="<p>Changed once.</p>")
    merged_topic.delete()
    picked.delete()

    first_version = history_rows(editor, article)[-1][0]
    page = editor.get(first_version)
    assert "Sleep and memory" not in page.content.decode()
    restored = editor.post(first_version, form_as_shown(page), follow=True)
    assert restored.status_code == HTTPStatus.OK
    assert "Restored the version saved on" in restored.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>Some body text about a study.</p>"
    assert list(article.topics.all()) == [kept_topic]
    assert Client().get(article.get_absolute_url()).status_code == HTTPStatus.OK

    editor.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    kept_topic.delete()
    version = Version.objects.get_deleted(Article).get(object_id=article.pk)
    recover = reverse("admin:articles_article_recover", args=[version.pk])
    recovered = editor.post(recover, form_as_shown(editor.get(recover)), follow=True)
    assert "Dreams</a>” was recovered." in recovered.content.decode()
    assert list(Article.objects.get(title="Dreams").topics.all()) == []


def test_a_version_crediting_an_author_deleted_since_opens_and_restores_without_them(maya):
    """An author who left is taken off the bylines and deleted; an earlier version of one
    of their articles still opens, says it leaves them out, and is restored without them."""
    staying, leaving = make_author(name="Ana Ruiz"), make_author(name="Ben Osei")
    article = make_article(authors=[staying, leaving], body="<p>The first text.</p>")
    save(maya, article, body="<p>The second text.</p>")
    article.author_credits.filter(author=leaving).delete()
    leaving.delete()

    first_version = history_rows(maya, article)[-1][0]
    page = maya.get(first_version)
    assert page.status_code == HTTPStatus.OK
    content = html.unescape(re.sub(r"\s+", " ", page.content.decode()))
    assert f"Leaves out “Ben Osei in the byline of “{article}””: deleted since." in content
    assert "Brings back" not in content
    restored = maya.post(first_version, form_as_shown(page), follow=True)
    assert "Restored the version saved on" in restored.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>The first text.</p>"
    assert article.ordered_authors() == [staying]
