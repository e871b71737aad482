"""Text every field accepts, and how look-alike text is compared.

`text_problem(value)` says why user text can't be stored: control characters, bidirectional overrides
and isolates, and invisible format characters are refused, while whole emoji sequences (joined with
U+200D, with skin tones, flags, subdivision flags, variation selectors, keycaps) are accepted.

`skeleton(text)` maps text to a comparable form (NFKC, case-folded, accents and invisible characters
removed, look-alike letters mapped to Latin with the Unicode confusables table of
`confusable_homoglyphs`), so that "Pоliisi" with a Cyrillic "о" compares equal to "poliisi".
"""
import unicodedata
from functools import lru_cache

ZWJ = "\u200d"
TAG_RANGE = range(0xE0020, 0xE0080)          # subdivision flags: 🏴 + tag letters + cancel tag
BLACK_FLAG = "\U0001F3F4"
ALLOWED_CONTROLS = "\t\n\r"
EMOJI_TRAILERS = {"\ufe0e", "\ufe0f", "\u20e3"} | {chr(c) for c in range(0x1F3FB, 0x1F400)}   # VS, keycap, skin


def is_pictographic(ch: str) -> bool:
    """An emoji-like symbol (what U+200D may join): Symbol, other (👮, ♀, ❤, 🏳, 🔥...)."""
    return unicodedata.category(ch) == "So"


def _joins_emoji(text: str, i: int) -> bool:
    """Is the U+200D at text[i] inside an emoji sequence (pictograph [+ modifiers] ZWJ pictograph)?"""
    j = i - 1
    while j >= 0 and text[j] in EMOJI_TRAILERS:
        j -= 1
    return j >= 0 and i + 1 < len(text) and is_pictographic(text[j]) and is_pictographic(text[i + 1])


def _in_tag_sequence(text: str, i: int) -> bool:
    """Is the tag character at text[i] part of a 🏴 subdivision flag?"""
    j = i
    while j > 0 and ord(text[j - 1]) in TAG_RANGE:
        j -= 1
    return j > 0 and text[j - 1] == BLACK_FLAG


def text_problem(value: str) -> str | None:
    """Why this text is refused (control, bidi or invisible characters), or None."""
    for i, ch in enumerate(value):
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in ALLOWED_CONTROLS:
            return "must not contain control characters"
        if category in ("Cs", "Zl", "Zp"):
            return "must not contain control characters"
        if category != "Cf":
            continue
        if ch == ZWJ and _joins_emoji(value, i):
            continue
        if ord(ch) in TAG_RANGE and _in_tag_sequence(value, i):
            continue
        if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f\u061c":
            return "must not contain bidirectional control characters"
        return "must not contain invisible characters"
    return None


def strip_invisible(text: str) -> str:
    """Text without format characters (Cf: soft hyphens, zero-width spaces and joiners, bidi marks)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


@lru_cache(maxsize=1)
def _latin_lookalikes() -> dict:
    """{character: Latin letter or digit it looks like}, from the Unicode confusables table."""
    from confusable_homoglyphs.confusables import confusables_data
    table = {}
    for ch, homoglyphs in confusables_data.items():
        if len(ch) != 1 or ch.isascii():
            continue
        for glyph in homoglyphs:
            target = glyph["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[ord(ch)] = target.lower()
                break
    return table


def fold(text: str) -> str:
    """NFKC, case-folded, without accents or invisible characters (letters of every script kept)."""
    text = unicodedata.normalize("NFKD", strip_invisible(unicodedata.normalize("NFKC", text)).casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


def to_latin(text: str) -> str:
    """Every look-alike letter mapped to the Latin letter it imitates (Cyrillic о -> o, Greek ο -> o)."""
    return text.translate(_latin_lookalikes())


def skeleton(text: str) -> str:
    """Comparable form: look-alikes mapped to Latin (before and after case-folding), folded,
    only letters and digits kept."""
    return "".join(ch for ch in to_latin(fold(to_latin(unicodedata.normalize("NFKC", text)))) if ch.isalnum())


LEET = str.maketrans("013457$@|!l", "oieastsaiii")


def lookalike_key(text: str) -> str:
    """The skeleton with digits-for-letters undone, l/I merged and repeated letters collapsed:
    "P0liiisi", "Pоliisi" and "poliisi" all give "polisi"."""
    key = skeleton(text).translate(LEET)
    return "".join(ch for i, ch in enumerate(key) if i == 0 or ch != key[i - 1])
