"""Normalise a chat message once, before the hold rules look at it.

`normalise(text)`: Unicode NFKC, format characters (soft hyphens, zero-width characters) removed,
look-alike letters inside Latin words mapped to Latin (confusables table), look-alike letters inside
numbers mapped to digits ("O4O l23"), and digits written as words in fi/sv/da/uk/en ("nolla neljä
nolla ...") turned into digits when three or more follow each other, and letters written apart
("s n a p") joined.

`spell_out(text)`: the normalised text with "at", "dot" and "underscore" spellings ("(at)", " ät ",
"собака", " piste ", "[dot]", " alaviiva ") replaced by "@", "." and "_", for the e-mail and handle rules.
"""
import re
import unicodedata

from ..text import strip_invisible, to_latin

NUMBER_WORDS = {
    "0": "nolla noll nul zero нуль ноль",
    "1": "yksi yks yy ykkönen ett one один одна",
    "2": "kaksi kaks kaa kakkonen två tva two два дві",
    "3": "kolme kol kolmonen tre three три",
    "4": "neljä nelja nel nelonen fyra fire four чотири",
    "5": "viisi viis vitonen fem five пʼять п'ять пять",
    "6": "kuusi kuus kutonen sex seks six шість",
    "7": "seitsemän seittemän seiska sju syv seven сім",
    "8": "kahdeksan kaheksan kasi åtta atta otte eight вісім",
    "9": "yhdeksän yheksän ysi nio ni nine девʼять дев'ять",
}
DIGIT_OF = {word: digit for digit, words in NUMBER_WORDS.items() for word in words.split()}
DIGIT_LOOKALIKES = str.maketrans("OoQDIl|!SsZzBbGg", "0000111155228866")
TOKEN = re.compile(r"\S+")
HETU_SHAPE = re.compile(r"\d{6}[-+A-FU-Y]?\d{3}[0-9A-Y]", re.I)
RUN_GAP = re.compile(r"^[\s,.;:/-]*$")
SPACED_LETTERS = re.compile(r"(?<!\S)(?:[^\W\d_] ){2,}[^\W\d_](?!\S)")          # "s n a p" -> "snap"
UNDERSCORE = re.compile(r"(?<=\w)\s+(?:underscore|alaviiva|understreck|understregning|bundstreg|підкреслення)\s+"
                        r"(?=\w)", re.I)

AT_WORDS = r"at|ät|æt|at-merkki|miukumauku|kissanhäntä|snabel-?a|snabela|собака|равлик|ет"
DOT_WORDS = r"dot|piste|pisteen|punkt|punktum|prik|крапка|точка|dotti"
AT = re.compile(r"\s*[(\[{<]\s*(?:%s)\s*[)\]}>]\s*|\s+(?:%s)\s+|\s*@\s+" % (AT_WORDS, AT_WORDS), re.I)
DOT = re.compile(r"(?<=\w)\s*[(\[{<]\s*(?:%s)\s*[)\]}>]\s*(?=\w)|(?<=\w)\s+(?:%s)\s+(?=\w)" % (DOT_WORDS, DOT_WORDS),
                 re.I)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if ch.isalpha() else ""


def _latinise_mixed(token: str) -> str:
    """A word mixing Latin with Cyrillic/Greek look-alikes ("Pоliisi") is read as Latin."""
    scripts = {_script(ch) for ch in token if ch.isalpha()}
    return to_latin(token) if "LATIN" in scripts and len(scripts) > 1 else token


def _digitise(token: str) -> str:
    """A number with letters that look like digits ("O4O", "l23", "4S67") is read as digits."""
    core = token.strip("()[]+.,:;!?")
    if HETU_SHAPE.fullmatch(core):                      # an identity code keeps its check letter
        return token
    if sum(ch.isdigit() for ch in core) >= 2:
        token, core = to_latin(token), to_latin(core)
    if len(core) >= 2 and any(ch.isdigit() for ch in core) and re.fullmatch(r"[\dOoQDIl|!SsZzBbGg-]+", core):
        return token.replace(core, core.translate(DIGIT_LOOKALIKES))
    return token


def _word_digit(token: str) -> str | None:
    word = token.casefold().strip(",.;:!?()")
    if word.isdigit():
        return word
    return DIGIT_OF.get(word.replace("’", "'").replace("ʼ", "'"))


def _number_words(text: str) -> str:
    """Runs of three or more digit words (digits may be mixed in) become digits."""
    tokens = list(TOKEN.finditer(text))
    out, i = [], 0
    last = 0
    while i < len(tokens):
        j = i
        while (j < len(tokens) and _word_digit(tokens[j].group()) is not None
               and (j == i or RUN_GAP.match(text[tokens[j - 1].end():tokens[j].start()]))):
            j += 1
        words = sum(not tokens[k].group().strip(",.;:!?()").isdigit() for k in range(i, j))
        if j - i >= 3 and words >= 1:
            out.append(text[last:tokens[i].start()])
            out.append(" ".join(_word_digit(tokens[k].group()) for k in range(i, j)))
            last = tokens[j - 1].end()
            i = j
        else:
            i += 1
    out.append(text[last:])
    return "".join(out)


def normalise(text: str) -> str:
    """The form every hold rule reads (see the module docstring)."""
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    text = TOKEN.sub(lambda m: _digitise(_latinise_mixed(m.group())), text)
    text = SPACED_LETTERS.sub(lambda m: m.group().replace(" ", ""), text)
    return _number_words(text)


def spell_out(normalised: str) -> str:
    """"aino (at) gmail piste com" -> "aino@gmail.com" (only for the e-mail and link rules)."""
    return UNDERSCORE.sub("_", DOT.sub(".", AT.sub("@", normalised)))
