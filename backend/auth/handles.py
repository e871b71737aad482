"""Anonymous youth handles: generated friendly names, and the rules a chosen handle must pass."""
import re
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path

ADJECTIVES = ["Blue", "Brave", "Calm", "Clever", "Cosy", "Curious", "Fast", "Gentle", "Happy", "Kind",
              "Lucky", "Mellow", "Quiet", "Quick", "Silver", "Sunny", "Swift", "Wise", "Witty", "Bright"]
ANIMALS = ["Otter", "Fox", "Owl", "Lynx", "Seal", "Hare", "Moose", "Puffin", "Badger", "Heron",
           "Wolf", "Bear", "Squirrel", "Swan", "Reindeer", "Hedgehog", "Crane", "Salmon", "Raven", "Beaver"]

HANDLE_RULE = re.compile(r"^[^\W_][\w-]{1,22}[^\W_]$")
WORDLISTS = Path(__file__).resolve().parent.parent / "wordlists"


def generate_handle() -> str:
    """A friendly handle such as 'SwiftOtter482'."""
    return f"{secrets.choice(ADJECTIVES)}{secrets.choice(ANIMALS)}{secrets.randbelow(900) + 100}"


@lru_cache(maxsize=1)
def blocked_words() -> tuple[str, ...]:
    """Words no handle may contain, from every language's list (one word a line, # comments)."""
    words = set()
    for path in sorted(WORDLISTS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip().casefold()
            if line:
                words.add(line)
    return tuple(sorted(words))


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(str.maketrans("013457$@", "oieastsa")).replace("-", "").replace("_", "")


def handle_problem(handle: str) -> str | None:
    """Why `handle` can't be used, or None when it can."""
    if not 3 <= len(handle) <= 24:
        return "must be 3 to 24 characters long"
    if not HANDLE_RULE.match(handle):
        return "may use letters, numbers, - and _ and must start and end with a letter or number"
    folded = _folded(handle)
    if any(word in folded for word in blocked_words()):
        return "contains a word that isn't allowed here"
    if any(word in folded for word in ("police", "poliisi", "polis", "politi", "admin", "moderator", "поліц")):
        return "must not look like a staff name"
    return None
