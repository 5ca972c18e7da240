"""Believable content for the browser tests: pages as readers see them, not stubs."""

import datetime
import time

from django.urls import reverse
from django.utils import timezone

from articles.models import Topic
from tests.factories import (
    image_file,
    make_article,
    make_author,
    make_comment,
    make_source,
    make_topic,
)
from tests.programs.factories import make_faq, make_module, make_program, make_testimonial

BODY = (
    "<p>Researchers gave mice a single dose of psilocybin and imaged the same neurons in "
    "the frontal cortex for weeks. Within a day the density of dendritic spines rose by "
    "about 10%, and many of the new spines were still there a month later.</p>"
    "<h2>What this does and does not mean</h2>"
    "<p><strong>This was a study in mice.</strong> It shows a structural change in one "
    "brain region after one dose; it does not show that the same happens in people.</p>"
    "<ul><li>One dose, one brain region.</li><li>Follow-up of about a month.</li></ul>"
)


def make_full_article(**overrides):
    """A published article with everything an article page can show."""
    topic = make_topic(
        name="Neuroplasticity",
        slug="neuroplasticity",
        description="How the brain rewires itself.",
    )
    second_topic = make_topic(name="Psychedelic research", slug="psychedelic-research")
    writer = make_author(name="Maya Lindqvist", credentials="PhD, neuroscientist")
    reviewer = make_author(name="Samuel Okafor", credentials="MD, psychiatrist")
    fields = {
        "title": "One dose of psilocybin grew lasting new connections in mouse brains",
        "slug": "psilocybin-dendritic-spines",
        "standfirst": "Spine density rose by about 10% and the new spines were larger.",
        "excerpt": "A Yale team imaged the same neurons for weeks after one dose.",
        "body": BODY,
        "cover_image": image_file("neurons.png", size=(960, 540)),
        "cover_alt": "Branching neurons drawn in green on a dark background",
        "cover_caption": "An illustration of neurons.",
        "reviewed_by": reviewer,
        "last_reviewed": timezone.localdate() - datetime.timedelta(days=20),
        "is_featured": True,
    }
    article = make_article(topics=[topic, second_topic], authors=[writer], **(fields | overrides))
    make_source(
        article,
        title="Psilocybin induces rapid and persistent growth of dendritic spines",
        publisher="Neuron (Shao et al., 2021)",
        url="https://doi.org/10.1016/j.neuron.2021.06.008",
        doi="10.1016/j.neuron.2021.06.008",
        pubmed_id="34228959",
        study_type="animal",
        species="mice",
        review="peer_reviewed",
    )
    make_source(
        article, title="News release on the study", publisher="Yale News", study_type="news"
    )
    article.updates.create(note="Added the university's news release to the sources.")
    return article


def make_other_articles(count=3):
    topic = make_topic(name="Nervous system", slug="nervous-system")
    return [
        make_article(
            title=f"Slow breathing and the stress response, part {number}",
            slug=f"slow-breathing-{number}",
            excerpt="What controlled trials of paced breathing measured, and what they did not.",
            topics=[topic],
            publish_at=timezone.now() - datetime.timedelta(days=3 + number),
        )
        for number in range(1, count + 1)
    ]


def make_full_program(**overrides):
    """A published program with everything its sales page can show, on neuroplasticity."""
    topic = Topic.objects.get_or_create(
        slug="neuroplasticity", defaults={"name": "Neuroplasticity"}
    )[0]
    fields = {
        "title": "Nervous-system fitness",
        "slug": "nervous-system-fitness",
        "tagline": "Six weeks of short daily practice for a calmer stress response.",
        "summary": "Breathing, movement and sleep habits, taught from the evidence.",
        "description": "<p>Each week pairs a short lesson with a daily practice.</p>",
        "image": image_file("program.png", size=(960, 540)),
        "image_alt": "A person stretching at sunrise",
        "duration_weeks": 6,
        "workload": "About 20 minutes a day",
        "cta_label": "Enrol now",
        "cta_url": "https://learn.example.org/nervous-system-fitness",
        "is_featured": True,
    }
    program = make_program(
        topics=[topic],
        instructors=[make_author(name="Elena Ruiz", credentials="MSc")],
        **(fields | overrides),
    )
    for number, title in enumerate(["Breathing", "Movement", "Sleep"], start=1):
        make_module(program, position=number, title=title, summary=f"Week {number}.")
    make_faq(program, question="Do I need equipment?", answer="No: a quiet room is enough.")
    make_testimonial(program, quote="I sleep better.", name="Priya S.", role="Teacher")
    return program


def make_conversation(article):
    """Two approved comments, one a reply, under `article`."""
    first = make_comment(article, author_name="Jordan", body="Was the dose weight-based?")
    make_comment(article, parent=first, author_name="Sam", body="Yes, per kilogram.")
    return first


def judged_pages():
    """Content for every kind of public page, and the address of each page to judge."""
    article = make_full_article()
    make_conversation(article)
    make_other_articles()
    program = make_full_program()
    return {
        "home": reverse("articles:home"),
        "article list": reverse("articles:list"),
        "article": article.get_absolute_url(),
        "topic": reverse("articles:topic", args=["neuroplasticity"]),
        "author": article.ordered_authors()[0].get_absolute_url(),
        "medical reviewer": article.reviewed_by.get_absolute_url(),
        "search results": reverse("articles:search") + "?q=psilocybin+spines",
        "search without results": reverse("articles:search") + "?q=zebrafish",
        "search with a suggestion": reverse("articles:search") + "?q=psilocibin",
        "search form": reverse("articles:search"),
        "program list": reverse("programs:list"),
        "program": program.get_absolute_url(),
        "404": "/articles/no-such-study/",
    }


def comment_form_data(article, **overrides):
    """What the comment form posts, as if the reader took ten seconds to write."""
    from comments import moderation

    return {
        "author_name": "Alex",
        "email": "alex@example.com",
        "body": "Thank you for explaining the limits of a mouse study.",
        "parent": "",
        "homepage": "",
        "timestamp": moderation.form_token(article.pk, issued_at=time.time() - 10),
    } | overrides
