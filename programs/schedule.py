"""When program pages and promotions change by the calendar alone (for the page cache)."""

import datetime

from django.db.models import Min, Q
from django.utils import timezone

from .models import Program


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def next_promotion_change():
    """The next moment a promotion window opens or closes, or None.

    A window is a range of whole days: it opens at the start of `promote_from` and closes
    at the end of `promote_until`, when the program's page also starts to say that
    enrolment is closed.
    """
    today = timezone.localdate()
    bounds = Program.objects.published().aggregate(
        next_start=Min("promote_from", filter=Q(promote_from__gt=today)),
        next_end=Min("promote_until", filter=Q(promote_until__gte=today)),
        # The day after a cohort begins, its pages stop saying "starts ...".
        next_begun=Min("start_date", filter=Q(start_date__gte=today)),
    )
    moments = []
    if bounds["next_start"]:
        moments.append(_start_of(bounds["next_start"]))
    if bounds["next_end"]:
        moments.append(_start_of(bounds["next_end"] + datetime.timedelta(days=1)))
    if bounds["next_begun"]:
        moments.append(_start_of(bounds["next_begun"] + datetime.timedelta(days=1)))
    return min(moments, default=None)
