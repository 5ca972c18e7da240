"""ISO 4217 currencies for program prices, from the Unicode CLDR data that Babel ships."""

import functools
from decimal import Decimal

from babel import Locale
from babel.numbers import (
    format_currency,
    get_currency_name,
    get_currency_symbol,
    get_territory_currencies,
)
from django.conf import settings
from django.utils.translation import to_locale


@functools.cache
def _locale():
    return Locale.parse(to_locale(settings.LANGUAGE_CODE))


@functools.cache
def currency_codes() -> frozenset[str]:
    """Codes that some country uses as legal tender today (withdrawn ones are refused)."""
    codes = set()
    for territory in Locale("en").territories:
        codes.update(get_territory_currencies(territory, tender=True))
    return frozenset(codes)


def currency_choices():
    """For the admin's select: "EUR — Euro", in code order.

    A callable, so that a newer CLDR release changes no migration.
    """
    return [
        (code, f"{code} — {get_currency_name(code, locale='en')}")
        for code in sorted(currency_codes())
    ]


def format_price(amount: Decimal, currency: str) -> str:
    """A price as readers expect it: "$390", "€49.50", "CHF 1,200" (a no-break space)."""
    if amount == amount.to_integral_value():
        text = format_currency(
            amount, currency, format="¤#,##0", currency_digits=False, locale=_locale()
        )
    else:
        text = format_currency(amount, currency, locale=_locale())
    # CLDR's currency spacing, which Babel leaves out: a symbol made of letters stands
    # apart from the number ("CHF 1,200", not "CHF1,200"); "$390" and "€49.50" do not.
    symbol = get_currency_symbol(currency, locale=_locale())
    if (
        symbol[-1:].isalpha()
        and text.startswith(symbol)
        and text[len(symbol) : len(symbol) + 1].isdigit()
    ):
        text = f"{symbol}\u00a0{text[len(symbol) :]}"
    return text
