"""Personal details written the ways the issue found getting through are held, each as its kind;
the normalisation they rely on is checked on its own."""
import json
from pathlib import Path

import pytest

from backend.chat.moderation import flag_reason, hold_reason
from backend.chat.normalise import normalise, spell_out

CORPUS = Path(__file__).resolve().parents[1] / "data" / "chat_corpus.jsonl"


@pytest.mark.parametrize("text, kind", [
    ("soita 040 - 123 - 45 67", "phone"),                      # digits split by spaced dashes
    ("050\u00ad765\u00ad4321", "phone"),                        # soft hyphens
    ("nolla neljä nolla yks kaks kolme neljä viis kuus seitsemän", "phone"),   # digits as words
    ("o4o l23 4567", "phone"),                                 # look-alike letters
    ("040 123 ja loput 4567", "phone"),                        # a number split in two
    ("+380 67 123 45 67", "phone"), ("+46 70 123 45 67", "phone"), ("ring til 20 12 34 56", "phone"),
    ("aino at gmail dot com", "email"), ("aino (at) gmail piste com", "email"),
    ("aino.virtanen @ gmail.com", "email"), ("ainok＠luukku.com", "email"), ("olena собака gmail крапка com", "email"),
    ("120809417Y", "hetu"), ("131052 - 308T", "hetu"), ("sotu 040708 A 876J", "hetu"),
    ("asun isokadulla 12", "address"), ("asutaan koulukujalla nro 3", "address"), ("Storgatan 5", "address"),
    ("kom forbi Skovvej 3", "address"), ("живу на вулиці Шевченка 5", "address"),
    ("snäppää mua: aino_15", "handle"), ("snapis aino15", "handle"), ("sc: koirakuva_22", "handle"),
    ("snapchat.com/add/aino_k", "handle"), ("instagram.com/mia.jones", "handle"), ("t.me/olena08", "handle"),
    ("Pоliisi sanoi: ig aino.k.2010", "handle"),
])
def test_evasive_personal_details_are_held_as_their_kind(text, kind):
    assert hold_reason(text) == kind


@pytest.mark.parametrize("text", [
    "2015-2020", "1 000 000", "moped 45 km/h", "moottoritiellä 120 km/h onks se max", "mikä on 116 111 numero",
    "05.12.2025 klo 18:00", "can the police see my location on snap map", "snapchat: onko turvallinen",
    "👮‍♀️ can the police read my snaps?", "131052-308A", "valtatie 4 on ruuhkainen",
])
def test_ordinary_numbers_and_app_names_are_not_held(text):
    assert hold_reason(text) is None


def test_normalisation_removes_invisible_characters_maps_look_alikes_and_reads_number_words():
    assert normalise("0\u200b4\u200b0") == "040"
    assert normalise("Pоliisi") == "Poliisi"                    # Cyrillic о inside a Latin word
    assert normalise("поліція") == "поліція"                    # a Ukrainian word stays Ukrainian
    assert normalise("nolla neljä nolla") == "0 4 0"
    assert normalise("yks kysymys") == "yks kysymys"            # one number word is just a word
    assert normalise("０４０") == "040"                          # full-width digits (NFKC)
    assert spell_out("aino (at) gmail piste com") == "aino@gmail.com"


def test_hold_words_still_hold_and_flag_words_only_flag():
    assert hold_reason("vitun kyttä") == "word" and hold_reason("send nudes") == "word"
    assert hold_reason("v1ttu") == "word"                       # digits for letters
    assert hold_reason("someone shares my nudes") is None
    assert flag_reason("someone shares my nudes") == "may_need_help"
    assert flag_reason("miten koulukiusaamisesta voi ilmoittaa") == "may_need_help"   # inside a compound
    assert flag_reason("What does a sector officer do?") is None


def test_the_corpus_meets_the_goals():
    """>= 97 % of personal details held, <= 3 % of ordinary questions held, on the labelled corpus."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 300 and {r["lang"] for r in rows} == {"fi", "sv", "da", "uk", "en"}
    pii = [r for r in rows if r["expect"] != "ok"]
    ordinary = [r for r in rows if r["expect"] == "ok"]
    missed = [r["text"] for r in pii if not hold_reason(r["text"])]
    held = [r["text"] for r in ordinary if hold_reason(r["text"])]
    assert len(missed) <= 0.03 * len(pii), missed
    assert len(held) <= 0.03 * len(ordinary), held
    unflagged = [r["text"] for r in ordinary if r["flag"] and not flag_reason(r["text"])]
    assert len(unflagged) <= 0.1 * sum(r["flag"] for r in ordinary), unflagged
