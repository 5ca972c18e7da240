"""Date input for staff: Django's English formats without the numeric US order.

"01/12/2026" is 12 January in the US and 1 December almost everywhere else; read the US
way, a publication or review date typed by an editor elsewhere would be saved a month or
more off without a word. Year-month-day (what the admin's calendar writes) and dates with
the month's name are unambiguous, so those are kept; anything else asks again.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-01
    "%d %b %Y",  # 1 Dec 2026
    "%d %b, %Y",
    "%d %B %Y",  # 1 December 2026
    "%d %B, %Y",
    "%b %d %Y",  # Dec 1 2026
    "%b %d, %Y",
    "%B %d %Y",  # December 1 2026
    "%B %d, %Y",
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
]

# Dates and times the admin shows (lists, read-only fields) as the site's own pages and
# the comment queue write them, "27 Nov 2026, 23:06", not Django's English
# "Nov. 27, 2026, 11:06 p.m.".
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
