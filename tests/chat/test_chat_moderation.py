"""Automatic hold rules: personal details and listed words are held; ordinary questions are not."""
import pytest

from backend.chat.moderation import hold_reason


@pytest.mark.parametrize("text, reason", [
    ("call me 040 123 4567", "phone"), ("+358401234567", "phone"), ("my mail is a.b@c.fi", "email"),
    ("131052-308T", "hetu"), ("born 010203A1230", "hetu"), ("born 010203A123N", None), ("I live at Isokatu 12", "address"),
    ("12 Baker Street", "address"), ("Storgatan 5", "address"), ("вул. Шевченка, 12", "address"),
    ("add me snap: coolkid", "handle"), ("dm @coolkid99", "handle"), ("discord coolkid#1234", "handle"),
    ("vitun kyttä", "word"), ("send nudes", "word"),
])
def test_personal_details_and_words_are_held(text, reason):
    assert hold_reason(text) == reason


@pytest.mark.parametrize("text", [
    "Can I ride an e-scooter with a friend on it?", "In 2024 I was 15", "meet at 16:00 on 12.5.",
    "kukka on kaunis", "What does 112 do?", "Is it legal to film the police?", "Mitä poliisi tekee?",
    "131052-308A",            # a hetu-shaped code with a wrong check character is not a hetu (nor a phone)
])
def test_ordinary_questions_are_not_held(text):
    assert hold_reason(text) is None
