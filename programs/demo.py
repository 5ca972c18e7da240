"""Demo programs and courses: the publisher's own offer, with curricula, FAQs, testimonials
and a month of click counts, tied to the demo topics and authors of `articles.demo`.

Everything here is written for this project. Enrolment URLs use example.org, a domain
reserved for examples.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from articles.demo import make_cover_image
from articles.models import Article, Author, Topic

from .models import FAQ, Module, Program, ProgramClick, Testimonial
from .services import REPORT_DAYS

PROGRAMS = [
    {
        "slug": "microdosing-evidence-program",
        "kind": Program.Kind.PROGRAM,
        "title": "Microdosing, Read Carefully: a six-week program",
        "tagline": "Six self-paced weeks through what the research on microdosing shows, "
        "and what it does not.",
        "summary": "An online program you follow at your own pace. It walks through the "
        "placebo-controlled studies, the part expectation plays, safety and the law, and "
        "how to talk it over with a doctor. It teaches you to read the evidence; it does "
        "not supply, sell or encourage the use of any controlled substance.",
        "description": "<p>Microdosing is talked about far more than it has been studied. "
        "This program starts from the few controlled trials there are and reads them "
        "slowly, with you: who took part, what was measured, and what the placebo groups "
        "reported.</p><p>Each week has a short video lecture, a plain-language reading, "
        "and a worksheet. You can pause at any time; your access lasts twelve months.</p>"
        "<h2>What this program is not</h2><p>It is not treatment, and it is not a guide "
        "to obtaining or taking anything. Psilocybin and LSD are controlled substances "
        "in most countries.</p>",
        "format": Program.Format.ONLINE_SELF_PACED,
        "duration_weeks": 6,
        "workload": "About 2 hours a week",
        "hours_per_week": Decimal("2"),
        "pricing": Program.Pricing.PRICED,
        "price": Decimal("390"),
        "cta_label": "Enrol now",
        "cta_url": "https://learn.example.org/microdosing-read-carefully",
        "is_featured": True,
        "sort_order": 10,
        "topics": ["microdosing", "psychedelic-research"],
        "instructors": ["elena-ruiz", "samuel-okafor"],
        "modules": [
            (
                "What a microdose is, and what the word hides",
                "Definitions, doses and why studies disagree on what they are testing.",
            ),
            (
                "Reading the placebo-controlled studies",
                "How the trials were designed and what their results can and cannot support.",
            ),
            (
                "Expectation and the self-blinding study",
                "Why people who guessed their capsules reported larger effects.",
            ),
            (
                "Safety, interactions and who should not",
                "Heart valves, medications, "
                "mental-health history: the questions to take to your doctor.",
            ),
            (
                "The law where you live",
                "Controlled-substance law, decriminalisation and what each actually changes.",
            ),
            (
                "Keeping an honest journal",
                "Measuring how you feel without fooling yourself, whatever you decide.",
            ),
        ],
        "faqs": [
            (
                "Do you provide or sell any substance?",
                "No. The program is education only. "
                "We do not supply, sell or point you to any controlled substance.",
            ),
            (
                "Is this medical advice?",
                "No. It helps you understand the research and "
                "prepare good questions for a qualified professional.",
            ),
            (
                "How long can I access the material?",
                "Twelve months from the day you enrol, on any device.",
            ),
            (
                "Can I get a refund?",
                "Yes: within 14 days of enrolling, if you have "
                "opened no more than two weeks of material.",
            ),
        ],
        "testimonials": [
            (
                "I came in hoping for a yes or a no. I left knowing how to read a trial, "
                "which turned out to be more useful.",
                "Priya S.",
                "Teacher",
                True,
            ),
            (
                "The week on expectation changed how I think about every health claim I read.",
                "Tom H.",
                "",
                True,
            ),
            ("Good, but I wanted more on the legal side for my country.", "Anonymous", "", False),
        ],
    },
    {
        "slug": "health-optimisation-plan",
        "kind": Program.Kind.ONE_TO_ONE_PLAN,
        "title": "Your Health Optimisation Plan",
        "tagline": "A plan made for you, one to one, over twelve weeks.",
        "summary": "Three video consultations and a written plan built around your sleep, "
        "stress, movement and nutrition, reviewed at six weeks. We work alongside your own "
        "doctor and never prescribe.",
        "description": "<p>Generic advice is easy to find and hard to follow. In this plan "
        "you work with one practitioner who reads your questionnaire, listens to what you "
        "want to change, and writes a plan that fits your life.</p><p>The plan draws on "
        "the same evidence we summarise in our articles, and says plainly where that "
        "evidence is thin.</p>",
        "format": Program.Format.ONE_TO_ONE,
        "duration_weeks": 12,
        "workload": "Three one-hour video calls and a few minutes a day",
        "pricing": Program.Pricing.ON_REQUEST,
        "cta_label": "Book an introductory call",
        "cta_url": "https://book.example.org/health-optimisation-plan",
        "sort_order": 30,
        "topics": ["nervous-system", "neuroplasticity"],
        "instructors": ["samuel-okafor"],
        "modules": [
            ("Questionnaire and history", "A detailed intake you fill in at your own pace."),
            ("First consultation", "An hour on your goals, your routine and your health history."),
            (
                "Your written plan",
                "Sleep, stress, movement and nutrition, each with the "
                "reasons and the evidence behind it.",
            ),
            ("Review at six weeks", "What worked, what did not, and what to change."),
            ("Final review", "Where you are, and how to keep going on your own."),
        ],
        "faqs": [
            (
                "Who is this for?",
                "Adults in good general health who want a structured, "
                "evidence-based routine. It is not a substitute for care of an illness.",
            ),
            (
                "Will you prescribe anything?",
                "No. We do not prescribe medicines or "
                "supplements. With your permission we can share the plan with your doctor.",
            ),
            (
                "What does it cost?",
                "The price depends on the practitioner and where you "
                "live. We tell you the full price on the introductory call, before you "
                "commit to anything.",
            ),
        ],
        "testimonials": [
            (
                "Having one person who knew my history made the difference. The plan was "
                "short enough that I actually followed it.",
                "Martin K.",
                "Engineer",
                True,
            ),
        ],
    },
    {
        "slug": "nervous-system-fitness",
        "kind": Program.Kind.COURSE,
        "title": "Nervous System Fitness",
        "tagline": "Eight live weeks of breathing, sleep and recovery practice, with the "
        "science explained.",
        "summary": "A live online course for a small group. Each week pairs a short "
        "lecture on how the autonomic nervous system works with a practice you try "
        "between sessions, from paced breathing to wind-down routines.",
        "description": "<p>Stress is not only in the mind: heart rate, breathing and sleep "
        "all take part. This course explains the physiology in plain words and gives you "
        "practices whose effects have been measured, like breathing at about six breaths "
        "a minute.</p><p>Sessions are live on video, recorded for anyone who misses one, "
        "and limited to 20 participants so there is time for questions.</p>",
        "format": Program.Format.ONLINE_LIVE,
        "duration_weeks": 8,
        "workload": "A 90-minute live session each week",
        "hours_per_week": Decimal("1.5"),
        "pricing": Program.Pricing.PRICED,
        "price": Decimal("290"),
        "start_in_days": 21,
        "cta_label": "Join the next cohort",
        "cta_url": "https://learn.example.org/nervous-system-fitness",
        "is_featured": True,
        "sort_order": 20,
        "topics": ["nervous-system"],
        "instructors": ["maya-lindqvist"],
        "modules": [
            ("The two branches", "Sympathetic and parasympathetic: what each does."),
            ("Breathing as a lever", "Paced breathing and heart-rate variability."),
            ("Sleep pressure and rhythm", "Why timing matters as much as hours."),
            ("Movement and recovery", "Training load, rest and how to tell them apart."),
            ("Attention and rumination", "What the evidence says about mindfulness."),
            ("Cold, heat and hype", "Separating measured effects from marketing."),
            ("Building your routine", "Choosing three practices you will keep."),
            ("Review and next steps", "Measuring what changed over eight weeks."),
        ],
        "faqs": [
            (
                "What if I miss a session?",
                "Every session is recorded and available to the group for three months.",
            ),
            (
                "Do I need any equipment?",
                "No. A quiet room and a device for the video "
                "call are enough. A heart-rate strap is optional.",
            ),
            (
                "Is it suitable if I have an anxiety disorder?",
                "Please speak to your "
                "doctor first. The course is education and does not replace treatment.",
            ),
        ],
        "testimonials": [
            (
                "The breathing week alone was worth it. I use it before every difficult meeting.",
                "Aisha R.",
                "Project manager",
                True,
            ),
            ("Clear, calm and no miracle claims.", "Daniel P.", "", True),
            ("Please add a weekend cohort!", "Lena M.", "", False),
        ],
    },
    {
        "slug": "sleep-and-recovery-basics",
        "kind": Program.Kind.COURSE,
        "title": "Sleep and Recovery Basics",
        "tagline": "A free two-week introduction to sleep and the brain.",
        "summary": "Ten short lessons on how sleep supports memory and recovery, what "
        "the sleep-lab studies show, and small changes worth trying. Free, self-paced, "
        "no account needed to start.",
        "description": "<p>A gentle start for readers who want the basics before anything "
        "longer. Each lesson takes about ten minutes.</p>",
        "format": Program.Format.ONLINE_SELF_PACED,
        "duration_weeks": 2,
        "workload": "About 10 minutes a day",
        "pricing": Program.Pricing.FREE,
        "cta_label": "Start for free",
        "cta_url": "https://learn.example.org/sleep-and-recovery-basics",
        "sort_order": 40,
        "topics": ["nervous-system", "neuroplasticity"],
        "instructors": ["maya-lindqvist"],
        "modules": [
            ("Why we sleep", "The leading ideas, and how they were tested."),
            ("Sleep and memory", "What happens to learning overnight."),
            ("Light, caffeine and timing", "The everyday levers with the best evidence."),
        ],
        "faqs": [
            ("Is it really free?", "Yes. There is no payment step and nothing to cancel."),
        ],
        "testimonials": [
            (
                "Short lessons I could do on the bus. I moved my coffee earlier and sleep "
                "better for it.",
                "Chris L.",
                "",
                True,
            ),
        ],
    },
    {
        "slug": "winter-breathwork-intensive",
        "kind": Program.Kind.PROGRAM,
        "title": "Winter Breathwork Intensive",
        "tagline": "Four live weeks of guided breathing practice.",
        "summary": "A short live program of guided breathing practice and the research "
        "behind it. Enrolment for this season has closed.",
        "format": Program.Format.ONLINE_LIVE,
        "duration_weeks": 4,
        "workload": "Two 45-minute sessions a week",
        "hours_per_week": Decimal("1.5"),
        "pricing": Program.Pricing.PRICED,
        "price": Decimal("150"),
        "promote_days": (-90, -30),
        "cta_label": "Enrol now",
        "cta_url": "https://learn.example.org/winter-breathwork",
        "sort_order": 50,
        "topics": ["nervous-system"],
        "instructors": ["maya-lindqvist"],
        "modules": [("Foundations", "Posture, pace and safety.")],
        "faqs": [],
        "testimonials": [],
    },
    {
        "slug": "reading-research-like-a-scientist",
        "kind": Program.Kind.COURSE,
        "title": "Reading Research Like a Scientist",
        "tagline": "Draft: a course on reading studies critically.",
        "summary": "How to read an abstract, a methods section and a preprint without "
        "being fooled. In preparation.",
        "format": Program.Format.ONLINE_SELF_PACED,
        "duration_weeks": 4,
        "pricing": Program.Pricing.PRICED,
        "price": Decimal("120"),
        "draft": True,
        "cta_label": "Enrol now",
        "cta_url": "https://learn.example.org/reading-research",
        "sort_order": 60,
        "topics": ["psychedelic-research"],
        "instructors": ["elena-ruiz"],
        "modules": [],
        "faqs": [],
        "testimonials": [],
    },
]

FIELDS = [
    "kind", "title", "tagline", "summary", "description", "format", "duration_weeks",
    "workload", "hours_per_week", "pricing", "price", "cta_label", "cta_url",
    "is_featured", "sort_order",
]  # fmt: skip


def seed():
    """Create the demo programs and a month of clicks; running it again changes nothing."""
    today = timezone.localdate()
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    authors = {author.slug: author for author in Author.objects.all()}
    for index, data in enumerate(PROGRAMS):
        if Program.objects.filter(slug=data["slug"]).exists():
            continue
        program = Program(
            slug=data["slug"],
            status=Program.Status.DRAFT if data.get("draft") else Program.Status.PUBLISHED,
            image_alt="Abstract illustration of branching neurons",
            **{field: data[field] for field in FIELDS if field in data},
        )
        if start_in_days := data.get("start_in_days"):
            program.start_date = today + datetime.timedelta(days=start_in_days)
            program.promote_until = program.start_date - datetime.timedelta(days=1)
        if promote_days := data.get("promote_days"):
            program.promote_from, program.promote_until = (
                today + datetime.timedelta(days=days) for days in promote_days
            )
        program.image.save(
            f"{data['slug']}.jpg", make_cover_image(20 + index, size=(1200, 675)), save=False
        )
        program.full_clean()
        program.save()
        program.topics.set([topics[slug] for slug in data["topics"] if slug in topics])
        program.instructors.set([authors[slug] for slug in data["instructors"] if slug in authors])
        Module.objects.bulk_create(
            Module(program=program, position=position, title=title, summary=summary)
            for position, (title, summary) in enumerate(data["modules"])
        )
        FAQ.objects.bulk_create(
            FAQ(program=program, position=position, question=question, answer=answer)
            for position, (question, answer) in enumerate(data["faqs"])
        )
        Testimonial.objects.bulk_create(
            Testimonial(
                program=program,
                position=position,
                quote=quote,
                name=name,
                role=role,
                is_approved=approved,
            )
            for position, (quote, name, role, approved) in enumerate(data["testimonials"])
        )
        seed_clicks(program, seed=index)


def seed_clicks(program, *, seed):
    """A believable report's worth of counted clicks (REPORT_DAYS), mostly from articles on
    the program's topics."""
    if program.status != Program.Status.PUBLISHED or program.clicks.exists():
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    articles = list(
        Article.objects.published()
        .filter(topics__in=program.topics.all(), topics__is_sensitive=False)
        .distinct()
    )
    pages = [ProgramClick.Source.HOME, ProgramClick.Source.PROGRAM_PAGE, ProgramClick.Source.OTHER]
    clicks = []
    for offset in range(REPORT_DAYS):
        day = today - datetime.timedelta(days=offset)
        if program.promote_until and day > program.promote_until:
            continue
        for _ in range(rng.randint(0, 5)):
            if articles and rng.random() < 0.7:
                source, article = ProgramClick.Source.ARTICLE, rng.choice(articles)
            else:
                source, article = rng.choice(pages), None
            clicks.append(
                ProgramClick(program=program, source=source, article=article, clicked_on=day)
            )
    ProgramClick.objects.bulk_create(clicks)
