"""Automatic rules for youth messages: hold (wait for a moderator) or flag (publish, but tell staff).

`hold_reason(text)` names the first rule a message breaks: "word" (a word or phrase of the HOLD lists,
backend/wordlists/<lang>.txt: slurs, harassment, sexual content aimed at someone), or a personal detail
(email, hetu, phone, address, handle: pii.py), or None. Holding is never rejecting: a moderator decides,
and the sender is told why it waits.

`flag_reason(text)` is "may_need_help" when the message uses a word of the FLAG lists
(backend/wordlists/<lang>.flag.txt: harm, abuse, self-harm, sexual offences, drugs, hate as a topic).
A flagged message is published as usual; staff see it marked, the youth sees the helplines.
"""
import re
import time
from functools import lru_cache
from pathlib import Path

from ..db import db
from ..models import Setting
from ..text import fold
from .normalise import normalise
from .pii import pii_kind

WORDLISTS = Path(__file__).resolve().parent.parent / "wordlists"
MAY_NEED_HELP = "may_need_help"
TOKEN = re.compile(r"[\w'’-]+")
LEET = str.maketrans("013457$@", "oieastsa")


@lru_cache(maxsize=2)
def entries(kind: str) -> tuple[tuple[str, ...], ...]:
    """Every language's list of `kind` ("hold": <lang>.txt, "flag": <lang>.flag.txt) as folded token tuples."""
    pattern = "*.flag.txt" if kind == "flag" else "*.txt"
    found = set()
    for path in sorted(WORDLISTS.glob(pattern)):
        if kind == "hold" and path.name.endswith(".flag.txt"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            words = tuple(TOKEN.findall(fold(line.split("#", 1)[0])))
            if words:
                found.add(words)
    return tuple(sorted(found))


def _word_pattern(word: str, inside: bool) -> str:
    """Equal to a short word, or starting with a word of 4+ letters (inflections count);
    `inside`: a word of 5+ letters anywhere in the token (compounds: "koulukiusaaminen")."""
    if inside and len(word) >= 5:
        return r"\S*%s\S*" % re.escape(word)
    return re.escape(word) + (r"\S*" if len(word) >= 4 else "")


CITY_WORDS_SECONDS = 30          # how often a process reads the city's own words again
_city = {"at": float("-inf"), "entries": {}}


def city_entries(kind: str) -> tuple[tuple[str, ...], ...]:
    """The words the city added in the console (settings "wordlist.<kind>.<lang>"), read at most every 30 s;
    none when there is no database (the corpus benchmark)."""
    if time.monotonic() - _city["at"] > CITY_WORDS_SECONDS or _city.get("db") is not db.obj:
        found = {"hold": set(), "flag": set()}
        if db.obj is not None:
            for key, words in Setting.starting_with("wordlist.").items():
                for line in words or []:
                    tokens = tuple(TOKEN.findall(fold(line)))
                    if tokens and key.split(".")[1] in found:
                        found[key.split(".")[1]].add(tokens)
        _city.update(at=time.monotonic(), db=db.obj, entries={k: tuple(sorted(v)) for k, v in found.items()})
    return _city["entries"].get(kind, ())


def forget_city_words():
    """Read the city's words again on next use (the console saved a list)."""
    _city["at"] = float("-inf")


def listed(kind: str) -> re.Pattern:
    """One regex for every entry of `kind` (built in and the city's), matched against folded tokens joined
    by single spaces."""
    return _listed(kind, city_entries(kind))


@lru_cache(maxsize=8)
def _listed(kind: str, city: tuple) -> re.Pattern:
    entry_patterns = (" ".join(_word_pattern(word, kind == "flag") for word in entry)
                      for entry in sorted(set(entries(kind)) | set(city)))
    return re.compile(r"(?<!\S)(?:%s)(?!\S)" % "|".join(entry_patterns))


def token_lines(text: str) -> list[str]:
    """Folded words joined by spaces; if a word is written with digits for letters ("v1ttu"), also a
    second line read with letters."""
    words = TOKEN.findall(fold(text))
    lines = [" ".join(words)]
    if any(any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w) for w in words):
        lines.append(" ".join(w.translate(LEET) if any(ch.isalpha() for ch in w) else w for w in words))
    return lines


def uses_listed(kind: str, text: str) -> bool:
    """Does the text contain a word or phrase of the `kind` lists?"""
    pattern = listed(kind)
    return any(pattern.search(line) for line in token_lines(text))


def hold_reason(text: str) -> str | None:
    """Why this youth message must wait for a moderator, or None."""
    normalised = normalise(text)
    if uses_listed("hold", normalised):
        return "word"
    return pii_kind(text, normalised)


def flag_reason(text: str) -> str | None:
    """"may_need_help" when the message touches harm, abuse, self-harm, sexual offences or drugs."""
    return _flag_reason(text, city_entries("flag"))


@lru_cache(maxsize=4096)
def _flag_reason(text: str, city: tuple) -> str | None:
    return MAY_NEED_HELP if uses_listed("flag", normalise(text)) else None
