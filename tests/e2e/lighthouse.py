"""Lighthouse scores of the running site: `make audit` runs this.

It serves the demo content with gunicorn (through articles/gunicorn_process.py, as the
benchmark does) and the production static files (a throwaway
SQLite database and media folder, so nothing of yours is touched), then runs Lighthouse
(from `npm ci`) with Debian's Chromium in its default mobile emulation on the home page
and an article, and prints the four category scores. It exits non-zero when a score is
under the goal (95 unless LIGHTHOUSE_MIN_SCORE says otherwise).

Each page is measured LIGHTHOUSE_RUNS times (3 by default) and the median report is
kept, as Lighthouse's own documentation advises: one run on a busy machine can be
several points off.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from articles.gunicorn_process import BASE_DIR, GunicornServer

LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
MIN_SCORE = int(os.environ.get("LIGHTHOUSE_MIN_SCORE", "95"))
RUNS = max(1, int(os.environ.get("LIGHTHOUSE_RUNS", "3")))
# A folder to keep the JSON reports in, for a closer look (they are deleted otherwise).
KEEP_REPORTS = os.environ.get("LIGHTHOUSE_REPORTS")


def manage(environment, *arguments):
    subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=environment, check=True
    )


def first_article_url(base_url):
    """The newest article, as the sitemap lists it."""
    with urllib.request.urlopen(f"{base_url}/sitemap.xml", timeout=10) as response:
        sitemap = response.read().decode()
    match = re.search(r"<loc>([^<]*/articles/[^<]+/)</loc>", sitemap)
    if not match:
        sys.exit("The sitemap lists no article; is the demo content in place?")
    return match.group(1)


def lighthouse(url, report_path, environment):
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            f"--output-path={report_path}",
            "--quiet",
        ],
        env=environment | {"CHROME_PATH": CHROMIUM},
        check=True,
    )
    return json.loads(Path(report_path).read_text())


def median_report(reports):
    """The run with the median performance score (the other categories barely vary)."""
    ranked = sorted(reports, key=lambda report: report["categories"]["performance"]["score"])
    return ranked[len(ranked) // 2]


def weak_audits(report, category):
    """The audits that cost points in a category, for a reader to act on."""
    lines = []
    for reference in report["categories"][category]["auditRefs"]:
        audit = report["audits"][reference["id"]]
        if reference["weight"] and audit["score"] is not None and audit["score"] < 1:
            lines.append(f"    - {audit['title']} ({audit.get('displayValue', audit['score'])})")
    return lines


def main():
    missing = [
        reason
        for reason, ok in [
            (f"Chromium at {CHROMIUM} (apt-get install -y chromium)", Path(CHROMIUM).exists()),
            ("node_modules/.bin/lighthouse (run `npm ci`)", LIGHTHOUSE.exists()),
        ]
        if not ok
    ]
    if missing:
        sys.exit("make audit needs " + " and ".join(missing))

    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        environment = os.environ | {
            "DATABASE_URL": f"sqlite:///{folder}/audit.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "CACHE_URL": "locmemcache://audit",
            "PAGE_CACHE_GENERATION_FILE": f"{folder}/page-cache-generation",
            "DEBUG": "false",
        }
        manage(environment, "migrate", "--noinput", "--verbosity", "0")
        manage(environment, "collectstatic", "--noinput", "--verbosity", "0")
        manage(environment, "seed_demo", "--verbosity", "0")

        # Its access log goes nowhere: Lighthouse's requests would bury the scores.
        server = GunicornServer(workers=2, env=environment)
        try:
            server.wait_until_ready()
            base_url = server.url
            pages = {"home": f"{base_url}/", "article": first_article_url(base_url)}
            failed = False
            print(
                f"\nLighthouse {time.strftime('%Y-%m-%d')}, mobile emulation, Chromium, "
                f"median of {RUNS} run{'s' if RUNS > 1 else ''}"
            )
            for name, url in pages.items():
                reports = [
                    lighthouse(url, Path(folder) / f"{name}-{run}.json", environment)
                    for run in range(RUNS)
                ]
                report = median_report(reports)
                if KEEP_REPORTS:
                    Path(KEEP_REPORTS).mkdir(parents=True, exist_ok=True)
                    (Path(KEEP_REPORTS) / f"{name}.json").write_text(json.dumps(report))
                scores = {
                    category: round(report["categories"][category]["score"] * 100)
                    for category in CATEGORIES
                }
                print(f"  {name:8} {url}")
                for category, score in scores.items():
                    mark = "" if score >= MIN_SCORE else f"  < {MIN_SCORE}"
                    print(f"    {category:15} {score:3}{mark}")
                    if score < MIN_SCORE:
                        failed = True
                        print("\n".join(weak_audits(report, category)))
        finally:
            server.stop()
    if failed:
        sys.exit(f"A Lighthouse score is under {MIN_SCORE}.")


if __name__ == "__main__":
    main()
