"""Post many comments at once through real gunicorn workers and check that none is lost.

Each simulated reader comes from its own loopback address (127.1.x.y), so flood control
stays on exactly as in production. Every reader loads the article page first; once the
form's two-second minimum has passed they all send their comments, `--clients` at a time.
"""

import http.client
import re
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.gunicorn_process import GunicornServer
from articles.models import Article
from comments.models import Comment

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP = re.compile(r'name="timestamp" value="([^"]+)"')


def loopback_address(number):
    return f"127.1.{number // 250}.{number % 250 + 1}"


class Reader:
    """One reader: a connection from its own address, with its own cookies."""

    def __init__(self, port, address):
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=60, source_address=(address, 0)
        )
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode(errors="replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content


class Command(BaseCommand):
    help = "Post comments from many concurrent readers and verify that every accepted one is kept."

    def add_arguments(self, parser):
        parser.add_argument("--comments", type=int, default=500)
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--workers", type=int, default=4)

    def handle(self, *args, comments, clients, workers, **options):
        article = Article.objects.published().filter(comments_enabled=True).first()
        if article is None:
            raise CommandError("No published article takes comments; run seed_demo first.")
        run = uuid.uuid4().hex[:12]
        path = article.get_absolute_url()
        post_path = f"{path}comments/"
        statuses = Counter()
        lock = threading.Lock()
        log_path = Path("var") / f"stress-{run}.log"
        log_path.parent.mkdir(exist_ok=True)

        def load_form(number):
            reader = Reader(server.port, loopback_address(number))
            status, page = reader.request("GET", path)
            with lock:
                statuses[f"GET {status}"] += 1
            if status != 200:
                return None
            reader.form = {
                "csrfmiddlewaretoken": TOKEN.search(page).group(1),
                "timestamp": TIMESTAMP.search(page).group(1),
                "author_name": f"Reader {number}",
                "email": f"stress-{run}-{number}@example.org",
                "body": f"Stress run {run}, comment {number}: every one must be kept.",
                "homepage": "",
            }
            return reader

        def send(reader):
            status, _ = reader.request("POST", post_path, urllib.parse.urlencode(reader.form))
            with lock:
                statuses[status] += 1

        # gunicorn serves the hashed static files named in the manifest.
        call_command("collectstatic", interactive=False, verbosity=0)
        server = GunicornServer(workers=workers, log_path=log_path)
        started = time.monotonic()
        with server:
            with ThreadPoolExecutor(max_workers=clients) as pool:
                readers = [reader for reader in pool.map(load_form, range(comments)) if reader]
                time.sleep(2.1)  # the form refuses posts faster than two seconds
                posting = time.monotonic()
                list(pool.map(send, readers))
            elapsed = time.monotonic() - started
            posting = time.monotonic() - posting
            log = server.log()

        accepted = statuses[302]
        stored = Comment.objects.filter(body__startswith=f"Stress run {run},").count()
        server_errors = sum(
            count for status, count in statuses.items() if str(status).split()[-1][0] == "5"
        )
        locked = log.count("database is locked")
        self.stdout.write(
            f"{comments} comments from {clients} concurrent readers against {workers} workers "
            f"in {elapsed:.1f} s ({posting:.1f} s of posting)\n"
            f"  responses: {dict(sorted(statuses.items(), key=str))}\n"
            f"  accepted (302): {accepted}, stored: {stored}, lost: {accepted - stored}\n"
            f"  5xx: {server_errors}, 'database is locked' in the server log: {locked}"
        )
        if stored != accepted or server_errors or locked or accepted != comments:
            raise CommandError(f"Comments were refused or lost; server log: {log_path}")
        log_path.unlink()
        self.stdout.write(self.style.SUCCESS("Every accepted comment was kept."))
