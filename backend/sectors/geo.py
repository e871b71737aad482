"""Sectors from GeoJSON: validate a FeatureCollection (naming the faulty feature), import it, compact it."""
import re
from dataclasses import dataclass, field

from shapely.geometry import shape
from shapely.validation import explain_validity

from ..db import db
from ..models import Sector, SectorPostcode
from ..models.places import DAYS

MAX_FEATURES = 500
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
POSTCODE = re.compile(r"^[0-9A-Z-]{3,10}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{5,30}$")
COMPACT_DIGITS = 5          # about a metre: plenty for "which sector am I in"


class ImportRefused(Exception):
    """The GeoJSON was refused; `problems` maps 'features[i]' (or 'file') to what is wrong."""

    def __init__(self, problems: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass
class SectorDraft:
    index: int
    label: str
    slug: str
    name: str
    geometry: dict
    shape: object
    postcodes: list = field(default_factory=list)
    contact_phone: str | None = None
    contact_email: str | None = None
    office_hours: list = field(default_factory=list)
    description: str | None = None


def slugify(name: str) -> str:
    table = str.maketrans({"ä": "a", "å": "a", "ö": "o", "ø": "o", "æ": "ae", "ü": "u", "é": "e"})
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(table)).strip("-")[:64]


def _text(props, key, limit, required=False):
    value = props.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"needs a '{key}'")
        return None
    if not isinstance(value, str) or len(value.strip()) > limit or any(ord(c) < 32 for c in value):
        raise ValueError(f"'{key}' must be plain text of at most {limit} characters")
    return value.strip()


def _office_hours(value) -> list:
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


def _postcodes(value) -> list:
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


def _geometry(geometry):
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("geometry must be a Polygon or MultiPolygon")
    try:
        polygon = shape(geometry)
    except Exception as exc:  # shapely says what is wrong with the coordinates
        raise ValueError(f"invalid coordinates ({exc})") from None
    if polygon.is_empty:
        raise ValueError("the polygon is empty")
    minx, miny, maxx, maxy = polygon.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValueError("coordinates must be longitude, latitude in WGS84 degrees")
    if not polygon.is_valid:
        reason = explain_validity(polygon)
        if reason.startswith(("Self-intersection", "Ring Self-intersection")):
            where = reason[reason.find("[") + 1:reason.find("]")].split()
            raise ValueError(f"the polygon intersects itself near {', '.join(where[:2])}")
        raise ValueError(f"the polygon is not valid ({reason})")
    if polygon.area <= 0:
        raise ValueError("the polygon has no area")
    return polygon


def parse_feature(index: int, feature) -> SectorDraft:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("is not a GeoJSON Feature")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise ValueError("'properties' must be an object")
    name = _text(props, "name", 120, required=True)
    slug = _text(props, "slug", 64) or slugify(name)
    if not SLUG.match(slug):
        raise ValueError("'slug' may use a-z, 0-9 and '-' only")
    contact = props.get("contact") if isinstance(props.get("contact"), dict) else props
    phone, email = _text(contact, "phone", 30) or _text(props, "contact_phone", 30), \
        _text(contact, "email", 200) or _text(props, "contact_email", 200)
    if phone and not PHONE.match(phone):
        raise ValueError(f"contact phone {phone!r} is not a phone number")
    if email and not EMAIL.match(email):
        raise ValueError(f"contact e-mail {email!r} is not an e-mail address")
    polygon = _geometry(feature.get("geometry"))
    return SectorDraft(index, name, slug, name, feature["geometry"], polygon, _postcodes(props.get("postcodes")),
                       phone, email, _office_hours(props.get("office_hours")), _text(props, "description", 2000))


def _label(index, feature):
    name = feature.get("properties", {}).get("name") if isinstance(feature, dict) and isinstance(
        feature.get("properties"), dict) else None
    return f"features[{index}]" + (f" ({name})" if isinstance(name, str) and name else "")


def _overlaps(a, b) -> bool:
    """Sharing a border is fine; sharing area is not (tolerating rounding slivers)."""
    area = a.shape.intersection(b.shape).area
    return area > max(1e-12, 1e-6 * min(a.shape.area, b.shape.area))


def _cross_check(drafts, problems):
    by_slug, by_code = {}, {}
    for draft in drafts:
        key = _key(draft)
        if draft.slug in by_slug:
            problems[key] = f"has the same slug {draft.slug!r} as {_key(by_slug[draft.slug])}"
        by_slug.setdefault(draft.slug, draft)
        for code in draft.postcodes:
            if code in by_code:
                problems.setdefault(key, f"postcode {code} is also in {_key(by_code[code])}")
            by_code.setdefault(code, draft)
    for i, a in enumerate(drafts):
        for b in drafts[i + 1:]:
            if a.shape.bounds[0] <= b.shape.bounds[2] and b.shape.bounds[0] <= a.shape.bounds[2] \
                    and a.shape.bounds[1] <= b.shape.bounds[3] and b.shape.bounds[1] <= a.shape.bounds[3] \
                    and _overlaps(a, b):
                problems.setdefault(_key(b), f"overlaps {_key(a)}")


def _check_against_existing(drafts, problems):
    """Sectors already in the database and not in this file must not overlap or share postcodes."""
    slugs = {d.slug for d in drafts}
    others = [s for s in Sector.select() if s.slug not in slugs]
    taken = {row.postcode: row.sector.name for row in
             SectorPostcode.select(SectorPostcode, Sector).join(Sector).where(Sector.slug.not_in(list(slugs) or [""]))}
    for draft in drafts:
        for sector in others:
            existing = SectorDraft(-1, sector.name, sector.slug, sector.name, sector.geometry, shape(sector.geometry))
            if _overlaps(draft, existing):
                problems.setdefault(_key(draft), f"overlaps the existing sector {sector.name!r}")
        clash = next((code for code in draft.postcodes if code in taken), None)
        if clash:
            problems.setdefault(_key(draft), f"postcode {clash} already belongs to the sector {taken[clash]!r}")


def _key(draft):
    return f"features[{draft.index}] ({draft.name})"


def parse_collection(data) -> list[SectorDraft]:
    """Every feature as a SectorDraft, or ImportRefused naming each faulty feature."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise ImportRefused({"file": "must be a GeoJSON FeatureCollection with a 'features' list"})
    features = data["features"]
    if not features or len(features) > MAX_FEATURES:
        raise ImportRefused({"file": f"must have between 1 and {MAX_FEATURES} features"})
    drafts, problems = [], {}
    for index, feature in enumerate(features):
        try:
            drafts.append(parse_feature(index, feature))
        except ValueError as exc:
            problems[_label(index, feature)] = str(exc)
    _cross_check(drafts, problems)
    if not problems:
        _check_against_existing(drafts, problems)
    if problems:
        raise ImportRefused(problems)
    return drafts


def import_sectors(data, dry_run=False) -> dict:
    """Create or update (by slug) every sector in the FeatureCollection, all or nothing."""
    drafts = parse_collection(data)
    existing = {s.slug: s for s in Sector.select().where(Sector.slug.in_([d.slug for d in drafts]))}
    result = {"created": [d.slug for d in drafts if d.slug not in existing],
              "updated": [d.slug for d in drafts if d.slug in existing], "dry_run": dry_run}
    if dry_run:
        return result
    with db.atomic():
        for draft in drafts:
            sector = existing.get(draft.slug) or Sector(slug=draft.slug)
            sector.name, sector.geometry = draft.name, round_geometry(draft.geometry, 6)
            sector.contact_phone, sector.contact_email = draft.contact_phone, draft.contact_email
            sector.office_hours, sector.description = draft.office_hours, draft.description
            sector.save()
            SectorPostcode.delete().where(SectorPostcode.sector == sector).execute()
            for code in draft.postcodes:
                SectorPostcode.create(sector=sector, postcode=code)
    return result


def round_geometry(geometry: dict, digits=COMPACT_DIGITS) -> dict:
    """The same geometry with coordinates rounded and repeated points dropped."""
    def ring(points):
        out = []
        for x, y, *_ in points:
            point = [round(x, digits), round(y, digits)]
            if not out or out[-1] != point:
                out.append(point)
        return out
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in poly] for poly in geometry["coordinates"]]}


def compact_collection(sectors, postcodes: dict) -> dict:
    """The sectors as a small FeatureCollection for the map and on-device location."""
    features, bounds = [], None
    for sector in sectors:
        geometry = round_geometry(sector.geometry)
        box = shape(geometry).bounds
        bounds = box if bounds is None else (min(bounds[0], box[0]), min(bounds[1], box[1]),
                                             max(bounds[2], box[2]), max(bounds[3], box[3]))
        features.append({"type": "Feature", "id": sector.id, "geometry": geometry,
                         "properties": {"id": sector.id, "slug": sector.slug, "name": sector.name,
                                        "postcodes": postcodes.get(sector.id, [])}})
    collection = {"type": "FeatureCollection", "features": features}
    if bounds:
        collection["bbox"] = [round(v, COMPACT_DIGITS) for v in bounds]
    return collection
