"""A feature's properties: its name (from whichever property the city's file uses), slug, postcodes, contact,
office hours and description, each checked with a message an admin can act on."""
import re

from ..models import Sector
from ..models.places import DAYS
from .slugs import SLUG, slugify

POSTCODE = re.compile(r"^[0-9A-Z-]{3,10}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{5,30}$")
# Where published district files keep the name: ours, then Helsinki's WFS, Oulu's, Copenhagen's, Stockholm's,
# OpenStreetMap's Ukrainian and others.
NAME_PROPERTIES = ("name", "nimi_fi", "nimi", "navn", "namn", "name:uk", "name_uk", "name:fi", "name_fi",
                   "NAME", "Name", "NIMI", "NAVN", "NAMN", "назва")


def name_property(features: list, chosen: str | None = None) -> str | None:
    """The property that holds the sector names: `chosen`, or the first usual one any feature has."""
    if chosen:
        return chosen
    keys = set()
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            keys.update(props)
    return next((key for key in NAME_PROPERTIES if key in keys), None)


def text(props, key, limit, required=False):
    value = props.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"needs a '{key}'")
        return None
    if not isinstance(value, str) or len(value.strip()) > limit or any(ord(c) < 32 for c in value):
        raise ValueError(f"'{key}' must be plain text of at most {limit} characters")
    return value.strip()


def display_name(name: str) -> str:
    """Names published in capitals (Helsinki's 'ETU-TÖÖLÖ') as a teen reads them: 'Etu-Töölö'."""
    return name.title() if name.isupper() else name


def slug_for(props: dict, name: str) -> str:
    given = text(props, "slug", 64)
    if given is not None:
        if not SLUG.match(given):
            raise ValueError(f"'slug' {given!r} may use a-z, 0-9 and '-' only")
        return given
    slug = slugify(name)
    if not slug:
        raise ValueError(f"no slug can be made of the name {name!r}: give the feature a 'slug' (a-z, 0-9, '-')")
    return slug


def office_hours(value) -> list:
    if value in (None, []):
        return []
    if not isinstance(value, list) or len(value) > 21:
        raise ValueError("'office_hours' must be a list of {day, opens, closes}")
    hours = []
    for slot in value:
        day = slot.get("day") if isinstance(slot, dict) else None
        if isinstance(day, str) and day[:3].lower() in DAYS:
            day = DAYS.index(day[:3].lower())
        opens, closes = (slot.get("opens"), slot.get("closes")) if isinstance(slot, dict) else (None, None)
        if (not isinstance(day, int) or not 0 <= day <= 6 or not isinstance(opens, str) or not isinstance(closes, str)
                or not HHMM.match(opens) or not HHMM.match(closes) or opens >= closes):
            raise ValueError("each office hour needs a day (mon-sun or 0-6) and opens < closes as HH:MM")
        hours.append({"day": day, "opens": opens, "closes": closes})
    return sorted(hours, key=lambda s: (s["day"], s["opens"]))


def postcodes(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or len(value) > 200:
        raise ValueError("'postcodes' must be a list of postcodes")
    codes = [Sector.normalise_postcode(str(code)) for code in value]
    bad = [code for code in codes if not POSTCODE.match(code)]
    if bad:
        raise ValueError(f"postcode {bad[0]!r} is not a postcode")
    return sorted(set(codes))


def contact(props: dict) -> tuple:
    given = props.get("contact") if isinstance(props.get("contact"), dict) else props
    phone = text(given, "phone", 30) or text(props, "contact_phone", 30)
    email = text(given, "email", 200) or text(props, "contact_email", 200)
    if phone and not PHONE.match(phone):
        raise ValueError(f"contact phone {phone!r} is not a phone number")
    if email and not EMAIL.match(email):
        raise ValueError(f"contact e-mail {email!r} is not an e-mail address")
    return phone, email
