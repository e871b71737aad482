"""The words of a push notification, in the subscription's language; generic on purpose.

Lock screens are seen by parents and friends: a notification never carries chat text, a handle, a
question or a meetup's name, only "Tuttu chat opens in 15 minutes" and a link into the app.
Texts come from pwa/i18n/<lang>.json ("push.*" keys) with the English defaults below as fallback.
"""
import json
from functools import lru_cache

from ..config import ROOT
from .sender import MAX_PAYLOAD

I18N = ROOT / "pwa" / "i18n"
LANGUAGES = ("en", "fi", "sv", "da", "uk")

DEFAULTS = {
    "push.notify_title": "Tuttu",
    "push.notify_session_day": "The Tuttu chat with the police is tomorrow at {time}.",
    "push.notify_session_hour": "The Tuttu chat opens in 1 hour.",
    "push.notify_session_quarter": "The Tuttu chat opens in 15 minutes.",
    "push.notify_session_start": "The Tuttu chat is open now. Come and ask!",
    "push.notify_post": "There is a new update from the police in your area.",
    "push.notify_meetup_day": "A meetup you signed up for is tomorrow.",
    "push.notify_meetup_hour": "A meetup you signed up for starts in 1 hour.",
    "push.notify_meetup_quarter": "A meetup you signed up for starts in 15 minutes.",
    "push.notify_meetup_start": "A meetup you signed up for starts now.",
    "push.notify_meetup_promoted": "Good news: a place opened up for you at a meetup.",
    "push.notify_meetup_cancelled": "A meetup you signed up for was cancelled.",
    "push.notify_meetup_changed": "A meetup you signed up for has changed. Check the details.",
    "push.notify_meetup_message": "The organiser of a meetup you signed up for sent a message. Open it in Tuttu.",
    "push.notify_test": "Notifications work. This is how Tuttu will remind you.",
}


@lru_cache(maxsize=None)
def texts(lang: str) -> dict:
    """The push texts of one language (flat "push.x" keys or a nested "push" object)."""
    try:
        data = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    nested = data.get("push") if isinstance(data.get("push"), dict) else {}
    found = {f"push.{k}": v for k, v in nested.items()}
    found.update({k: v for k, v in data.items() if k.startswith("push.") and isinstance(v, str)})
    return found


def text(key: str, lang: str, **params) -> str:
    template = texts(lang if lang in LANGUAGES else "en").get(key) or texts("en").get(key) or DEFAULTS[key]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return DEFAULTS[key].format(**params)


def render_payload(notification, lang: str) -> bytes:
    """The JSON the service worker shows: title, body, url, tag, id (at most MAX_PAYLOAD bytes)."""
    params = notification.params or {}
    payload = {"title": text("push.notify_title", lang), "body": text(notification.message, lang, **params),
               "url": notification.url, "tag": notification.topic or f"n{notification.id}",
               "id": notification.id}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    if len(data) > MAX_PAYLOAD:
        raise ValueError("push payload too large")
    return data
