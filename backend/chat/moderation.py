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
from functools import lru_cache
from pathlib import Path

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


def _token_is(token: str, word: str, inside: bool = False) -> bool:
    """Equal to a short word, or starting with a word of 4+ letters (inflections count);
    `inside`: a word of 5+ letters anywhere in the token (compounds: "koulukiusaaminen")."""
    return (token == word or (len(word) >= 4 and token.startswith(word))
            or (inside and len(word) >= 5 and word in token))


def tokens(text: str) -> list[str]:
    """Folded words; a word written with digits for letters ("v1ttu") is also read with letters."""
    found = []
    for token in TOKEN.findall(fold(text)):
        found.append(token)
        if any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token):
            found.append(token.translate(LEET))
    return found


def uses_listed(kind: str, text: str) -> bool:
    """Does the text contain a word or phrase of the `kind` lists?"""
    words = tokens(text)
    for entry in entries(kind):
        n = len(entry)
        for i in range(len(words) - n + 1):
            if all(_token_is(words[i + k], entry[k], inside=kind == "flag") for k in range(n)):
                return True
    return False


def hold_reason(text: str) -> str | None:
    """Why this youth message must wait for a moderator, or None."""
    normalised = normalise(text)
    if uses_listed("hold", normalised):
        return "word"
    return pii_kind(text, normalised)


def flag_reason(text: str) -> str | None:
    """"may_need_help" when the message touches harm, abuse, self-harm, sexual offences or drugs."""
    return MAY_NEED_HELP if uses_listed("flag", normalise(text)) else None
