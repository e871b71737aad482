"""The five UI catalogs (pwa/i18n/*.json) stay in step: same keys, no empty strings, sane plurals."""
import json
import re
from pathlib import Path

import pytest

I18N = Path(__file__).resolve().parents[2] / "pwa" / "i18n"
JS = Path(__file__).resolve().parents[2] / "pwa" / "js"
LANGUAGES = ["en", "fi", "sv", "da", "uk"]
# The CLDR plural categories each language uses for whole numbers (what Intl.PluralRules returns).
PLURAL_CATEGORIES = {"en": {"one", "other"}, "fi": {"one", "other"}, "sv": {"one", "other"},
                     "da": {"one", "other"}, "uk": {"one", "few", "many", "other"}}
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def load(lang):
    with open(I18N / f"{lang}.json", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def catalogs():
    return {lang: load(lang) for lang in LANGUAGES}


def placeholders(value):
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}


def test_every_catalog_has_the_same_keys(catalogs):
    english = set(catalogs["en"])
    for lang in LANGUAGES[1:]:
        keys = set(catalogs[lang])
        assert not english - keys, f"{lang}.json is missing {sorted(english - keys)}"
        assert not keys - english, f"{lang}.json has keys that en.json lacks: {sorted(keys - english)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_keys_are_namespaced_and_values_are_not_empty(catalogs, lang):
    for key, value in catalogs[lang].items():
        assert KEY.match(key), f"{lang}: key {key!r} should be a dotted, namespaced key like 'chat.send'"
        texts = value.values() if isinstance(value, dict) else [value]
        assert all(isinstance(text, str) and text.strip() for text in texts), f"{lang}: {key} is empty"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plurals_cover_the_languages_categories(catalogs, lang):
    for key, value in catalogs[lang].items():
        if isinstance(value, dict):
            missing = PLURAL_CATEGORIES[lang] - set(value)
            assert not missing, f"{lang}: plural {key} lacks {sorted(missing)}"
            assert set(value) <= {"zero", "one", "two", "few", "many", "other"}, f"{lang}: {key} has unknown forms"


def strip_comments(js):
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return "\n".join(line for line in js.splitlines() if not line.lstrip().startswith("//"))


def test_translations_keep_the_placeholders(catalogs):
    for key, value in catalogs["en"].items():
        for lang in LANGUAGES[1:]:
            assert placeholders(catalogs[lang][key]) == placeholders(value), f"{lang}: {key} placeholders differ"


def test_every_key_the_shell_uses_exists(catalogs):
    """Literal t('...') keys in pwa/js and data-i18n keys in the HTML are all in the catalogs."""
    sources = [strip_comments(p.read_text(encoding="utf-8")) for p in JS.rglob("*.js") if "vendor" not in p.parts]
    sources += [p.read_text(encoding="utf-8") for p in (I18N.parent).glob("*.html")]
    used = set()
    for text in sources:
        used |= set(re.findall(r"\bt\(\s*'([a-z][a-z0-9_.]+)'", text))
        used |= set(re.findall(r'data-i18n="([a-z0-9_.]+)"', text))
        used |= {key for attr in re.findall(r'data-i18n-attr="([^"]+)"', text)
                 for key in re.findall(r":\s*([a-z0-9_.]+)", attr)}
    missing = sorted(key for key in used if key not in catalogs["en"])
    assert not missing, f"used in pwa/ but missing from the catalogs: {missing}"
