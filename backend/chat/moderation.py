"""Automatic holds: words from the per-language lists and personal details a young person should not post.

`hold_reason(text)` names the first rule a message breaks (word, phone, email, address, hetu, handle),
or None. Holding is never rejecting: a moderator decides, and the sender is told why it waits.
"""
import re
import unicodedata

from ..handles import blocked_words

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ .\-/]?\d){6,14}(?!\w)")
HETU = re.compile(r"(?<!\w)(\d{2})(\d{2})(\d{2})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])(?!\w)", re.IGNORECASE)
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
STREET_SUFFIXES = ("katu", "tie", "kuja", "polku", "väylä", "raitti", "kaari", "rinne", "piha", "ranta",
                   "gatan", "vägen", "gränd", "stigen", "gade", "vej", "allé", "stræde")
ADDRESS = re.compile(
    r"\b\w+(?:%s)\s+\d{1,4}\s?[a-zA-Z]?\b" % "|".join(STREET_SUFFIXES)
    + r"|\b\d{1,5}\s+\w+(?:\s\w+)?\s+(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|way)\b"
    + r"|(?:вул\.?|вулиця|просп\.?)\s*\w+[\w\s]{0,20}?,?\s*\d{1,4}",
    re.IGNORECASE | re.UNICODE)
PLATFORMS = r"snap(?:chat)?|sc|insta(?:gram)?|ig|tiktok|tt|discord|dc|telegram|tg|kik|whatsapp|wa|twitter|x|threads|bereal"
SOCIAL = re.compile(
    r"(?<![\w.@])@[A-Za-z0-9_.]{2,30}\b"
    + r"|\b(?:%s)\s*[:=]\s*@?[A-Za-z0-9_.]{3,30}" % PLATFORMS
    + r"|\b(?:%s)\s+@[A-Za-z0-9_.]{3,30}" % PLATFORMS
    + r"|\b[A-Za-z0-9_.]{2,32}#\d{4}\b",
    re.IGNORECASE)

RULES = ("word", "email", "hetu", "phone", "address", "handle")


def valid_hetu(match) -> bool:
    """A Finnish personal identity code with a valid date-ish part and check character."""
    day, month, _year, _century, serial, check = match.groups()
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return False
    number = int(day + month + _year + serial)
    return HETU_CHECK[number % 31] == check.upper()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


def has_blocked_word(text: str) -> bool:
    """A token starting with a listed word (4+ letters: inflections count) or equal to a short one."""
    words = [_fold(w) for w in blocked_words()]
    for token in _tokens(text):
        for word in words:
            if token == word or (len(word) >= 4 and token.startswith(word)):
                return True
    return False


def hold_reason(text: str) -> str | None:
    """Why this youth message must wait for a moderator, or None."""
    if has_blocked_word(text):
        return "word"
    if EMAIL.search(text):
        return "email"
    if any(valid_hetu(m) for m in HETU.finditer(text)):
        return "hetu"
    if PHONE.search(text):
        return "phone"
    if ADDRESS.search(text):
        return "address"
    if SOCIAL.search(text):
        return "handle"
    return None
