import datetime
import html
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Redirect
from programs.models import Program
from tests.factories import make_article, make_draft, make_topic
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db


def rename(article, slug):
    article.slug = slug
    article.save()


def test_old_address_of_a_renamed_article_answers_301_to_the_new_one(client):
    article = make_article(slug="old-name")
    rename(article, "new-name")
    response = client.get("/articles/old-name/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/articles/new-name/"
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_redirect_keeps_the_query_string(client):
    rename(make_article(slug="old-name"), "new-name")
    response = client.get("/articles/old-name/?utm_source=newsletter")
    assert response["Location"] == "/articles/new-name/?utm_source=newsletter"


def test_a_redirect_to_a_section_keeps_the_query_before_the_section(client):
    """A newsletter's link with ?utm_source= to an address staff sent to a page's section
    still opens that section: the query goes before the #, not into the section's name."""
    Redirect.objects.create(old_path="/summer/", new_path="/programs/sleep/#enrol")
    response = client.get("/summer/?utm_source=newsletter")
    assert response["Location"] == "/programs/sleep/?utm_source=newsletter#enrol"
    Redirect.objects.create(old_path="/winter/", new_path="/programs/sleep/?kind=course#enrol")
    response = client.get("/winter/?utm_source=newsletter")
    assert response["Location"] == "/programs/sleep/?kind=course&utm_source=newsletter#enrol"


def test_renamed_twice_the_first_address_goes_straight_to_the_latest(client):
    article = make_article(slug="first")
    rename(article, "second")
    rename(article, "third")
    for old in ["/articles/first/", "/articles/second/"]:
        response = client.get(old)
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == "/articles/third/"


def test_renamed_back_to_an_earlier_name_never_loops(client):
    article = make_article(slug="original")
    rename(article, "changed")
    rename(article, "original")
    assert client.get("/articles/original/").status_code == HTTPStatus.OK
    response = client.get("/articles/changed/")
    assert response["Location"] == "/articles/original/"
    assert list(Redirect.objects.values_list("old_path", "new_path")) == [
        ("/articles/changed/", "/articles/original/")
    ]


def test_renaming_a_draft_records_no_redirect(client):
    """A draft never had a public address, so there is nothing to keep working."""
    rename(make_draft(slug="draft-one"), "draft-two")
    assert not Redirect.objects.exists()


def test_saving_without_a_slug_change_records_nothing():
    article = make_article()
    article.title = "A better title"
    article.save()
    assert not Redirect.objects.exists()


def test_a_live_page_wins_over_a_stale_redirect(client):
    Redirect.objects.create(old_path="/articles/taken/", new_path="/articles/")
    make_article(slug="taken")
    assert client.get("/articles/taken/").status_code == HTTPStatus.OK


def test_unknown_address_is_still_404(client):
    assert client.get("/articles/never-existed/").status_code == HTTPStatus.NOT_FOUND


def test_only_reads_are_redirected(client):
    rename(make_article(slug="old-name"), "new-name")
    assert client.post("/articles/old-name/").status_code != HTTPStatus.MOVED_PERMANENTLY


def admin_article_form(**overrides):
    data = {
        "title": "A study",
        "slug": "old-name",
        "body": "<p>Body text.</p>",
        "status": "published",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "10:00:00",
    }
    for prefix in ["author_credits", "sources", "updates"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | overrides


def test_staff_rename_an_article_in_the_admin_and_see_the_redirect_listed(staff_client):
    add = staff_client.post(reverse("admin:articles_article_add"), admin_article_form())
    assert add.status_code == HTTPStatus.FOUND
    article = Article.objects.get()
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    response = staff_client.post(change_url, admin_article_form(slug="new-name"), follow=True)
    assert Article.objects.get().slug == "new-name"
    assert (
        "The old address /articles/old-name/ now forwards readers to /articles/new-name/: "
        "links already shared keep working."
    ) in html.unescape(response.content.decode())

    listing = staff_client.get(reverse("admin:articles_redirect_changelist"))
    assert listing.status_code == HTTPStatus.OK
    assert "/articles/old-name/" in listing.content.decode()
    # When, written as everywhere else in the admin ("27 Nov 2026, 23:06").
    created = timezone.localtime(Redirect.objects.get().created_at)
    assert f"{created.day} {created:%b %Y, %H:%M}" in listing.content.decode()
    assert staff_client.get("/articles/old-name/")["Location"] == "/articles/new-name/"


INVALID_REDIRECTS = [
    ("articles/x/", "/articles/", "starts with"),
    ("/articles/x/", "//evil.example/", "starts with"),
    ("/articles/x/", "https://evil.example/", "starts with"),
    ("/articles/x/", "/\\evil.example/", "starts with"),
    ("/articles/ x/", "/articles/", "cannot contain spaces"),
    ("/articles/x/?a=1", "/articles/", "Leave out anything after"),
    ("/articles/x/", "/articles/x/", "must differ"),
]


def test_admin_refuses_redirects_that_could_leave_the_site_or_loop(staff_client):
    for old_path, new_path, message in INVALID_REDIRECTS:
        response = staff_client.post(
            reverse("admin:articles_redirect_add"), {"old_path": old_path, "new_path": new_path}
        )
        assert response.status_code == HTTPStatus.OK
        assert message in response.content.decode(), (old_path, new_path)
    assert not Redirect.objects.exists()


def test_admin_refuses_redirects_that_would_send_readers_round_in_a_circle(staff_client):
    Redirect.objects.create(old_path="/b/", new_path="/c/?from=b")
    Redirect.objects.create(old_path="/c/", new_path="/a/")
    add_url = reverse("admin:articles_redirect_add")
    response = staff_client.post(add_url, {"old_path": "/a/", "new_path": "/b/"})
    assert response.status_code == HTTPStatus.OK
    assert (
        "Readers would be sent round in a circle: /a/ → /b/ → /c/?from=b → /a/"
        in response.content.decode().replace("&#x27;", "'")
    )
    assert not Redirect.objects.filter(old_path="/a/").exists()

    response = staff_client.post(add_url, {"old_path": "/a/", "new_path": "/c/"})
    assert response.status_code == HTTPStatus.OK
    assert "round in a circle" in response.content.decode()

    response = staff_client.post(add_url, {"old_path": "/d/", "new_path": "/b/"})
    assert response.status_code == HTTPStatus.FOUND


def test_a_redirect_saved_with_both_addresses_empty_asks_for_them_only(staff_client):
    """Save pressed on the empty form: no circle of two empty addresses is reported."""
    response = staff_client.post(
        reverse("admin:articles_redirect_add"), {"old_path": "", "new_path": ""}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("This field is required.") == 2
    assert "round in a circle" not in response.content.decode()


def test_staff_add_a_redirect_by_hand(staff_client, client):
    response = staff_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/reading-list/", "new_path": "/articles/"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/reading-list/")["Location"] == "/articles/"


def test_a_second_redirect_from_one_address_names_the_first(staff_client):
    """Staff adding a redirect from an address that already has one are told where it
    sends readers and to change that one, with what they typed still in the form."""
    Redirect.objects.create(old_path="/reading-list/", new_path="/articles/")
    response = staff_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/reading-list/", "new_path": "/topics/"},
    )
    assert response.status_code == HTTPStatus.OK
    page = html.unescape(response.content.decode())
    assert (
        "Readers at /reading-list/ are already sent to /articles/: change that redirect "
        "in the list instead of adding another." in page
    )
    assert "already exists" not in page
    assert 'value="/topics/"' in page
    assert Redirect.objects.get().new_path == "/articles/"


@pytest.mark.parametrize(
    ("made", "asked"),
    [("/summer-sale", "/summer-sale/"), ("/old-grief/", "/old-grief")],
)
def test_a_redirect_answers_with_or_without_the_final_slash(client, made, asked):
    """A link printed or pasted with the other ending was a 404."""
    Redirect.objects.create(old_path=made, new_path="/programs/")
    response = client.get(asked)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/programs/"


def test_of_two_redirects_differing_by_the_slash_each_answers_for_itself(client):
    Redirect.objects.create(old_path="/guide", new_path="/articles/")
    Redirect.objects.create(old_path="/guide/", new_path="/programs/")
    assert client.get("/guide")["Location"] == "/articles/"
    assert client.get("/guide/")["Location"] == "/programs/"


def test_addresses_are_taken_as_staff_paste_them(staff_client, client):
    """A full address copied from the browser, and an old path without the slash the
    site adds before any redirect is looked up."""
    response = staff_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/articles/old-guide", "new_path": "http://testserver/articles/"},
    )
    assert response.status_code == HTTPStatus.FOUND
    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.new_path) == ("/articles/old-guide/", "/articles/")
    response = client.get("/articles/old-guide", follow=True)
    assert response.redirect_chain[-1][0] == "/articles/"
    # Another site's address is still refused.
    response = staff_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/elsewhere/", "new_path": "https://evil.example/"},
    )
    assert "Enter a path on this site" in response.content.decode()


def test_old_address_of_a_renamed_program_answers_301(client):
    rename(make_program(slug="old-course"), "new-course")
    response = client.get("/programs/old-course/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/programs/new-course/"
    # A newsletter's button still leads to enrolment, through the counted link.
    response = client.get("/programs/old-course/go/?via=home")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/programs/new-course/go/?via=home"


def test_renaming_a_draft_program_records_no_redirect():
    rename(make_program(slug="draft-course", status=Program.Status.DRAFT), "draft-two")
    assert not Redirect.objects.exists()


def test_a_renamed_topic_keeps_its_page_and_its_feed(client):
    """Feed readers subscribed to a topic keep receiving it after staff rename it."""
    topic = make_topic(slug="microdosing")
    make_article(topics=[topic])
    topic.slug = "microdosing-research"
    topic.save()
    for old, new in [
        ("/topics/microdosing/", "/topics/microdosing-research/"),
        ("/topics/microdosing/feed/", "/topics/microdosing-research/feed/"),
    ]:
        response = client.get(old)
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == new
        assert client.get(new).status_code == HTTPStatus.OK


def test_taking_an_article_down_and_renaming_it_reveals_no_new_address(client):
    article = make_article(slug="old-name")
    article.slug = "secret-new-name"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get("/articles/old-name/").status_code == HTTPStatus.NOT_FOUND
    assert not Redirect.objects.exists()


@pytest.mark.parametrize("renamed_while", ["taken down", "being taken down"])
def test_published_again_under_a_new_name_the_old_address_leads_there(client, renamed_while):
    """Taken down for a correction, renamed, published again: links shared while it was
    first live must not end in a 404."""
    article = make_article(slug="ketamine-synapses-rats")
    article.status = Article.Status.DRAFT
    if renamed_while == "being taken down":
        article.slug = "ketamine-fast-synapses"
    article.save()
    rename(article, "ketamine-fast-synapses")
    assert client.get("/articles/ketamine-synapses-rats/").status_code == HTTPStatus.NOT_FOUND

    article.status = Article.Status.PUBLISHED
    article.save()
    response = client.get("/articles/ketamine-synapses-rats/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/articles/ketamine-fast-synapses/"


def test_a_draft_published_for_the_first_time_leaves_no_redirect_behind():
    draft = make_draft(slug="working-title")
    rename(draft, "final-title")
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert not Redirect.objects.exists()


def test_an_address_given_to_another_page_is_that_pages_for_good(client):
    """X is taken down and renamed; Y takes X's old address. Publishing X again must not
    send Y's readers (or Y's own old links) to X."""
    x = make_article(slug="a")
    x.status = Article.Status.DRAFT
    x.slug = "b"
    x.save()
    y = make_article(slug="y")
    rename(y, "a")
    x.status = Article.Status.PUBLISHED
    x.save()
    assert client.get("/articles/y/")["Location"] == "/articles/a/"
    assert client.get("/articles/a/").status_code == HTTPStatus.OK
    assert not Redirect.objects.filter(new_path="/articles/b/").exists()


def renamed_while_down_and_scheduled():
    """An article at /articles/old-name/ taken down, renamed "new-name" and scheduled to
    go live again in an hour."""
    article = make_article(slug="old-name")
    article.status = Article.Status.DRAFT
    article.slug = "new-name"
    article.save()
    article.status = Article.Status.PUBLISHED
    article.publish_at = timezone.now() + datetime.timedelta(hours=1)
    article.save()
    return article


def test_published_again_by_its_scheduled_time_the_old_address_leads_there(client, time_machine):
    """No save happens when a scheduled article goes live: the first reader to follow an
    old link finds it all the same."""
    renamed_while_down_and_scheduled()
    assert client.get("/articles/old-name/").status_code == HTTPStatus.NOT_FOUND

    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    response = client.get("/articles/old-name/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/articles/new-name/"
    assert Redirect.objects.filter(old_path="/articles/old-name/").exists()


def test_saved_once_live_by_its_scheduled_time_the_old_address_still_leads_there(
    client, time_machine
):
    """A correction saved after the article went live by its time, before any reader had
    followed an old link, must not make the site forget where readers saw it."""
    article = renamed_while_down_and_scheduled()
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    article.standfirst = "Corrected."
    article.save()

    response = client.get("/articles/old-name/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/articles/new-name/"


def test_a_new_page_at_an_old_address_is_never_sent_away(client):
    """X moved away from "shared-name"; Y, published there later and then taken down,
    must not send its readers to X."""
    rename(make_article(slug="shared-name"), "x-renamed")
    y = make_article(slug="shared-name")
    y.status = Article.Status.DRAFT
    y.save()
    assert client.get("/articles/shared-name/").status_code == HTTPStatus.NOT_FOUND


def test_a_deleted_pages_old_addresses_are_404_not_a_redirect_to_one(client):
    article = make_article(slug="first-name")
    rename(article, "second-name")
    article.delete()
    assert client.get("/articles/first-name/").status_code == HTTPStatus.NOT_FOUND
    assert not Redirect.objects.exists()


def test_admin_refuses_a_redirect_from_a_page_readers_are_shown(staff_client):
    """The table is read only for an address that would be "not found": from a live page
    the redirect would never be used, while the list said it was there."""
    article = make_article(title="Sleep and memory")
    add_url = reverse("admin:articles_redirect_add")
    for old_path, named in [
        (article.get_absolute_url(), "the published article “Sleep and memory”"),
        ("/articles/", "one of the site's own pages"),
    ]:
        response = staff_client.post(add_url, {"old_path": old_path, "new_path": "/programs/"})
        assert response.status_code == HTTPStatus.OK
        assert f"Readers are shown {named} at this address" in html.unescape(
            response.content.decode()
        )
    assert not Redirect.objects.exists()

    # Taken down, its address may be sent elsewhere.
    article.status = Article.Status.DRAFT
    article.save()
    response = staff_client.post(
        add_url, {"old_path": article.get_absolute_url(), "new_path": "/programs/"}
    )
    assert response.status_code == HTTPStatus.FOUND
    reader = Client()  # staff would see the draft's preview there
    assert reader.get(article.get_absolute_url())["Location"] == "/programs/"


def test_a_redirect_to_an_address_with_no_page_is_saved_with_a_warning(staff_client):
    """The page may be a draft about to be published; staff are told readers would see
    "page not found" until then."""
    draft = make_draft(slug="coming-soon")
    response = staff_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/old-guide/", "new_path": draft.get_absolute_url()},
        follow=True,
    )
    assert Redirect.objects.filter(old_path="/old-guide/").exists()
    assert "No page answers at /articles/coming-soon/ yet" in html.unescape(
        response.content.decode()
    )
    # Not for pages that answer, whatever follows their path, nor for addresses of
    # another kind (an uploaded file).
    article = make_article(slug="live")
    for n, target in enumerate(
        ["/articles/", f"{article.get_absolute_url()}#comments", "/media/covers/new.jpg"]
    ):
        response = staff_client.post(
            reverse("admin:articles_redirect_add"),
            {"old_path": f"/older-guide-{n}/", "new_path": target},
            follow=True,
        )
        assert Redirect.objects.filter(old_path=f"/older-guide-{n}/").exists(), target
        assert "No page answers" not in html.unescape(response.content.decode()), target


def test_a_redirect_from_a_replaced_upload_is_accepted(staff_client):
    """Whether a file is still there is not for the redirects to judge."""
    response = staff_client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/media/covers/old.jpg", "new_path": "/media/covers/new.jpg"},
    )
    assert response.status_code == HTTPStatus.FOUND


def test_an_address_retyped_in_capitals_leads_to_the_page(client):
    """Addresses get printed and retyped: "/articles/Spines-In-Mice/" is that page."""
    article = make_article(slug="spines-in-mice")
    shouted = article.get_absolute_url().upper()
    response = client.get(shouted + "?utm_source=print")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == article.get_absolute_url() + "?utm_source=print"
    assert client.get("/ARTICLES/NO-SUCH-PAGE/").status_code == HTTPStatus.NOT_FOUND
    # A renamed page's old address in capitals goes straight to where it is now.
    rename(article, "dendritic-spines-in-mice")
    moved = client.get("/articles/SPINES-IN-MICE/")
    assert moved["Location"] == "/articles/dendritic-spines-in-mice/"
