"""Programs keep their versions as articles do, with their curriculum modules."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_forms import form_as_shown
from tests.articles.test_versions import HISTORY_ROW, staff_member
from tests.programs.conftest import reorder_in_list
from tests.programs.factories import make_module, make_program

pytestmark = pytest.mark.django_db


def test_an_editor_restores_a_program_with_its_modules(django_user_model):
    program = make_program(tagline="Eight live weeks.")
    make_module(program, title="Breathing for sleep")
    editor = staff_member(django_user_model, "Editors", "maya", "Maya", "Lindqvist")
    change = reverse("admin:programs_program_change", args=[program.pk])
    page = editor.get(change)
    edited = form_as_shown(page, tagline="A tagline typed in the wrong program.")
    edited["modules-0-DELETE"] = "on"
    assert editor.post(change, edited).status_code == HTTPStatus.FOUND

    history = editor.get(reverse("admin:programs_program_history", args=[program.pk]))
    rows = HISTORY_ROW.findall(history.content.decode())
    assert [by for _, _, by, _ in rows] == ["Maya Lindqvist", "—"]
    first_version = rows[-1][0]
    page = editor.get(first_version)
    assert "Brings back “Breathing for sleep”." in page.content.decode()
    assert editor.post(first_version, form_as_shown(page)).status_code == HTTPStatus.FOUND

    public = Client().get(program.get_absolute_url()).content.decode()
    assert "Eight live weeks." in public
    assert "Breathing for sleep" in public


def test_restoring_one_program_leaves_the_others_reordered_with_it_as_they_are(
    django_user_model,
):
    """Programs reordered together in the list are saved together, but restoring one of
    them to that moment leaves the others as colleagues have made them since."""
    first = make_program(tagline="First, as it was.")
    second = make_program(tagline="Second, as it was.")
    editor = staff_member(django_user_model, "Editors", "maya", "Maya", "Lindqvist")
    reordered = reorder_in_list(editor, {first: 5, second: 6})
    assert reordered.status_code == HTTPStatus.FOUND
    for program, tagline in [(first, "First, changed."), (second, "Second, rewritten since.")]:
        change = reverse("admin:programs_program_change", args=[program.pk])
        page = editor.get(change)
        assert editor.post(change, form_as_shown(page, tagline=tagline)).status_code == 302
    history = editor.get(reverse("admin:programs_program_history", args=[first.pk]))
    rows = HISTORY_ROW.findall(history.content.decode())
    reordering, _, by, changed = rows[1]  # newest first: the tagline, then the reordering
    assert (by, changed) == ("Maya Lindqvist", "Changed Sort order.")

    page = editor.get(reordering)
    assert editor.post(reordering, form_as_shown(page)).status_code == HTTPStatus.FOUND

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.tagline == "First, as it was."
    assert second.tagline == "Second, rewritten since."
    assert "Second, rewritten since." in Client().get(second.get_absolute_url()).content.decode()
