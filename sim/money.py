"""The currency a scenario's amounts are in (``funding.currency``), and how an amount is written in it.

The currency is a label: the model never converts an amount, and two scenarios in different currencies
simulate the same way. Reports, charts and the lines the commands print write an amount with the
currency's symbol where it has a common one, placed as each language places it (``€12,345`` and
``$12,345`` in English, ``12 345 €`` and ``12 345 $`` in French), and with its ISO 4217 code and a
space where it has none (``CHF 12,345``, ``12 345 CHF``).
"""

from __future__ import annotations

from .errors import ScenarioError, did_you_mean

#: The currency of a scenario that names none, and of an output folder written before scenarios named
#: one: the Centre-Sud presets are Montreal's, in Canadian dollars.
DEFAULT_CURRENCY = "CAD"

#: The ISO 4217 codes a scenario may name, each with the symbol reports write (None: the code itself).
#: Dollars of every country are written ``$``: a report names one scenario's currency, never two.
CURRENCIES: dict[str, str | None] = {
    "CAD": "$", "USD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£", "JPY": "¥",
    "CHF": None, "SEK": None, "NOK": None, "DKK": None, "MXN": None, "BRL": None,
    "XOF": None, "XAF": None, "MAD": None, "TND": None, "DZD": None, "HTG": None,
}

#: What a scenario may write instead of a code, and the code it most likely means (for the error message).
_SYMBOL_CODES = {"$": "CAD", "€": "EUR", "£": "GBP", "¥": "JPY", "EURO": "EUR", "EUROS": "EUR",
                 "DOLLAR": "CAD", "DOLLARS": "CAD"}


def check_currency(code: str, key: str = "funding.currency") -> str:
    """``code`` if it is one of :data:`CURRENCIES`; else a :class:`ScenarioError` naming ``key``, the
    allowed codes and the nearest one (what is wrong with it where that is clear: spaces around a code,
    small letters, a symbol or a name instead of the code)."""
    if code in CURRENCIES:
        return code
    text = str(code).strip()
    if text in CURRENCIES:   # ' EUR ' (quoted with spaces): the capitals were right
        hint = f" (did you mean '{text}'? without the spaces around it)"
    elif text.upper() in CURRENCIES:
        hint = f" (did you mean '{text.upper()}'? codes are written in capitals)"
    elif text.upper() in _SYMBOL_CODES:
        hint = f" (did you mean '{_SYMBOL_CODES[text.upper()]}'? write the code, not the symbol or the name)"
    else:
        hint = did_you_mean(text.upper(), CURRENCIES, cutoff=0.5)
    raise ScenarioError(f"expected an ISO 4217 currency code, one of {', '.join(CURRENCIES)}; found "
                        f"{code!r}{hint}", key=key)


def symbol(code: str | None) -> str:
    """The symbol an amount in ``code`` is written with: ``$``, ``€``, or the code itself (``CHF``)."""
    code = code or DEFAULT_CURRENCY
    return CURRENCIES.get(code) or code


#: How a unit declared in the code writes "in the scenario's currency": ``$`` in a parameter's unit
#: (``$/year``, ``$/partner/week``), the key's name in an outcome's (``funding.currency a week``).
_CURRENCY_PLACEHOLDERS = ("funding.currency", "$")


def unit_in(unit: str, code: str | None) -> str:
    """``unit`` as it reads for a scenario whose amounts are in ``code``: ``$/year`` is ``EUR/year`` in a
    scenario in euros and ``CAD/year`` in one in Canadian dollars, ``funding.currency a week`` is
    ``EUR a week``; a unit without money (``weeks``, ``probability``) is unchanged. The code, not the
    symbol, since ``$`` stands for every dollar."""
    code = code or DEFAULT_CURRENCY
    for placeholder in _CURRENCY_PLACEHOLDERS:
        if unit.startswith(placeholder):
            return code + unit[len(placeholder):]
    return unit


def with_currency(number: str, code: str | None, lang: str, nbsp: str = "\u202f") -> str:
    """An amount already written as a number in ``lang`` (``1,234``, ``−1 234``), with its currency.

    English puts a symbol before the number, after its sign (``−$1,234``, ``€1,234``) and a code before
    it with a space (``CHF 1,234``); French puts either after the number, with ``nbsp`` (a narrow
    no-break space, as before ``%``) between them (``1 234 €``, ``1 234 CHF``).
    """
    mark = symbol(code)
    if lang == "fr":
        return number + nbsp + mark
    sign, digits = (number[0], number[1:]) if number[:1] in "−+-" else ("", number)
    space = "\u00a0" if mark not in CURRENCIES.values() else ""   # a code: "CHF 1,234" (no-break space)
    return f"{sign}{mark}{space}{digits}"
