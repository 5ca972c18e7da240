"""One place turns text into trusted HTML: articles/html.py (the nh3 allowlist). These
tests read the project's own source and fail the build when anything else switches
Django's escaping off, so a stored comment or a staff-written field can never carry a
script to a reader's page."""

import ast
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from articles.html import html_format, html_join

ROOT = Path(settings.BASE_DIR)
SANITISER = ROOT / "articles" / "html.py"
# Not the project's own shipped code: the environment, build output, and the tests.
SKIPPED_DIRECTORIES = {
    ".venv", "var", "node_modules", ".git", "tests", "__pycache__", ".ruff_cache",
}  # fmt: skip
MARKS_SAFE = {"mark_safe", "SafeString", "SafeText"}
# Functions that escape their values into a literal template (articles/html.py has the
# second, for long loops).
FORMATTERS = {"format_html", "html_format"}
TEMPLATE_ESCAPE_OFF = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off\s*%}")
HOW_TO_FIX = (
    "Only articles/html.py may mark HTML as safe. Let Django escape the value (in a "
    "template, or with format_html and arguments), or add a cleaning function to "
    "articles/html.py and use that."
)


def project_files(*suffixes):
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = sorted(set(subdirectories) - SKIPPED_DIRECTORIES)
        for name in sorted(files):
            if name.endswith(suffixes):
                yield Path(directory) / name


def is_plain_text_email(path):
    """E-mail bodies sent as text/plain are never HTML, and must not be HTML-escaped."""
    return path.suffix == ".txt" and "email" in path.parts


def python_offences(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in MARKS_SAFE:
                yield node.lineno, f"{name}()"
            elif name in FORMATTERS and not node.args[1:] and not node.keywords:
                yield node.lineno, f"{name}() without arguments (it only marks safe)"
            elif name in FORMATTERS and node.args and _is_built_string(node.args[0]):
                yield node.lineno, f"{name}() on a string built beforehand (unescaped)"
            elif name == "html_literal" and not _is_string_literal(node):
                yield node.lineno, "html_literal() on anything but one string literal"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and TEMPLATE_ESCAPE_OFF.search(node.value)
        ):
            yield node.lineno, "a template string that switches escaping off"


def _is_string_literal(call):
    return (
        len(call.args) == 1
        and not call.keywords
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    )


def _is_built_string(node):
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "format"


def test_only_the_sanitiser_marks_html_safe_in_python():
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in project_files(".py")
        if path != SANITISER
        for line, what in python_offences(path)
    ]
    assert not offences, HOW_TO_FIX + "\n" + "\n".join(offences)


def test_no_template_switches_escaping_off():
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in project_files(".html", ".xml", ".txt", ".svg")
        if not is_plain_text_email(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_ESCAPE_OFF.search(line)
    ]
    assert not offences, HOW_TO_FIX + "\n" + "\n".join(offences)


def test_our_scripts_never_turn_strings_into_html_or_code():
    sinks = re.compile(
        r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML|document\.write|\beval\(|new Function\("
    )
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in project_files(".js")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if sinks.search(line)
    ]
    assert not offences, "Build elements with textContent and createElement.\n" + "\n".join(
        offences
    )


def test_the_rule_catches_what_it_is_meant_to(tmp_path):
    """The checks above would see an offence if there were one."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from django.utils.html import format_html\n"
        "from django.utils.safestring import mark_safe\n"
        "a = mark_safe(value)\n"
        "b = format_html(f'<b>{value}</b>')\n"
        "c = format_html('<br>')\n"
        "d = format_html('<b>{}</b>', value)\n"
        "e = Template('{{ value|safe }}')\n"
        "f = html_format('<i>' + value + '</i>', other)\n"
        "g = html_format('<hr>')\n"
        "h = html_format('<i>{}</i>', value)\n"
        "i = html_literal(value)\n"
        "j = html_literal(f'<b>{value}</b>')\n"
        "k = html_literal('</li>')\n"
    )
    assert sorted(line for line, _ in python_offences(sample)) == [3, 4, 5, 7, 8, 9, 11, 12]
    assert TEMPLATE_ESCAPE_OFF.search("{{ body | safe }}")
    assert TEMPLATE_ESCAPE_OFF.search("{% autoescape off %}")
    assert not TEMPLATE_ESCAPE_OFF.search("{{ body|safe_excerpt }}")


def test_the_fast_formatter_escapes_like_format_html():
    """The comment thread's formatter escapes exactly as Django does, and joining refuses
    a string nobody escaped."""

    class Marked:
        def __html__(self):
            return "<b>already safe</b>"

    hostile = [
        "<script>alert('x')</script>",
        'a "quoted" & <b>',
        42,
        None,
        gettext_lazy("<i>lazy & translated</i>"),
        Marked(),
        format_html("<i>{}</i>", "ok"),
    ]
    for value in hostile:
        assert html_format("<p>{}</p>", value) == format_html("<p>{}</p>", value)
    assert html_join([html_format("<p>{}</p>", "a"), format_html("<p>{}</p>", "b")]) == (
        "<p>a</p><p>b</p>"
    )
    with pytest.raises(TypeError):
        html_join([html_format("<p>{}</p>", "a"), "<script>"])
