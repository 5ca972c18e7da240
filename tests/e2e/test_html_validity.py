"""The Nu Html Checker finds no error on any kind of public page."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.e2e.content import comment_form_data, judged_pages
from tests.e2e.judges import vnu_errors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_public_pages_are_valid_html(client, java):
    pages = {}
    for name, url in judged_pages().items():
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), name
        pages[name] = response.content.decode()
    article = Article.objects.get(slug="psilocybin-dendritic-spines")
    comment_url = reverse("comments:post", args=[article.slug])
    form_error = client.post(comment_url, comment_form_data(article, email="not an e-mail"))
    assert form_error.status_code == 400
    pages["article with a comment form error"] = form_error.content.decode()
    notice = client.post(comment_url, comment_form_data(article), follow=True)
    assert "awaiting moderation" in notice.content.decode()
    pages["moderation notice"] = notice.content.decode()
    held = article.comments.latest("pk")
    edit_url = reverse("comments:edit", args=[held.pk])
    pages["comment edit page"] = client.get(edit_url).content.decode()
    edit_error = client.post(edit_url, {"body": ""})
    assert edit_error.status_code == 400
    pages["comment edit page with an error"] = edit_error.content.decode()
    withdraw_url = reverse("comments:withdraw", args=[held.pk])
    pages["comment delete page"] = client.get(withdraw_url).content.decode()
    refused = Client().post(edit_url, {"body": "Not mine to edit."})
    assert refused.status_code == 403
    pages["comment edit refused"] = refused.content.decode()

    errors = vnu_errors(java, pages)
    assert not errors, "\n".join(
        f"{name}:\n  " + "\n  ".join(messages) for name, messages in errors.items()
    )
