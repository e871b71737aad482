"""Nobody poses as staff: a youth handle may not look like a staff word or a real staff member's name.

Handles are compared by their confusables skeleton (backend/text.py: "Pоliisi" with a Cyrillic "о",
"ΡOLIISI", "P0liisi_Oulu" all read as "poliisi"), letters may be doubled ("Poliiisi") and digits or
signs may stand for letters ("p0l1isi", "adm1n").
"""
import re
from functools import lru_cache

from flask import has_app_context

from ..text import skeleton

STAFF_WORDS = (
    # en
    "police", "policeman", "policewoman", "officer", "constable", "cop", "sheriff", "moderator", "admin",
    "administrator", "youthworker", "official", "verified",
    # fi
    "poliisi", "konstaapeli", "ylikonstaapeli", "komisario", "moderaattori", "ylläpitäjä", "ylläpito",
    "nuorisotyöntekijä", "nuorisotyö", "nuoriso-ohjaaja", "nuorisoohjaaja", "virallinen",
    # sv
    "polis", "polisen", "konstapel", "poliskonstapel", "fritidsledare", "ungdomsarbetare", "administratör",
    "officiell",
    # da
    "politi", "politibetjent", "betjent", "ungdomsarbejder", "klubmedarbejder", "officiel",
    # uk
    "поліція", "поліцейський", "поліцейська", "поліцай", "офіцер", "модератор", "адмін", "адміністратор",
    "молодіжнийпрацівник", "соцпрацівник", "офіційний",
)
# ordinary words that contain a staff word
ALLOWED = ("badminton", "metropolis", "acropolis", "minneapolis", "annapolis", "politics", "political", "politik",
           "politiikka")
POLICE_EMOJI = ("\U0001F46E", "\U0001F693", "\U0001F694", "\U0001F6A8")     # 👮 🚓 🚔 🚨
LOOKS_LIKE = {"o": "o0ο", "i": "il1|!ı", "l": "li1|!", "e": "e3", "a": "a4@", "s": "s5$", "t": "t7+", "b": "b8",
              "g": "g9", "z": "z2"}


def _pattern(word: str) -> str:
    """A regex for a staff word's skeleton: each letter or its look-alike digits, repeated any number of times."""
    return "".join("[%s]+" % re.escape(LOOKS_LIKE.get(ch, ch)) for ch in skeleton(word))


@lru_cache(maxsize=1)
def staff_words_regex() -> re.Pattern:
    return re.compile("|".join(_pattern(word) for word in STAFF_WORDS))


def handle_key(handle: str) -> str:
    """The handle's skeleton, with digits and signs kept (they may stand for letters), allowed words removed."""
    key = skeleton(handle.replace("$", "s").replace("@", "a").replace("|", "l").replace("!", "i"))
    for word in ALLOWED:
        key = key.replace(word, "")
    return key


def staff_names() -> list[str]:
    """Names of active staff (only within the app: a handle check outside it compares with words only)."""
    if not has_app_context():
        return []
    from ..models import Staff
    return [name for (name,) in Staff.select(Staff.name).where(Staff.active == True).tuples()]  # noqa: E712


def poses_as_staff(handle: str, names=None) -> bool:
    """Does the handle look like a staff word in one of our five languages, or a real staff name?"""
    keys = {handle_key(variant) for variant in (handle, handle.lower(), handle.upper())}   # look-alikes differ by case
    if any(staff_words_regex().search(key) for key in keys) or any(emoji in handle for emoji in POLICE_EMOJI):
        return True
    for name in staff_names() if names is None else names:
        parts = [skeleton(part) for part in name.split() if part]
        patterns = [_pattern("".join(parts)), _pattern("".join(parts[::-1]))] if len(parts) >= 2 else []
        if any(re.search(pattern, key) for pattern in patterns for key in keys):
            return True
    return False
