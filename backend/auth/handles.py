"""Anonymous youth handles: generated friendly names, and the rules a chosen handle must pass."""
import re
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..text import EMOJI_TRAILERS, TAG_RANGE, ZWJ, is_pictographic, skeleton, text_problem
from .impersonation import poses_as_staff

ADJECTIVES = ["Blue", "Brave", "Calm", "Clever", "Cosy", "Curious", "Fast", "Gentle", "Happy", "Kind",
              "Lucky", "Mellow", "Quiet", "Quick", "Silver", "Sunny", "Swift", "Wise", "Witty", "Bright"]
ANIMALS = ["Otter", "Fox", "Owl", "Lynx", "Seal", "Hare", "Moose", "Puffin", "Badger", "Heron",
           "Wolf", "Bear", "Squirrel", "Swan", "Reindeer", "Hedgehog", "Crane", "Salmon", "Raven", "Beaver"]

HANDLE_RULE = re.compile(r"^[^\W_][\w-]*[^\W_]$|^[^\W_]$")
WORDLISTS = Path(__file__).resolve().parent.parent / "wordlists"


def generate_handle() -> str:
    """A friendly handle such as 'SwiftOtter482'."""
    return f"{secrets.choice(ADJECTIVES)}{secrets.choice(ANIMALS)}{secrets.randbelow(900) + 100}"


@lru_cache(maxsize=1)
def blocked_words() -> tuple[str, ...]:
    """Words no handle may contain: every single word of the HOLD and FLAG lists (<lang>.txt, <lang>.flag.txt)."""
    words = set()
    for path in sorted(WORDLISTS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip().casefold()
            if line and " " not in line:
                words.add(line)
    return tuple(sorted(words))


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(str.maketrans("013457$@", "oieastsa")).replace("-", "").replace("_", "")


def without_emoji(handle: str) -> str:
    """The handle with its emoji sequences taken out (emoji are welcome; the rules read the rest)."""
    return "".join(ch for ch in handle if not (is_pictographic(ch) or ch in EMOJI_TRAILERS or ch == ZWJ
                                               or unicodedata.category(ch) == "Sk" or ord(ch) in TAG_RANGE))


def handle_problem(handle: str, staff_names=None) -> str | None:
    """Why `handle` can't be used, or None when it can. `staff_names`: real staff names (default: from the
    database when there is an app)."""
    if not 3 <= len(handle) <= 24:
        return "must be 3 to 24 characters long"
    words = without_emoji(handle)
    if text_problem(handle) or not HANDLE_RULE.match(words) or sum(ch.isalnum() for ch in words) < 2:
        return "may use letters, numbers, emoji, - and _ and must start and end with a letter, number or emoji"
    if any(word in folded for folded in {_folded(words), _folded(skeleton(words))} for word in blocked_words()):
        return "contains a word that isn't allowed here"
    if poses_as_staff(handle, staff_names):
        return "must not look like a staff name"
    return None
