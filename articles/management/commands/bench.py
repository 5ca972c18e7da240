"""`make bench`: seed a large site, serve it with gunicorn, load it with wrk, print figures.

Run through `make bench`, which points DATABASE_URL at a separate SQLite file so the
benchmark never touches the site's own database.
"""

import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.gunicorn_process import GunicornServer
from articles.models import Article, ArticleAuthor, Author, Topic

# Cold runs: the page cache off (site-wide rows and rendered comment threads are still
# kept until content changes), and nothing cached at all.
COLD_MODES = {
    "page cache off": {"PAGE_CACHE_SECONDS": "0"},
    "nothing cached": {"PAGE_CACHE_SECONDS": "0", "SITE_ROWS_CACHE_SECONDS": "0"},
}
MODE_TITLES = {
    "warm": "Warm cache (anonymous readers)",
    "page cache off": "Page cache off (fragments kept until content changes)",
    "nothing cached": "Nothing cached (every page and fragment rendered afresh)",
}
ARTICLE = "article detail (200 comments)"
# The article page again as browsers ask for it (they all accept gzip): measured warm, like
# the static file, since compression happens once when the page cache stores a page.
GZIPPED_ARTICLE = "article detail, gzipped"
WARM_ONLY = {GZIPPED_ARTICLE, "static file"}
TARGETS = {
    "warm_ratio": 0.5,  # of the static-file rate
    "warm_p99_ms": 10.0,
    "cold_article_rps": 180.0,  # 2x the anchor's blog-post rate on this machine
    # The anchor served its blog post at about 2% of the static file's rate: the same
    # target in terms that do not depend on the machine.
    "cold_article_static_share": 0.04,
    "cold_article_queries": 10,
    "worker_peak_mb": 80.0,
}


def parse_wrk(output):
    def latency_ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": round(rps, 1),
        "p50_ms": round(latency_ms(percentiles["50"]), 2),
        "p99_ms": round(latency_ms(percentiles["99"]), 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


class Command(BaseCommand):
    help = "Benchmark the site on a large dataset and print each figure next to its target."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--comments", type=int, default=20000)
        parser.add_argument("--programs", type=int, default=10)
        parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument(
            "--worker-class",
            default="sync",
            help="gunicorn worker class, to compare with config/gunicorn.conf.py's choice",
        )
        parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
        parser.add_argument("--output", default="var/bench-results.json")

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is needed: apt-get install wrk (make bench installs it).")
        if "bench" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError("Run through `make bench`: it uses a separate database.")
        if options["worker_class"] == "sync" and options["threads"] > 1:
            options["worker_class"] = "gthread"  # what gunicorn itself switches to
        self.options = options
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.seed()
        pages = self.pages()
        results = {
            "machine": self.machine(),
            "date": timezone.now().isoformat(),
            "gunicorn": {
                "workers": options["workers"],
                "worker_class": options["worker_class"],
                "threads": options["threads"],
            },
            "queries": {mode: self.count_queries(pages, env) for mode, env in COLD_MODES.items()},
            "comment_thread": self.time_comment_thread(),
            "pages": {name: {} for name in pages},
        }
        peaks = []
        for mode, env in {"warm": {}, **COLD_MODES}.items():
            # After the operator's own GUNICORN_CMD_ARGS, if any: the last word wins.
            worker = " ".join(
                [
                    os.environ.get("GUNICORN_CMD_ARGS", ""),
                    f"--worker-class={options['worker_class']} --threads={options['threads']}",
                ]
            ).strip()
            server = GunicornServer(
                workers=options["workers"], env={**env, "GUNICORN_CMD_ARGS": worker}
            ).wait_until_ready()
            try:
                for name, url in pages.items():
                    if name in WARM_ONLY and mode != "warm":
                        continue
                    headers = ["Accept-Encoding: gzip"] if name == GZIPPED_ARTICLE else []
                    self.wrk(server, url, headers, warmup=True)
                    results["pages"][name][mode] = self.wrk(server, url, headers)
                peaks += server.worker_peak_memory_mb()
            finally:
                server.stop()
        results["worker_peak_mb"] = round(max(peaks), 1)
        self.report(results)
        Path(options["output"]).parent.mkdir(parents=True, exist_ok=True)
        Path(options["output"]).write_text(json.dumps(results, indent=2))
        self.stdout.write(f"\nFigures written to {options['output']}")

    # --- Data ---------------------------------------------------------------------------

    def seed(self):
        wanted = self.options["articles"]
        if Article.objects.count() >= wanted:
            return
        self.stdout.write(f"Seeding {wanted} articles and {self.options['comments']} comments…")
        call_command("seed_demo", verbosity=0)
        now = timezone.now()
        topics = list(Topic.objects.all())
        authors = list(Author.objects.all())
        body = "".join(
            f"<p>Paragraph {n} of a research summary, with enough words to be realistic "
            "about what the study measured, in whom, and what it did not show.</p>"
            for n in range(12)
        )
        with transaction.atomic():
            existing = Article.objects.count()
            articles = Article.objects.bulk_create(
                Article(
                    title=f"Research summary number {number}",
                    slug=f"research-summary-{number}",
                    standfirst="A short standfirst about a study and what it found.",
                    body=body,
                    word_count=len(body.split()),
                    status=Article.Status.PUBLISHED,
                    publish_at=now - datetime.timedelta(hours=number + 1),
                )
                for number in range(wanted - existing)
            )
            Article.topics.through.objects.bulk_create(
                Article.topics.through(article_id=article.pk, topic_id=topics[i % len(topics)].pk)
                for i, article in enumerate(articles)
            )
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, author=authors[i % len(authors)])
                for i, article in enumerate(articles)
            )
        self.seed_comments(articles)
        self.seed_programs()

    def seed_comments(self, articles):
        from comments.models import Comment
        from comments.text import render_comment

        hot = Article.objects.get(slug="single-dose-psilocybin-dendritic-spines-mice")
        Comment.objects.filter(article=hot).delete()
        now = timezone.now()

        def comment(article, number, parent=None):
            body = (
                f"Comment {number}: a thoughtful reply about the study design.\n\n"
                "A second paragraph with a link https://example.org/paper."
            )
            # bulk_create skips save(), which stores the HTML a page shows.
            return Comment(
                article=article,
                parent=parent,
                author_name=f"Reader {number}",
                email=f"reader{number}@example.org",
                body=body,
                body_html=render_comment(body),
                status=Comment.Status.APPROVED,
                created_at=now - datetime.timedelta(minutes=20000 - number),
                approved_at=now,
            )

        with transaction.atomic():
            # The hot article: 200 comments in 50 threads, replies up to 4 deep.
            roots = Comment.objects.bulk_create(comment(hot, n) for n in range(50))
            made, parents = 50, roots
            for _depth in range(3):
                parents = Comment.objects.bulk_create(
                    comment(hot, made + i, parent) for i, parent in enumerate(parents)
                )
                made += len(parents)
            Comment.objects.bulk_create(comment(hot, made + i, roots[i]) for i in range(200 - made))
            rest = self.options["comments"] - 200
            batch = [comment(articles[n % len(articles)], 1000 + n) for n in range(rest)]
            Comment.objects.bulk_create(batch, batch_size=2000)

    def seed_programs(self):
        from programs.models import Program

        originals = list(Program.objects.order_by("pk").values_list("pk", flat=True))
        for number in range(self.options["programs"] - len(originals)):
            # A fresh copy of an original each time, published like it, with its topics.
            program = Program.objects.get(pk=originals[number % len(originals)])
            topics = list(program.topics.all())
            program.pk = program.id = None
            program._state.adding = True
            program.slug = f"{program.slug}-copy-{number}"
            program.title = f"{program.title} ({number + 2})"
            program.save()
            program.topics.set(topics)

    # --- Measuring ----------------------------------------------------------------------

    def pages(self):
        from programs.models import Program

        self.hot = hot = (
            Article.objects.annotate(comment_count=Count("comments"))
            .order_by("-comment_count")
            .first()
        )
        program = Program.objects.published().first()
        return {
            "home": "/",
            "article list": "/articles/",
            ARTICLE: hot.get_absolute_url(),
            GZIPPED_ARTICLE: hot.get_absolute_url(),
            "program page": program.get_absolute_url(),
            "static file": staticfiles_storage.url("css/site.css"),
        }

    def time_comment_thread(self):
        """The hot spot of a cold article page: its thread read from the database and
        rendered afresh in this process, the median of 30 runs."""
        from comments.rendering import render_thread
        from comments.selectors import approved_count, comment_thread

        article = self.hot
        url = article.get_absolute_url()
        reads, renders = [], []
        for _ in range(30):
            started = time.perf_counter()
            thread = comment_thread(article)
            read = time.perf_counter()
            render_thread(thread, article_url=url, is_open=True)
            reads.append(read - started)
            renders.append(time.perf_counter() - read)
        return {
            "comments": approved_count(thread),
            "read_ms": round(statistics.median(reads) * 1000, 2),
            "render_ms": round(statistics.median(renders) * 1000, 2),
        }

    def count_queries(self, pages, env):
        """Queries per page in this process, as a worker in `env` would make them (the
        second request: the first fills what is kept until content changes)."""
        counts = {}
        client = Client(SERVER_NAME="localhost")
        overrides = {name: int(value) for name, value in env.items()}
        with override_settings(**overrides):
            for name, url in pages.items():
                if name in WARM_ONLY:
                    continue
                client.get(url)
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                counts[name] = len(captured)
        return counts

    def wrk(self, server, url, headers=(), warmup=False):
        duration = 2 if warmup else self.options["duration"]
        output = subprocess.run(
            [
                "wrk",
                "--latency",
                f"-t{min(2, self.options['connections'])}",
                f"-c{self.options['connections']}",
                f"-d{duration}s",
                *(part for header in headers for part in ("-H", header)),
                server.url + url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return parse_wrk(output)

    def machine(self):
        cpu = ""
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"

    def report(self, results):
        pages = results["pages"]
        static_rps = pages["static file"]["warm"]["rps"]
        write = self.stdout.write
        write(f"\nMachine: {results['machine']}")
        write(
            f"wrk: {self.options['connections']} connections, {self.options['duration']} s "
            f"per page; gunicorn: {self.options['workers']} {self.options['worker_class']} "
            f"workers"
            + (f", {self.options['threads']} threads each" if self.options["threads"] > 1 else "")
        )
        header = f"{'page':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs static':>10}"
        for mode, title in MODE_TITLES.items():
            write(f"\n{title}")
            write(header + (f" {'SQL':>5}" if mode in COLD_MODES else ""))
            for name, figures in pages.items():
                if mode not in figures:
                    continue
                run = figures[mode]
                line = (
                    f"{name:32} {run['rps']:9.1f} {run['p50_ms']:8.2f} {run['p99_ms']:8.2f} "
                    f"{run['rps'] / static_rps:9.0%}"
                )
                if mode in COLD_MODES:
                    line += f" {results['queries'][mode][name]:5}"
                write(line)
            if mode == "warm":
                write(
                    f"  target: every page at least {TARGETS['warm_ratio']:.0%} of the static "
                    f"file's rate, p99 under {TARGETS['warm_p99_ms']:.0f} ms"
                )
        cold = pages[ARTICLE]["page cache off"]
        bare = pages[ARTICLE]["nothing cached"]
        cold_queries = results["queries"]["page cache off"][ARTICLE]
        bare_queries = results["queries"]["nothing cached"][ARTICLE]
        write(
            f"  target: article detail at least {TARGETS['cold_article_rps']:.0f} req/s with at "
            f"most {TARGETS['cold_article_queries']} queries; measured {cold['rps']:.0f} req/s "
            f"and {cold_queries} queries with the page cache off, {bare['rps']:.0f} req/s and "
            f"{bare_queries} queries with nothing cached"
        )
        write(
            f"  the same target against this machine's static rate: at least "
            f"{TARGETS['cold_article_static_share']:.0%} of it "
            f"({TARGETS['cold_article_static_share'] * static_rps:.0f} req/s here); measured "
            f"{bare['rps'] / static_rps:.1%} with nothing cached"
        )
        thread = results["comment_thread"]
        write(
            f"  the article's thread of {thread['comments']} comments, read and rendered "
            f"afresh in one process: {thread['read_ms'] + thread['render_ms']:.1f} ms "
            f"(query and threading {thread['read_ms']:.1f}, HTML {thread['render_ms']:.1f})"
        )
        write(
            f"\nPeak memory per worker: {results['worker_peak_mb']:.1f} MB "
            f"(target under {TARGETS['worker_peak_mb']:.0f} MB)"
        )
        warm_pages = [figures["warm"] for name, figures in pages.items() if name != "static file"]
        checks = {
            "warm ratio": all(
                run["rps"] / static_rps >= TARGETS["warm_ratio"] for run in warm_pages
            ),
            "warm p99": all(run["p99_ms"] < TARGETS["warm_p99_ms"] for run in warm_pages),
            # Cold means cold: nothing kept from an earlier request, not even fragments.
            "cold article rate": bare["rps"] >= TARGETS["cold_article_rps"],
            "cold article queries": bare_queries <= TARGETS["cold_article_queries"],
            "worker memory": results["worker_peak_mb"] < TARGETS["worker_peak_mb"],
            "no errors": all(
                run["non_2xx"] == 0 for figures in pages.values() for run in figures.values()
            ),
        }
        results["targets_met"] = checks
        verdicts = (f"{name} {'met' if met else 'MISSED'}" for name, met in checks.items())
        write("\nTargets: " + ", ".join(verdicts))
