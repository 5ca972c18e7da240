"""Click counting and its report, kept free of anything that identifies a reader."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from articles.models import Article

from .models import Program, ProgramClick

# Crawlers, link-preview fetchers, uptime monitors and scripts. Real browsers name none of
# these (but "CUBOT", a phone maker, ends in "bot"); a request with no user agent at all
# is not a reader either.
AUTOMATED_USER_AGENT = re.compile(
    r"(?<!cu)bot|crawl|spider|slurp|archiver|scrap|fetch|preview|monitor|uptime|pingdom|lighthouse"
    r"|headless|phantom|selenium|puppeteer|playwright|facebookexternalhit|embedly|whatsapp"
    r"|skypeuripreview|slack|discord|telegram|validator|curl|wget|httpie|python|java/|okhttp"
    r"|go-http-client|libwww|perl|ruby|php|node|axios|apache-httpclient|scanner",
    re.IGNORECASE,
)
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
PAGE_SOURCES = {
    "home": ProgramClick.Source.HOME,
    "list": ProgramClick.Source.PROGRAM_LIST,
    "page": ProgramClick.Source.PROGRAM_PAGE,
}
REPORT_DAYS = 30


def is_automated(request) -> bool:
    """True for requests no reader made: bots by user agent, and browser prefetches."""
    user_agent = request.headers.get("User-Agent", "").strip()
    if not user_agent or AUTOMATED_USER_AGENT.search(user_agent):
        return True
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return "prefetch" in purpose.lower() or request.headers.get("X-Moz") == "prefetch"


def click_record(*, program: Program, article_slug: str = "", via: str = "") -> ProgramClick:
    """Count one click on `program`'s enrolment button.

    `article_slug` names the published article the reader came from; `via` names a page of
    this site ("home", "list", "page"). Anything else is counted as "other". Neither value
    is stored unless it names a real article or page.
    """
    article = None
    if article_slug and SLUG.fullmatch(article_slug):
        article = Article.objects.published().filter(slug=article_slug).only("pk").first()
    if article is not None:
        source = ProgramClick.Source.ARTICLE
    else:
        source = PAGE_SOURCES.get(via, ProgramClick.Source.OTHER)
    return ProgramClick.objects.create(program=program, source=source, article=article)


@dataclass(frozen=True)
class ClickSource:
    label: str
    clicks: int
    url: str = ""


@dataclass(frozen=True)
class ClickReport:
    """Clicks on one program over the last `days` days, by day and by source."""

    since: datetime.date
    until: datetime.date
    days: list[tuple[datetime.date, int]]
    sources: list[ClickSource]

    @property
    def total(self) -> int:
        return sum(clicks for _, clicks in self.days)

    @property
    def busiest_day(self) -> int:
        return max((clicks for _, clicks in self.days), default=0)


def click_report(*, program: Program, days: int = REPORT_DAYS, today=None) -> ClickReport:
    """Count `program`'s clicks per day and per source article or page, newest `days` days."""
    until = today or timezone.localdate()
    since = until - datetime.timedelta(days=days - 1)
    clicks = ProgramClick.objects.filter(program=program, clicked_on__range=(since, until))

    per_day = dict(
        clicks.order_by()
        .values("clicked_on")
        .annotate(count=Count("pk"))
        .values_list("clicked_on", "count")
    )
    day_counts = [
        (day, per_day.get(day, 0))
        for day in (since + datetime.timedelta(days=offset) for offset in range(days))
    ]

    labels = dict(ProgramClick.Source.choices)
    sources = []
    rows = (
        clicks.order_by()
        .values("source", "article__title", "article__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "article__title")
    )
    for row in rows:
        if row["source"] == ProgramClick.Source.ARTICLE and row["article__title"]:
            label = row["article__title"]
            url = Article(slug=row["article__slug"]).get_absolute_url()
        elif row["source"] == ProgramClick.Source.ARTICLE:
            label, url = "An article since deleted", ""
        else:
            label, url = labels[row["source"]], ""
        sources.append(ClickSource(label=label, clicks=row["count"], url=url))
    return ClickReport(since=since, until=until, days=day_counts, sources=sources)
