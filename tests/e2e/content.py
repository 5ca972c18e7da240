"""Believable content for the browser tests: pages as readers see them, not stubs."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.factories import image_file, make_article, make_author, make_source, make_topic

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


def judged_pages():
    """Content for every kind of public page, and the address of each page to judge."""
    article = make_full_article()
    make_other_articles()
    return {
        "home": reverse("articles:home"),
        "article list": reverse("articles:list"),
        "article": article.get_absolute_url(),
        "topic": reverse("articles:topic", args=["neuroplasticity"]),
        "search results": reverse("articles:search") + "?q=psilocybin+spines",
        "search without results": reverse("articles:search") + "?q=zebrafish",
        "search form": reverse("articles:search"),
        "404": "/articles/no-such-study/",
    }
