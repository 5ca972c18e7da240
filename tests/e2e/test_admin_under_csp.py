"""The admin runs under the site's own Content-Security-Policy, with no exemption: every
admin page (each model's list, add form and change form, and the kept versions of
articles and programs) loads in Chromium without a single CSP violation or console
error, and the rich-text editor starts and takes text.

(A security test; it lives with the browser tests because it uses their browser.)"""

import pytest
import reversion
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import expect
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles.models import Redirect
from tests.factories import image_file, make_article, make_author, make_comment, make_topic
from tests.programs.factories import make_faq, make_module, make_program, make_testimonial

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-staple"


def one_of_everything():
    topic = make_topic()
    author = make_author()
    author.photo.save("portrait.png", image_file())
    article = make_article(topics=[topic], authors=[author], cover_alt="Neurons")
    article.cover_image.save("cover.png", image_file())
    make_comment(article)
    program = make_program(topics=[topic])
    make_module(program)
    make_faq(program)
    make_testimonial(program)
    Redirect.objects.create(old_path="/old/", new_path=article.get_absolute_url())
    for kept in (article, program):
        with reversion.create_revision():
            reversion.add_to_revision(kept)


def admin_pages(user):
    request = type("Request", (), {"user": user})()
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        # A change form renders what the add form does (widgets, inlines, media), and more.
        instance = model._default_manager.first()
        if instance is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[instance.pk]))
            if isinstance(model_admin, VersionAdmin):
                # Its kept versions: the list, one version in its form, the deleted ones.
                version = Version.objects.get_for_object(instance).get()
                pages += [
                    reverse("admin:{}_{}_history".format(*info), args=[instance.pk]),
                    reverse("admin:{}_{}_revision".format(*info), args=[instance.pk, version.pk]),
                    reverse("admin:{}_{}_recoverlist".format(*info)),
                ]
        elif model_admin.has_add_permission(request):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
    return pages


@pytest.mark.parametrize("viewport", ["desktop"])
def test_every_admin_page_runs_under_the_same_policy(open_browser, django_user_model, viewport):
    user = django_user_model.objects.create_superuser("editor", "e@example.com", PASSWORD)
    one_of_everything()
    page = open_browser().new_page()
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    visited = []
    for path in admin_pages(user):
        # Scripts (modules too) have run and styles applied once "load" fires.
        response = page.goto(path, wait_until="load")
        assert response.status == 200, path
        visited.append(path)

    page.goto(reverse("admin:articles_article_add"))
    editor = page.locator(".prose-editor > .ProseMirror")
    editor.click()
    editor.press_sequentially("Typed under a strict policy.")
    expect(editor).to_contain_text("Typed under a strict policy.")
    # Tiptap's base rules arrive from our stylesheet instead of an inline <style>.
    assert editor.evaluate("node => getComputedStyle(node).whiteSpace") in {
        "pre-wrap",
        "break-spaces",
    }
    assert len(visited) > 20, visited
