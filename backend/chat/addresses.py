"""Street addresses in Finnish, Swedish, Danish, Ukrainian and English, inflected as people write them:
"isokadulla 12", "Kirkkotien 5 B", "Storgatan 5", "på Ringvägen 3", "Nørregade 14", "vej 3",
"вулиці Шевченка 5", "12 Baker Street", "nro 12", "osoite on ...".

A street word must be followed by a house number that is not a measure ("moottoritiellä 120 km/h").
"""
import re

# Finnish street words and their inflected stems (katu: kadulla, kadun; tie: tiellä; kuja: kujalla ...)
FI = (r"katu|kadu|kadun|tie|tien|tiel|kuja|kujal|kujan|polku|polu|polun|väylä|väylän|väyläl|raitti|raiti|"
      r"kaari|kaare|kaaren|rinne|rintee|piha|pihal|pihan|ranta|rannal|rannan|"
      r"tanhua|tanhuall|aukio|aukiol|kaarre|kaartee|mäki|mäe|mäen|portti|portin|kumpu|kummu|vainio|vainiol")
SV = r"gatan|gata|vägen|väg|gränd|gränden|stigen|stig|allén|torget|backen|platsen|leden|strand|stranden"
DA = r"gade|gaden|vej|vejen|allé|stræde|strædet|torv|plads|pladsen|boulevard"
EN = r"street|st|road|rd|avenue|ave|lane|crescent"
EN_NAMED = r"street|road|avenue|lane|drive|st\.|rd\."
HIGHWAY = r"(?!(?:valta|kanta|moottori|seutu|maan|yhdys|motor|lands|riks|route)(?:tie|väg|vej))"
APART = (r"katu|kadulla|kadun|kadulle|tiellä|tielle|kuja|kujalla|kujan|vej|vejen|gade|gaden|gatan|gata|"
         r"vägen|väg")
NOT_SMALL = r"(?!(?:on|in|at|to|the|that|this|a|an|my|your|his|her|our|of|for|by|km|mph|miles)\b)"
UK_WORDS = (r"вул(?:\.|\b)|вулиц[яіюею]\w*|просп(?:\.|\b)|проспект\w*|пров(?:\.|\b)|провул\w*|"
            r"бульв(?:\.|\b)|бульвар\w*|"
            r"площ[аіею]\w*|пл\.|узвіз\w*|набережн\w*")
UNIT = (r"\s*(?:km|km/h|kmh|kilomet|m\b|metr|min|minuut|h\b|tun|t\b|%|e\b|€|eur|euro|kr|kron|sek|dkk|"
        r"v\b|vuo|år|aar|year|yo|kg|g\b|mg|ml|l\b|litr|cm|mm|krt|kertaa|times|gånger|gange|pv|päiv|days|"
        r"dag|hours|timm|tim|klo|kpl|st\b|stk|грн|км|хв|рок|раз|х\b|\.\d)")
NUMBER = r"(?:nro\.?\s*|nr\.?\s*|no\.?\s*|numero\s*|номер\s*|№\s*)?\d{1,4}(?!\d)(?:\s?[a-h]\b)?(?:\s*[-/]\s*\d{1,3})?"
HOUSE = r"\s+%s(?!\s*[\d:.,]\d)(?!%s)" % (NUMBER, UNIT)

STREET = re.compile(
    r"\b%s\w{2,}(?:%s|%s|%s)\w{0,6}:?\w{0,4}%s" % (HIGHWAY, FI, SV, DA, HOUSE)      # isokadulla 12, Storgatan 5
    + r"|\b(?:%s)%s" % (APART, HOUSE)                                  # kirkko tie 5, vej 3 (written apart)
    + r"|\b\d{1,4}\s?[a-h]?,?\s+%s\w{2,}(?:%s|%s|%s)\w{0,4}\b" % (HIGHWAY, FI, SV, DA)  # 4 Kirkkokatu
    + r"|\b\d{1,5}\s+%s\w+(?:\s%s\w+)?\s+(?:%s)\b" % (NOT_SMALL, NOT_SMALL, EN)   # 12 Baker Street
    + r"|\b\w+\s+(?:%s)%s" % (EN_NAMED, HOUSE)                           # Baker street 12
    + r"|(?:%s)\s*[\w'ʼ.-]+(?:\s+[\w'ʼ.-]+)?,?%s" % (UK_WORDS, HOUSE),   # вулиці Шевченка 5
    re.IGNORECASE | re.UNICODE)
ADDRESS_WORD = re.compile(
    r"(?:\b(?:mun|minun|meiän|meidän|my|our|min|mitt|vår|mit|vores)\s+(?:osoite|osote|osoitteemme|adressi|"
    r"address|addy|adress|adressen|adresse)|\bosoitteeni|\bosotteeni|\b(?:моя|мою|наша)\s+адрес\w*)"
    r"[^\d\n]{0,40}\d{1,4}", re.I)
LIVE_AT = re.compile(
    r"\b(?:asun|asutaan|bor|jag bor|jeg bor|i live|живу|мешкаю)\s+(?:(?:at|on|in|på|i|на|по|у)\s+)?"
    r"[\w'ʼ-]{3,}(?:\s+[\w'ʼ-]{3,})?\s+(?:nro\.?\s*|nr\.?\s*|no\.?\s*|№\s*)?\d{1,3}(?!\d)(?:\s?[a-h]\b)?(?!%s)"
    r"(?!\s*[\d:.,]\d)(?!\.\s+\w)"
    % UNIT, re.I)


def has_address(text: str) -> bool:
    return bool(STREET.search(text) or ADDRESS_WORD.search(text) or LIVE_AT.search(text))
