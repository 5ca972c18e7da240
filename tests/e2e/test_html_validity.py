"""The Nu Html Checker finds no error on any kind of public page."""

import pytest

from tests.e2e.content import judged_pages
from tests.e2e.judges import vnu_errors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_public_pages_are_valid_html(client, java):
    pages = {}
    for name, url in judged_pages().items():
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), name
        pages[name] = response.content.decode()
    errors = vnu_errors(java, pages)
    assert not errors, "\n".join(
        f"{name}:\n  " + "\n  ".join(messages) for name, messages in errors.items()
    )
