"""Demo conversations under the demo articles (articles/demo.py): threads with replies, a
staff reply, and a few comments waiting in the moderation queue. Written for this
project; running `seed()` again changes nothing."""

import datetime

from articles.models import Article

from .models import Comment

# Demo readers' addresses use a reserved domain, so no e-mail can ever reach anyone.
DEMO_DOMAIN = "readers.example"

APPROVED = Comment.Status.APPROVED
PENDING = Comment.Status.PENDING

# Per article: (key, parent key, name, body, hours after publication, status, by staff).
CONVERSATIONS = {
    "single-dose-psilocybin-dendritic-spines-mice": [
        (
            "mira",
            None,
            "Mira K.",
            "Thank you for spelling out that this was in mice. Headlines about this study "
            "made it sound like a cure for depression.",
            5,
            APPROVED,
            False,
        ),
        (
            "tom",
            "mira",
            "Tom Alvarez",
            "Same here. The 10% figure is interesting, but I'd love to know how big the "
            "natural day-to-day variation in spine density is.",
            8,
            APPROVED,
            False,
        ),
        (
            "editors",
            "tom",
            "The editors",
            "Good question. The paper imaged the same neurons before and after the dose, "
            "so each mouse is compared with itself; the supplementary figures show the "
            "baseline variation. We'll add a line about it in our next update.",
            20,
            APPROVED,
            True,
        ),
        (
            "tom2",
            "editors",
            "Tom Alvarez",
            "Thanks, that within-animal design makes the result more convincing.",
            23,
            APPROVED,
            False,
        ),
        (
            "priya",
            "tom2",
            "Priya S.",
            "It also means the finding is about structure, not mood. The behaviour tests "
            "in mice are a long way from how people feel.",
            30,
            APPROVED,
            False,
        ),
        (
            "jonas",
            "priya",
            "Jonas",
            "Agreed. I work in a lab that uses the same imaging method; it is beautiful "
            "data but it only shows a small patch of cortex.\n\nStill, a month-long "
            "effect from one exposure is remarkable.",
            40,
            APPROVED,
            False,
        ),
        (
            "lee",
            None,
            "Lee",
            "Is there a human study planned that looks at anything similar? See "
            "https://clinicaltrials.gov for what is registered.",
            44,
            APPROVED,
            False,
        ),
        (
            "held-buy",
            None,
            "Sam",
            "Where can I buy a grow kit to try this myself?",
            50,
            PENDING,
            False,
        ),
    ],
    "microdosing-placebo-controlled-evidence": [
        (
            "ana",
            None,
            "Ana P.",
            "The self-blinding design is clever. I had no idea expectation could explain "
            "so much of the effect.",
            12,
            APPROVED,
            False,
        ),
        (
            "greg",
            "ana",
            "Greg",
            "It explains a lot, but not necessarily everything: the groups were not "
            "identical on every measure. Worth reading the full paper.",
            30,
            APPROVED,
            False,
        ),
        (
            "ana2",
            "greg",
            "Ana P.",
            "Fair point, I'll read it. Thanks!",
            34,
            APPROVED,
            False,
        ),
        (
            "held-links",
            None,
            "Chris",
            "Two more studies people should read: https://example.org/study-one and "
            "https://example.org/study-two",
            60,
            PENDING,
            False,
        ),
    ],
    "grief-and-support-what-helps": [
        (
            "ruth",
            None,
            "Ruth",
            "I lost my husband last spring. Reading that it is normal for the worst of it "
            "to take months helped more than I expected.",
            24,
            APPROVED,
            False,
        ),
        (
            "dan",
            "ruth",
            "Dan",
            "I'm so sorry, Ruth. A grief group at our local hospice was what got me "
            "through my first year. You are not alone.",
            30,
            APPROVED,
            False,
        ),
        (
            "editors-grief",
            "ruth",
            "The editors",
            "Thank you for sharing this, Ruth. If it ever feels like too much, the crisis "
            "line above is there day and night.",
            32,
            APPROVED,
            True,
        ),
        (
            "held-first",
            None,
            "Morgan",
            "Does anyone know if the therapy in the study is offered online?",
            70,
            PENDING,
            False,
        ),
    ],
}


# Why each held demo comment waits, as the moderation rules would have put it.
HELD_REASONS = {
    "held-buy": 'first comment from this e-mail address; moderation word "where can i buy"',
    "held-links": "first comment from this e-mail address; 2 links",
    "held-first": "first comment from this e-mail address",
}


def _email(name):
    local = "".join(char for char in name.lower() if char.isalnum()) or "reader"
    return f"{local}@{DEMO_DOMAIN}"


def seed():
    """Create the demo content; running it again changes nothing."""
    for slug, conversation in CONVERSATIONS.items():
        article = Article.objects.filter(slug=slug).first()
        if article is None or article.comments.filter(email__endswith=DEMO_DOMAIN).exists():
            continue
        created = {}
        for key, parent_key, name, body, hours, status, by_staff in conversation:
            moment = article.publish_at + datetime.timedelta(hours=hours)
            created[key] = Comment.objects.create(
                article=article,
                parent=created.get(parent_key),
                author_name=name,
                email=_email(name),
                body=body,
                status=status,
                by_staff=by_staff,
                created_at=moment,
                approved_at=moment if status == APPROVED else None,
                moderation_note=HELD_REASONS.get(key, ""),
            )
