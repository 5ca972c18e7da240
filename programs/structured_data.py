"""schema.org `Course` data for a program's page, built as a dict for `program_json_ld`."""

from decimal import Decimal

from articles import seo

from .models import Program

COURSE_MODES = {
    Program.Format.ONLINE_SELF_PACED: "Online",
    Program.Format.ONLINE_LIVE: "Online",
    Program.Format.ONE_TO_ONE: "Online",
    Program.Format.IN_PERSON: "Onsite",
    Program.Format.BLENDED: "Blended",
}


def iso_hours(hours: Decimal) -> str:
    """An ISO 8601 duration for a number of hours: 2 -> "PT2H", 1.5 -> "PT1H30M"."""
    minutes = round(hours * 60)
    whole_hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{whole_hours}H" if whole_hours else "") + (f"{minutes}M" if minutes else "")


def course_instance(program: Program, instructors) -> dict:
    instance = {"@type": "CourseInstance", "courseMode": COURSE_MODES[program.format]}
    weeks, hours = program.duration_weeks, program.hours_per_week
    if hours:
        instance["courseSchedule"] = {
            "@type": "Schedule",
            "repeatFrequency": "Weekly",
            "duration": iso_hours(hours),
            **({"repeatCount": weeks} if weeks else {}),
        }
        if weeks:
            instance["courseWorkload"] = iso_hours(hours * weeks)
    elif program.workload:
        instance["courseWorkload"] = program.workload
    elif weeks:
        instance["courseSchedule"] = {
            "@type": "Schedule",
            "repeatFrequency": "Weekly",
            "repeatCount": weeks,
        }
    if program.start_date:
        instance["startDate"] = program.start_date.isoformat()
    if instructors:
        instance["instructor"] = instructors
    return instance


def offers(program: Program, page_url: str) -> list[dict]:
    if program.pricing == Program.Pricing.PRICED and program.price is not None:
        category, price = "Paid", f"{program.price_in_currency_digits:f}"
    elif program.pricing == Program.Pricing.FREE:
        category, price = "Free", "0"
    else:
        return []
    availability = "SoldOut" if program.is_enrolment_closed else "InStock"
    return [
        {
            "@type": "Offer",
            "category": category,
            "price": price,
            "priceCurrency": program.currency,
            "availability": f"https://schema.org/{availability}",
            "url": page_url,
        }
    ]


def program_course_data(*, program: Program, request, publication) -> dict:
    """The `Course` for `program`; `instructors` and `modules` must be prefetched."""
    page_url = request.build_absolute_uri(program.get_absolute_url())
    instructors = [
        seo.credited_person(request, author)
        if getattr(author, "has_page", False)
        else seo.person(author)
        for author in program.instructors.all()
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": program.title,
        "description": program.summary,
        "url": page_url,
        "provider": seo.organization(request, publication),
        "hasCourseInstance": [course_instance(program, instructors)],
    }
    if program.image:
        data["image"] = request.build_absolute_uri(program.image.url)
    if program.modules.all():
        data["syllabusSections"] = [
            {"@type": "Syllabus", "name": module.title, "description": module.summary}
            for module in program.modules.all()
        ]
    if program_offers := offers(program, page_url):
        data["offers"] = program_offers
    return data
