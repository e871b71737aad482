"""Emoji work everywhere: whole emoji sequences (ZWJ, skin tones, flags, keycaps, variation selectors) are
accepted in every text field, while control, bidirectional and invisible characters stay refused."""
import pytest

from backend.text import text_problem
from tests.meetups.helpers import meetup_body

EMOJI = ["👮‍♀️", "👨‍👩‍👧‍👦", "🧑🏽‍🚒", "👍🏿", "🇫🇮", "🇺🇦", "🏳️‍🌈", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "#️⃣", "1️⃣", "❤️‍🔥", "☺︎"]
REFUSED = {
    "\u202e": "bidirectional", "\u202a": "bidirectional", "\u2066": "bidirectional", "\u2069": "bidirectional",
    "\u200f": "bidirectional", "\u200b": "invisible", "\u2060": "invisible", "\ufeff": "invisible",
    "\u00ad": "invisible", "\u200d": "invisible", "\u0000": "control", "\u001b": "control",
}


@pytest.mark.parametrize("emoji", EMOJI)
def test_whole_emoji_sequences_are_accepted(emoji):
    assert text_problem(f"hei {emoji} moi") is None


@pytest.mark.parametrize("char, word", REFUSED.items())
def test_control_bidi_and_invisible_characters_are_refused(char, word):
    assert word in text_problem(f"a{char}b")


def test_a_joiner_outside_an_emoji_sequence_is_refused():
    assert text_problem("👮\u200d") and text_problem("\u200d👮") and text_problem("ab\u200dcd")
    assert text_problem("\U000E0067\U000E0062") is not None          # tag letters without their 🏴


def test_every_api_text_field_takes_emoji_and_refuses_overrides(as_role, client):
    client.become_youth()
    assert client.patch("/api/me", {"handle": "Kettu👮‍♀️"}).status_code == 422          # emoji ok, the police one isn't
    assert client.patch("/api/me", {"handle": "Kettu🧑🏽‍🚒"}).status_code == 200
    assert client.patch("/api/me", {"handle": "Kettu\u202eabc"}).json["error"]["fields"]["handle"]

    officer = as_role("officer")
    post = officer.post("/api/posts", {"text": "Liikenneturvallisuus 👮‍♀️🚲 tänään 🇫🇮"})
    assert post.status_code == 201 and post.json["text"] == "Liikenneturvallisuus 👮‍♀️🚲 tänään 🇫🇮"
    refused = officer.post("/api/posts", {"text": "hello\u2066world"})
    assert refused.status_code == 422 and "bidirectional" in refused.json["error"]["fields"]["text"]

    organiser = as_role("organiser")
    meetup = organiser.post("/api/meetups", meetup_body(title="Peli-ilta 👨‍👩‍👧‍👦🎮", description="Tervetuloa 🏳️‍🌈"))
    assert meetup.status_code == 201 and meetup.json["title"] == "Peli-ilta 👨‍👩‍👧‍👦🎮"
    refused = organiser.post("/api/meetups", meetup_body(title="Pelit\u200b-ilta"))
    assert refused.status_code == 422 and "invisible" in refused.json["error"]["fields"]["title"]

