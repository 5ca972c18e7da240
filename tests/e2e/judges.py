"""Judges we did not write: axe-core for accessibility, the Nu Html Checker for HTML."""

import json
import subprocess
import tempfile
from pathlib import Path

from tests.e2e.conftest import VNU_JAR

# WCAG 2.1 levels A and AA, the rules the site promises to meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page, one line each."""
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]


def vnu_errors(java: str, pages: dict[str, str]) -> dict[str, list[str]]:
    """Nu Html Checker errors for each named HTML document, checked in one run (the
    Java start-up is most of the cost)."""
    names = {f"page-{number}.html": name for number, name in enumerate(pages)}
    with tempfile.TemporaryDirectory() as folder:
        for file_name, name in names.items():
            (Path(folder) / file_name).write_text(pages[name], encoding="utf-8")
        completed = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
            + [str(Path(folder) / file_name) for file_name in names],
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
    errors = {}
    for message in json.loads(completed.stdout)["messages"]:
        if message["type"] != "error" and message.get("subType") != "fatal":
            continue
        name = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
        extract = " ".join(message.get("extract", "").split())[:120]
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']} [{extract}]"
        )
    return errors
