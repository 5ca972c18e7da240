"""Factory functions for programs: each makes one valid object, overridable by keyword."""

import itertools
from decimal import Decimal

from programs.models import FAQ, Module, Program, Testimonial

_sequence = itertools.count(1)


def make_program(*, topics=(), instructors=(), **overrides):
    """A published, priced program, promoted with no window, unless overridden."""
    number = next(_sequence)
    fields = {
        "title": f"Program {number}",
        "slug": f"program-{number}",
        "tagline": "A tagline.",
        "summary": "A short summary of the program.",
        "kind": Program.Kind.COURSE,
        "format": Program.Format.ONLINE_SELF_PACED,
        "pricing": Program.Pricing.PRICED,
        "price": Decimal("390.00"),
        "currency": "USD",
        "cta_label": "Enrol now",
        "cta_url": f"https://learn.example.org/program-{number}",
        "status": Program.Status.PUBLISHED,
    }
    program = Program.objects.create(**(fields | overrides))
    if topics:
        program.topics.set(topics)
    if instructors:
        program.instructors.set(instructors)
    return program


def make_module(program, **overrides):
    return Module.objects.create(program=program, **({"title": "A module"} | overrides))


def make_faq(program, **overrides):
    fields = {"question": "A question?", "answer": "An answer."}
    return FAQ.objects.create(program=program, **(fields | overrides))


def make_testimonial(program, **overrides):
    fields = {"quote": "It helped.", "name": "Sam P.", "is_approved": True}
    return Testimonial.objects.create(program=program, **(fields | overrides))
