"""Demo content for a fresh install: a small, believable publication.

Everything here is written for this project. Other apps add their own demo content
through `seed_demo`, which calls each app's `seed()` in turn.
"""

import datetime
import io
import random

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from .models import Article, ArticleAuthor, ArticleUpdate, Author, Source, Topic

TOPICS = [
    (
        "Neuroplasticity",
        "neuroplasticity",
        "How the brain rewires itself: synapses, dendritic spines and the research behind them.",
        False,
    ),
    (
        "Psychedelic research",
        "psychedelic-research",
        "Clinical trials and laboratory studies of psilocybin, MDMA, LSD and related compounds.",
        False,
    ),
    (
        "Microdosing",
        "microdosing",
        "What controlled studies say about taking very small doses, and what they do not.",
        False,
    ),
    (
        "Nervous system",
        "nervous-system",
        "Stress, breathing, sleep and the body's own regulation, explained from the evidence.",
        False,
    ),
    (
        "Grief and loss",
        "grief-and-loss",
        "Support and research for readers living with bereavement.",
        True,
    ),
]

AUTHORS = [
    (
        "Dr. Maya Lindqvist",
        "maya-lindqvist",
        "PhD, neuroscientist",
        "Maya studied synaptic plasticity for a decade before turning to science writing.",
    ),
    (
        "Dr. Samuel Okafor",
        "samuel-okafor",
        "MD, psychiatrist",
        "Samuel is a practising psychiatrist and reviews our clinical coverage.",
    ),
    (
        "Elena Ruiz",
        "elena-ruiz",
        "MSc, health journalist",
        "Elena writes about clinical trials and how to read them.",
    ),
]


def _paragraphs(*texts):
    return "".join(f"<p>{text}</p>" for text in texts)


ARTICLES = [
    {
        "slug": "single-dose-psilocybin-dendritic-spines-mice",
        "title": "One dose of psilocybin grew lasting new connections in mouse brains",
        "standfirst": "A Yale team imaged the same neurons for weeks: spine density rose by "
        "about 10% and the new spines were about 10% larger.",
        "topics": ["neuroplasticity", "psychedelic-research"],
        "authors": ["maya-lindqvist"],
        "featured": True,
        "days_ago": 3,
        "body": _paragraphs(
            "Researchers at Yale gave mice a single dose of psilocybin and then looked at "
            "the same neurons in the frontal cortex again and again, using a microscope "
            "that can image a living brain. Within 24 hours the density of dendritic "
            "spines — the small protrusions where neurons receive signals from one "
            "another — had risen by about 10%.",
            "The spines were not only more numerous. On average they were also about 10% "
            "larger, and larger spines tend to make stronger connections. Many of the new "
            "spines were still there a month later, the last time point the team checked.",
            "<strong>What this does and does not mean.</strong> This was a study in mice. "
            "It shows a structural change in one brain region after one dose; it does not "
            "show that the same happens in people, nor that any change in behaviour or mood "
            "follows from it. The mice that received psilocybin did show less stress-related "
            "behaviour, which is one reason the result drew attention.",
            "Structural growth after a single exposure is what makes the finding striking: "
            "most antidepressants take weeks to act. Whether this mechanism explains the "
            "rapid effects reported in human trials is an open question.",
        ),
        "sources": [
            {
                "title": "Psilocybin induces rapid and persistent growth of dendritic spines "
                "in frontal cortex in vivo",
                "publisher": "Neuron (Shao et al., 2021)",
                "url": "https://doi.org/10.1016/j.neuron.2021.06.008",
                "doi": "10.1016/j.neuron.2021.06.008",
                "pubmed_id": "34228959",
                "study_type": "animal",
                "species": "mice",
                "review": "peer_reviewed",
            },
            {
                "title": "News release on the psilocybin and dendritic spine study",
                "publisher": "Yale News",
                "url": "https://news.yale.edu/",
                "study_type": "news",
            },
        ],
        "review": ("samuel-okafor", 20, 345),
        "update": (1, "Added the university's news release to the sources."),
    },
    {
        "slug": "microdosing-placebo-controlled-evidence",
        "title": "Microdosing under a placebo control: what the self-blinding study found",
        "standfirst": "Participants improved on wellbeing measures — but so did those who "
        "took placebo capsules.",
        "topics": ["microdosing", "psychedelic-research"],
        "authors": ["elena-ruiz"],
        "days_ago": 9,
        "body": _paragraphs(
            "Many people who microdose report better mood and focus. The difficulty is "
            "that expectations alone can produce the same reports. A 2021 study let "
            "volunteers blind themselves, mixing real and placebo capsules in envelopes "
            "marked only with codes.",
            "Over four weeks, wellbeing scores improved in the microdosing group. They "
            "improved almost as much in the placebo group. Participants who guessed which "
            "capsules they were taking reported larger effects, which points at "
            "expectation as a large part of the story.",
            "The study was large for its kind, but it relied on self-reported outcomes and "
            "self-sourced substances. It cannot settle the question, and it does not tell "
            "anyone that microdosing is safe or legal where they live.",
        ),
        "sources": [
            {
                "title": "Self-blinding citizen science to explore psychedelic microdosing",
                "publisher": "eLife (Szigeti et al., 2021)",
                "url": "https://doi.org/10.7554/eLife.62878",
                "doi": "10.7554/eLife.62878",
                "study_type": "human",
                "review": "peer_reviewed",
            },
        ],
        "review": ("samuel-okafor", 30, 335),
    },
    {
        "slug": "psilocybin-versus-escitalopram-trial",
        "title": "Psilocybin versus a standard antidepressant: reading a head-to-head trial",
        "standfirst": "The main outcome showed no significant difference. Secondary "
        "measures leaned towards psilocybin. Here is how to read that.",
        "topics": ["psychedelic-research"],
        "authors": ["elena-ruiz", "samuel-okafor"],
        "days_ago": 16,
        "body": _paragraphs(
            "In a six-week trial with 59 people with moderate to severe depression, two "
            "doses of psilocybin with psychological support were compared with daily "
            "escitalopram, a common antidepressant.",
            "On the trial's primary measure, the difference between the groups was not "
            "statistically significant. Several secondary measures favoured psilocybin, "
            "but the authors themselves cautioned against reading too much into them.",
            "Small, short trials are where research starts, not where it ends. Larger and "
            "longer studies are under way.",
        ),
        "sources": [
            {
                "title": "Trial of psilocybin versus escitalopram for depression",
                "publisher": "New England Journal of Medicine (Carhart-Harris et al., 2021)",
                "url": "https://doi.org/10.1056/NEJMoa2032994",
                "doi": "10.1056/NEJMoa2032994",
                "study_type": "human",
                "review": "peer_reviewed",
            },
        ],
        "review": ("samuel-okafor", 400, 30),
    },
    {
        "slug": "slow-breathing-and-the-nervous-system",
        "title": "Slow breathing and the nervous system: what the reviews agree on",
        "standfirst": "Breathing at about six breaths a minute shifts heart-rate "
        "variability. The rest of the claims deserve a closer look.",
        "topics": ["nervous-system"],
        "authors": ["maya-lindqvist"],
        "days_ago": 23,
        "body": _paragraphs(
            "Slow, paced breathing is one of the few ways to influence the autonomic "
            "nervous system on purpose. Reviews of the evidence agree that breathing at "
            "around six breaths per minute increases heart-rate variability, a marker "
            "associated with calmer states.",
            "Claims about lasting changes in anxiety or sleep are supported by smaller and "
            "less consistent studies. The practice is low-risk for most people, which makes "
            "it easy to try — and easy to oversell.",
        ),
        "sources": [
            {
                "title": "How breath-control can change your life: a systematic review on "
                "psycho-physiological correlates of slow breathing",
                "publisher": "Frontiers in Human Neuroscience (Zaccaro et al., 2018)",
                "url": "https://doi.org/10.3389/fnhum.2018.00353",
                "doi": "10.3389/fnhum.2018.00353",
                "study_type": "review",
                "review": "peer_reviewed",
            },
        ],
    },
    {
        "slug": "ketamine-synapses-rats",
        "title": "Why ketamine works fast: the synapse study in rats that started a field",
        "standfirst": "Within hours, ketamine increased synapse-related proteins and spine "
        "density in rats, through a pathway called mTOR.",
        "topics": ["neuroplasticity"],
        "authors": ["maya-lindqvist"],
        "days_ago": 31,
        "body": _paragraphs(
            "In 2010, researchers showed that a single low dose of ketamine rapidly "
            "switched on the mTOR signalling pathway in the rat prefrontal cortex, raising "
            "the levels of proteins that build synapses and increasing spine density.",
            "Blocking mTOR blocked both the synaptic changes and the antidepressant-like "
            "behaviour, which tied the two together. The study shaped how researchers now "
            "think about fast-acting treatments, psychedelics included.",
        ),
        "sources": [
            {
                "title": "mTOR-dependent synapse formation underlies the rapid antidepressant "
                "effects of NMDA antagonists",
                "publisher": "Science (Li et al., 2010)",
                "url": "https://doi.org/10.1126/science.1190287",
                "doi": "10.1126/science.1190287",
                "study_type": "animal",
                "species": "rats",
                "review": "peer_reviewed",
            },
        ],
    },
    {
        "slug": "mdma-assisted-therapy-ptsd-trial",
        "title": "MDMA-assisted therapy for PTSD: the phase 3 results in plain words",
        "standfirst": "Two-thirds of participants no longer met the criteria for PTSD "
        "after treatment, against about a third with therapy and placebo.",
        "topics": ["psychedelic-research"],
        "authors": ["elena-ruiz"],
        "days_ago": 40,
        "body": _paragraphs(
            "The trial randomised 90 people with severe PTSD to three sessions of MDMA or "
            "placebo, each within a course of therapy. Symptoms fell in both groups, and "
            "fell further with MDMA.",
            "Regulators have since asked for more evidence before approval. Trials like "
            "this one take place under close medical supervision, which is very different "
            "from any use outside a study.",
        ),
        "sources": [
            {
                "title": "MDMA-assisted therapy for severe PTSD: a randomized, double-blind, "
                "placebo-controlled phase 3 study",
                "publisher": "Nature Medicine (Mitchell et al., 2021)",
                "url": "https://doi.org/10.1038/s41591-021-01336-3",
                "doi": "10.1038/s41591-021-01336-3",
                "study_type": "human",
                "review": "peer_reviewed",
            },
        ],
        "review": ("samuel-okafor", 60, 300),
    },
    {
        "slug": "sleep-and-memory-consolidation",
        "title": "Sleep, memory and plasticity: what happens overnight",
        "standfirst": "Deep sleep appears to prune and strengthen synapses. The evidence "
        "comes from animals and from human sleep-lab studies.",
        "topics": ["nervous-system", "neuroplasticity"],
        "authors": ["maya-lindqvist"],
        "days_ago": 52,
        "body": _paragraphs(
            "One influential idea holds that waking strengthens synapses broadly and that "
            "sleep scales them back, keeping the important ones. Studies in mice have "
            "measured spine changes across sleep and waking that fit this picture.",
            "In people, sleep-lab studies show that memories practised before sleep are "
            "recalled better after it. The mechanisms are still debated, but the practical "
            "advice is old and sound: regular, sufficient sleep.",
        ),
        "sources": [
            {
                "title": "Sleep and synaptic homeostasis: a hypothesis",
                "publisher": "Brain Research Bulletin (Tononi and Cirelli, 2003)",
                "url": "https://doi.org/10.1016/j.brainresbull.2003.09.004",
                "doi": "10.1016/j.brainresbull.2003.09.004",
                "study_type": "review",
                "review": "peer_reviewed",
            },
        ],
    },
    {
        "slug": "grief-and-support-what-helps",
        "title": "Living with grief: what research says about support",
        "standfirst": "Most people find their way through bereavement with time and "
        "company. Some need more, and that is nothing to be ashamed of.",
        "topics": ["grief-and-loss"],
        "authors": ["samuel-okafor"],
        "days_ago": 60,
        "body": _paragraphs(
            "Grief is not an illness, and for most people its sharpest pain eases over "
            "months. For a minority it stays intense for a year or more and gets in the way "
            "of daily life; clinicians call this prolonged grief.",
            "Structured grief-focused therapy has the strongest evidence for prolonged "
            "grief. If you are struggling, speaking to a doctor or a counsellor is a good "
            "first step.",
        ),
        "sources": [
            {
                "title": "Treatment of complicated grief: a randomized controlled trial",
                "publisher": "JAMA (Shear et al., 2005)",
                "url": "https://doi.org/10.1001/jama.293.21.2601",
                "doi": "10.1001/jama.293.21.2601",
                "study_type": "human",
                "review": "peer_reviewed",
            },
        ],
    },
    {
        "slug": "psilocybin-and-anxiety-in-serious-illness",
        "title": "Psilocybin and anxiety in serious illness: a follow-up",
        "standfirst": "Scheduled: a look at the long-term follow-up of two trials.",
        "topics": ["psychedelic-research"],
        "authors": ["elena-ruiz"],
        "days_ago": -5,
        "body": _paragraphs(
            "This article is scheduled and appears on the site on its publication date."
        ),
        "sources": [],
    },
    {
        "slug": "draft-reading-a-preprint",
        "title": "How to read a preprint without being fooled",
        "standfirst": "Draft: notes for readers on unreviewed research.",
        "topics": ["psychedelic-research"],
        "authors": ["maya-lindqvist"],
        "draft": True,
        "days_ago": 0,
        "body": _paragraphs("This draft is only visible to staff."),
        "sources": [],
    },
]

COVER_PALETTES = [
    ((31, 111, 92), (214, 234, 223)),
    ((70, 60, 140), (228, 222, 246)),
    ((170, 90, 40), (250, 230, 210)),
    ((30, 80, 130), (215, 232, 246)),
    ((120, 60, 90), (244, 224, 232)),
]


def make_cover_image(seed: int, size=(1600, 900)) -> ContentFile:
    """An abstract cover: a soft gradient with branching lines, like dendrites."""
    rng = random.Random(seed)
    dark, light = COVER_PALETTES[seed % len(COVER_PALETTES)]
    image = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    width, height = size
    for y in range(height):
        mix = y / height
        color = tuple(
            int(light[i] * (1 - mix) + dark[i] * mix * 0.35 + light[i] * mix * 0.65)
            for i in range(3)
        )
        draw.line([(0, y), (width, y)], fill=color)
    for _ in range(14):
        x, y = rng.randrange(width), rng.randrange(height)
        for _ in range(rng.randint(6, 12)):
            nx = x + rng.randint(-140, 140)
            ny = y + rng.randint(-110, 110)
            draw.line([(x, y), (nx, ny)], fill=dark, width=rng.randint(3, 7))
            draw.ellipse([nx - 7, ny - 7, nx + 7, ny + 7], fill=dark)
            x, y = nx, ny
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"cover-{seed}.jpg")


def make_portrait(seed: int) -> ContentFile:
    dark, light = COVER_PALETTES[seed % len(COVER_PALETTES)]
    image = Image.new("RGB", (400, 400), light)
    draw = ImageDraw.Draw(image)
    draw.ellipse([130, 70, 270, 210], fill=dark)
    draw.ellipse([70, 230, 330, 480], fill=dark)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"author-{seed}.jpg")


def seed():
    """Create the demo publication; running it again changes nothing."""
    today = timezone.localdate()
    now = timezone.now()
    topics = {}
    for name, slug, description, sensitive in TOPICS:
        topics[slug], _ = Topic.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "is_sensitive": sensitive},
        )
    authors = {}
    for index, (name, slug, credentials, bio) in enumerate(AUTHORS):
        author, created = Author.objects.get_or_create(
            slug=slug, defaults={"name": name, "credentials": credentials, "bio": bio}
        )
        if created:
            author.photo.save(f"{slug}.jpg", make_portrait(index), save=True)
        authors[slug] = author

    for index, data in enumerate(ARTICLES):
        if Article.objects.filter(slug=data["slug"]).exists():
            continue
        article = Article(
            slug=data["slug"],
            title=data["title"],
            standfirst=data["standfirst"],
            body=data["body"],
            status=Article.Status.DRAFT if data.get("draft") else Article.Status.PUBLISHED,
            publish_at=now - datetime.timedelta(days=data["days_ago"]),
            is_featured=data.get("featured", False),
            cover_alt="Abstract illustration of branching neurons",
        )
        if review := data.get("review"):
            reviewer, days_since, days_until = review
            article.reviewed_by = authors[reviewer]
            article.last_reviewed = today - datetime.timedelta(days=days_since)
            article.next_review_due = today + datetime.timedelta(days=days_until)
        article.cover_image.save(f"{data['slug']}.jpg", make_cover_image(index), save=False)
        article.save()
        article.topics.set([topics[slug] for slug in data["topics"]])
        for position, slug in enumerate(data["authors"]):
            ArticleAuthor.objects.create(article=article, author=authors[slug], position=position)
        for position, source in enumerate(data["sources"]):
            Source.objects.create(article=article, position=position, **source)
        if update := data.get("update"):
            days_ago, note = update
            ArticleUpdate.objects.create(
                article=article, date=today - datetime.timedelta(days=days_ago), note=note
            )
