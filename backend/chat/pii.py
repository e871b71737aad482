"""Personal details a young person should not post in the chat: phone, e-mail, identity code,
street address, social-media handle or profile link.

Every rule reads the normalised text (normalise.py). `pii_kind(text)` names the first kind found, or None.
"""
import re

import phonenumbers

from .addresses import has_address
from .normalise import normalise, spell_out
from .social import has_handle

REGIONS = ("FI", "SE", "DK", "UA")
COUNTRY_CODES = ("358", "46", "45", "380")

# --- phone ----------------------------------------------------------------------------------------
DIGIT_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[^\w\n,]{0,3}\d){6,15}(?![\da-z])", re.I)
DIGIT_GROUP = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s.\-/()]*\d|(?<![\w+])\d")
YEAR_RANGE = re.compile(r"^(?:1[89]|20)\d\d\s*[-/–]\s*(?:(?:1[89]|20)\d\d|\d\d)$")
THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:[ .,]\d{3})+$")
YEARS = re.compile(r"^(?:(?:19|20)\d\d[\s,/–-]+)+(?:19|20)\d\d$")
DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})$|^\d{4}-\d\d-\d\d$")


def _plausible_number(digits: str) -> bool:
    """Digits (maybe with + or 00) that are a valid number in one of our regions."""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    for region in REGIONS:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(digits, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def _ordinary_number(run: str) -> bool:
    """Year ranges, thousands and dates look like long digit runs but are not phone numbers."""
    run = run.strip()
    digits = re.sub(r"\D", "", run)
    if len(digits) >= 5 and digits in "0123456789" and not digits.startswith("0"):     # counting: 1 2 3 4 5 6 7 8 9
        return True
    return bool(YEAR_RANGE.match(run) or YEARS.match(run) or THOUSANDS.match(run) or DATE.match(run))


def has_phone(text: str) -> bool:
    for region in REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if not _ordinary_number(match.raw_string):
                return True
    for match in DIGIT_RUN.finditer(text):
        run = match.group()
        digits = re.sub(r"[^\d+]", "", run)
        if _ordinary_number(run):
            continue
        if _run_is_phone(digits):
            return True
    return _split_number(text)


def _run_is_phone(digits: str) -> bool:
    """A long digit run: from 0/+ a valid or 9+ digit number; else a valid number after a country code without +."""
    if digits.startswith(("0", "+")):
        return len(digits.lstrip("+")) >= 9 or _plausible_number(digits)
    return digits.startswith(COUNTRY_CODES) and _plausible_number("+" + digits)


def _split_number(text: str) -> bool:
    """A number in two or more pieces ("040 123 ja sit 4567"): pieces joined from one that starts like a number."""
    groups = [re.sub(r"[^\d+]", "", g.group()) for g in DIGIT_GROUP.finditer(text) if not _ordinary_number(g.group())]
    for i, first in enumerate(groups):
        if not (first.startswith(("0", "+")) and len(first) >= 3):
            continue
        joined = first
        for piece in groups[i + 1:i + 4]:
            joined += piece
            if len(joined.lstrip("+")) >= 9 and _plausible_number(joined):
                return True
    return _danish_pairs(text)


def _danish_pairs(text: str) -> bool:
    """A Danish number said in pairs, maybe with words between ("20 12 ... 34 56"), not a list ("10, 20, 30")."""
    found = list(re.finditer(r"(?<!\d)\d+(?!\d)", text))
    for i in range(len(found) - 3):
        pairs = found[i:i + 4]
        gaps = [text[a.end():b.start()] for a, b in zip(pairs, pairs[1:])]
        if (any(len(p.group()) != 2 for p in pairs) or pairs[0].group()[0] not in "2345678"
                or any("," in gap for gap in gaps) or not any(gap.isspace() for gap in gaps)):
            continue
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse("".join(p.group() for p in pairs), "DK")):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


# --- e-mail ---------------------------------------------------------------------------------------
TLDS = r"com|fi|se|dk|ua|net|org|eu|io|me|info|co|uk|de|ru|no|edu|gov|app|online|live|icloud"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2,12})\b|[\w.+-]+@(?:gmail|hotmail|outlook|yahoo|"
                   r"icloud|live|luukku|suomi24|ukr|i\.ua|meta\.ua|proton(?:mail)?)\b", re.I)
EMAIL_PROVIDER = re.compile(r"[\w.+-]+@(?:gmail|hotmail|outlook|yahoo|icloud|luukku|suomi24|ukr|proton(?:mail)?)\b",
                            re.I)
EMAIL_SPACED = re.compile(r"[\w.+-]+\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)*\s*\.\s*(?:%s)\b" % TLDS, re.I)


def has_email(text: str) -> bool:
    """A written address, or one spelled out ("aino (at) gmail piste com") ending in a known domain."""
    spelled = spell_out(text)
    return bool(EMAIL.search(text) or EMAIL_SPACED.search(text) or EMAIL_SPACED.search(spelled)
                or EMAIL_PROVIDER.search(spelled))


# --- Finnish identity code (hetu) -----------------------------------------------------------------
HETU = re.compile(r"(?<![\w])(\d{2})(\d{2})(\d{2})\s*([-+ABCDEFUVWXY]?)\s*(\d{3})([0-9A-Y])(?![\w])", re.I)
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def valid_hetu(match) -> bool:
    """A date-like part and the right check character (the century sign may be missing)."""
    day, month, year, _century, serial, check = match.groups()
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return False
    return HETU_CHECK[int(day + month + year + serial) % 31] == check.upper()


def has_hetu(text: str) -> bool:
    return any(valid_hetu(m) for m in HETU.finditer(text))


# --- all kinds ------------------------------------------------------------------------------------
def pii_kind(text: str, normalised: str | None = None) -> str | None:
    """The first kind of personal detail in `text` (email, hetu, phone, address, handle), or None."""
    text = normalise(text) if normalised is None else normalised
    for kind, found in (("email", has_email), ("hetu", has_hetu), ("phone", has_phone),
                        ("address", has_address), ("handle", has_handle)):
        if found(text):
            return kind
    return None
