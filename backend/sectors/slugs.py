"""Slugs from sector names in any of the city's languages: Ukrainian by the national transliteration
(Cabinet of Ministers resolution 55, 2010: Голосіївський -> holosiivskyi), everything else by Unidecode
(Sörnäinen -> sornainen, Østerbro -> osterbro, Vesterbro/Kongens Enghave -> vesterbro-kongens-enghave)."""
import re

from unidecode import unidecode

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

# The letters where Ukrainian's official Latin spelling differs from Unidecode's (Russian-flavoured) one;
# the soft sign and apostrophes are dropped.
UKRAINIAN = str.maketrans({
    "г": "h", "Г": "H", "ґ": "g", "Ґ": "G", "и": "y", "И": "Y", "і": "i", "І": "I", "ї": "i", "Ї": "I",
    "є": "ie", "Є": "Ie", "й": "i", "Й": "I", "х": "kh", "Х": "Kh", "ц": "ts", "Ц": "Ts", "ч": "ch", "Ч": "Ch",
    "ш": "sh", "Ш": "Sh", "щ": "shch", "Щ": "Shch", "ю": "iu", "Ю": "Iu", "я": "ia", "Я": "Ia", "ж": "zh", "Ж": "Zh",
    "ь": "", "Ь": "", "'": "", "’": "", "ʼ": "",
})


# At the start of a word these are spelt with a y (Юрій -> Yurii, Їжакевич -> Yizhakevych); зг is zgh (Згурівка).
WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "Є": "Ye", "Ї": "Yi", "Й": "Y", "Ю": "Yu", "Я": "Ya"}
WORD_START_LETTER = re.compile(r"(?<![^\W\d_])([ЄЇЙЮЯєїйюя])")


def slugify(name: str) -> str:
    """'Голосіївський район' -> 'holosiivskyi-raion'; '' when nothing of the name can be spelt in a-z, 0-9."""
    name = WORD_START_LETTER.sub(lambda m: WORD_START[m.group(1)], name).replace("зг", "zgh").replace("Зг", "Zgh")
    latin = unidecode(name.translate(UKRAINIAN)).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:64].strip("-")
