"""Importing a city's district file as published: read it (any coordinate system pyproj knows), repair what is
narrower than the tolerance, refuse each real problem once, and plan the change (new, changed, unchanged and
retired sectors, where followers and officers go) before anything is saved.

    plan = plan_import(data, replace=True)       # ImportRefused(problems) if the file can't be imported
    plan.preview()                                # what the admin confirms (JSON), with plan.token
    plan.apply()                                  # all or nothing
"""
import hashlib
import json
import warnings
from dataclasses import dataclass, field

import numpy as np
import shapely
from flask import current_app
from shapely.geometry import mapping, shape

from ..db import db
from ..models import AuditLog, Follow, Post, Sector, SectorMap, SectorPostcode, SectorRetirement, Staff, YouthCentre
from ..models.maps import SectorMove
from . import properties as props_
from .coordinates import CoordinateProblem, LocalMetres, read_crs, to_wgs84, zone_point
from .repair import DEFAULT_TOLERANCE_M, Coverage, grouped, polygonal, repair_ring

MAX_VERTICES = 2_000_000          # the whole file (a 5,000-feature postal-area file has a few hundred thousand)
MAX_FEATURE_VERTICES = 500_000
SAME_OUTLINE_M = 0.01             # outlines that differ by less than a centimetre on average are unchanged
STORED_DIGITS = 8                 # about a millimetre


class ImportRefused(Exception):
    """The file was refused; `problems` maps where ('file', 'features[i] (name)', or several) to what is wrong."""

    def __init__(self, problems: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass
class SectorDraft:
    index: int
    name: str
    slug: str
    geometry: object                  # shapely, WGS84 lon/lat as read
    postcodes: list = field(default_factory=list)
    contact_phone: str | None = None
    contact_email: str | None = None
    office_hours: list = field(default_factory=list)
    description: str | None = None
    metric: object = None             # shapely, LocalMetres, after repairs

    @property
    def label(self):
        return f"features[{self.index}] ({self.name})"


class Problems:
    """Problems by place; the same message for many features is one problem listing them."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []

    def add(self, where, what):
        if not any(w == where for w, _ in self.items):
            self.items.append((where, what))

    def __bool__(self):
        return bool(self.items)

    def grouped(self) -> dict:
        by_message: dict = {}
        for where, what in self.items:
            by_message.setdefault(what, []).append(where)
        grouped = {}
        for what, places in by_message.items():
            if len(places) == 1:
                grouped[places[0]] = what
            elif len(places) <= 3:
                grouped[", ".join(places[:-1]) + " and " + places[-1]] = what
            else:
                grouped[f"{places[0]}, {places[1]} and {len(places) - 2} more features"] = what
        return grouped


def _label(index, feature, name_key):
    props = feature.get("properties") if isinstance(feature, dict) else None
    name = props.get(name_key) if isinstance(props, dict) and name_key else None
    return f"features[{index}]" + (f" ({props_.display_name(name.strip())})" if isinstance(name, str) and name.strip() else "")


def _raw_geometry(geometry):
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("geometry must be a Polygon or MultiPolygon")
    try:
        with warnings.catch_warnings():               # NaN coordinates: refused below, with a message
            warnings.simplefilter("ignore", RuntimeWarning)
            polygon = shape(geometry)
    except Exception as exc:  # shapely says what is wrong with the coordinates
        raise ValueError(f"invalid coordinates ({exc})") from None
    if polygon.is_empty:
        raise ValueError("the polygon is empty")
    if not np.isfinite(shapely.get_coordinates(polygon)).all():
        raise ValueError("coordinates must be finite numbers (not NaN or Infinity)")
    count = shapely.get_num_coordinates(polygon)
    if count > MAX_FEATURE_VERTICES:
        raise ValueError(f"has {count:,} points; at most {MAX_FEATURE_VERTICES:,} per feature")
    if polygon.has_z:
        polygon = shapely.force_2d(polygon)
    return polygon


def _parse_feature(index, feature, name_key) -> SectorDraft:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("is not a GeoJSON Feature")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise ValueError("'properties' must be an object")
    name = props_.display_name(props_.text(props, name_key or "name", 120, required=True))
    slug = props_.slug_for(props, name)
    phone, email = props_.contact(props)
    geometry = _raw_geometry(feature.get("geometry"))
    return SectorDraft(index, name, slug, geometry, props_.postcodes(props.get("postcodes")), phone, email,
                       props_.office_hours(props.get("office_hours")), props_.text(props, "description", 2000))


def _reference_points(existing) -> list:
    """Where the city is: its time zone's principal city, and its sectors on the map."""
    points = [zone_point(current_app.config.get("TIMEZONE", "Europe/Helsinki"))]
    if existing:
        west, south, east, north = shapely.total_bounds([shape(s.geometry) for s in existing])
        points.append(((west + east) / 2, (south + north) / 2))
    return [p for p in points if p is not None]


def _fingerprint_geometry(geometry) -> str:
    return hashlib.sha256(shapely.to_wkb(shapely.normalize(geometry))).hexdigest()[:16]


@dataclass
class Retiring:
    sector: Sector
    successor: SectorDraft | None
    share: float
    followers: int
    officers: list
    posts: int
    youth_centres: int


@dataclass
class ImportPlan:
    replace: bool
    tolerance_m: float
    drafts: list
    repairs: list
    existing: dict                      # slug -> Sector (active or retired)
    retiring: list
    attribution: str | None
    digest: str
    changes: dict = field(default_factory=dict)     # slug -> list of what changes (sectors on the map now)

    @property
    def new(self):
        """Drafts that are not on the map now (never were, or were retired)."""
        return [d for d in self.drafts if d.slug not in self.changes]

    @property
    def changed(self):
        return [d for d in self.drafts if d.slug in self.changes and self.changes[d.slug]]

    @property
    def unchanged(self):
        return [d for d in self.drafts if d.slug in self.changes and not self.changes[d.slug]]

    @property
    def token(self) -> str:
        """Names this exact change to this exact map: confirming with it fails if either changed since."""
        state = json.dumps([self.digest, self.replace, self.tolerance_m, list(SectorMap.fingerprint())], default=str)
        return hashlib.sha256(state.encode()).hexdigest()[:32]

    def preview(self, dry_run=True) -> dict:
        def brief(d):
            return {"slug": d.slug, "name": d.name}
        return {
            "dry_run": dry_run, "mode": "replace" if self.replace else "merge", "tolerance_m": self.tolerance_m,
            "created": [d.slug for d in self.new], "updated": [d.slug for d in self.drafts if d.slug in self.changes],
            "new": [brief(d) for d in self.new],
            "changed": [{**brief(d), "changes": self.changes[d.slug]} for d in self.changed],
            "unchanged": [brief(d) for d in self.unchanged],
            "retired": [{"id": r.sector.id, "slug": r.sector.slug, "name": r.sector.name,
                         "followers": r.followers, "posts": r.posts, "youth_centres": r.youth_centres,
                         "officers": r.officers,
                         "moves_to": r.successor and {**brief(r.successor), "share": round(r.share, 3)}}
                        for r in self.retiring],
            "repairs": [r.as_dict() for r in self.repairs],
            "attribution": self.attribution,
            "confirm": self.token,
        }

    def apply(self, actor=None) -> dict:
        """Save the plan, all or nothing."""
        saved = {}
        with db.atomic():
            leaving = [self.existing[d.slug].id for d in self.drafts if d.slug in self.existing]
            leaving += [r.sector.id for r in self.retiring]
            if leaving:
                SectorPostcode.delete().where(SectorPostcode.sector.in_(leaving)).execute()
            for draft in self.drafts:
                sector = self.existing.get(draft.slug) or Sector(slug=draft.slug)
                sector.name, sector.geometry = draft.name, _stored(draft.geometry)
                sector.contact_phone, sector.contact_email = draft.contact_phone, draft.contact_email
                sector.office_hours, sector.description = draft.office_hours, draft.description
                sector.save(map_changed=False)
                SectorPostcode.insert_many([{"sector": sector.id, "postcode": code} for code in draft.postcodes]).execute() \
                    if draft.postcodes else None
                saved[draft.slug] = sector
            returning = [self.existing[d.slug].id for d in self.new if d.slug in self.existing]
            if returning:
                SectorRetirement.delete().where(SectorRetirement.sector.in_(returning)).execute()
            moved = 0
            for retiring in self.retiring:
                old, successor = retiring.sector, saved[retiring.successor.slug] if retiring.successor else None
                SectorRetirement.create(sector=old, successor=successor)
                if successor is None:
                    continue
                for follow in list(Follow.select().where(Follow.sector == old.id)):
                    if Follow.find(follow.youth_id, sector_id=successor.id):
                        follow.delete_instance()
                    else:
                        Follow.update(sector=successor.id).where(Follow.id == follow.id).execute()
                    SectorMove.create(youth=follow.youth_id, from_name=old.name, to_sector=successor)
                    moved += 1
                Staff.update(sector=successor.id).where(Staff.sector == old.id).execute()
                YouthCentre.update(sector=successor.id).where(YouthCentre.sector == old.id).execute()
            SectorMove.forget_old()
            SectorMap.changed(attribution=self.attribution if self.attribution is not None else None)
            if actor is not None:
                AuditLog.record(actor, "sectors.import", mode="replace" if self.replace else "merge",
                                created=[d.slug for d in self.new], updated=[d.slug for d in self.changed],
                                retired=[r.sector.slug for r in self.retiring], followers_moved=moved,
                                repairs=len(self.repairs))
        return {**self.preview(dry_run=False), "followers_moved": moved}


def _stored(geometry) -> dict:
    """GeoJSON of a geometry with coordinates to about a millimetre (unrounded if rounding would break it)."""
    rounded = shapely.transform(geometry, lambda xy: xy.round(STORED_DIGITS))
    return mapping(rounded if rounded.is_valid else geometry)


def read_collection(data, tolerance_m=DEFAULT_TOLERANCE_M, name_key=None, keep=()) -> tuple[list, list]:
    """(drafts with repaired geometries, repairs), or ImportRefused with one entry per problem.
    `keep`: sectors already on the map that stay (a sliver they overlap is taken from the new feature)."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise ImportRefused({"file": "must be a GeoJSON FeatureCollection with a 'features' list"})
    features = data["features"]
    if not features:
        raise ImportRefused({"file": "has no features"})
    if not isinstance(tolerance_m, (int, float)) or not 0 <= tolerance_m <= 10:
        raise ImportRefused({"tolerance_m": "must be between 0 and 10 metres"})
    try:
        system = read_crs(data)
    except CoordinateProblem as problem:
        raise ImportRefused({"file": str(problem)}) from None
    name_key = props_.name_property(features, name_key)
    if name_key is None:
        seen = sorted({k for f in features[:50] if isinstance(f, dict) and isinstance(f.get("properties"), dict)
                       for k in f["properties"]})[:12]
        raise ImportRefused({"file": "no feature has a 'name'" + (f"; their properties are {', '.join(seen)}: say which "
                                                                   "one holds the name (name_property)" if seen else "")})
    problems, drafts = Problems(), []
    for index, feature in enumerate(features):
        try:
            drafts.append(_parse_feature(index, feature, name_key))
        except ValueError as exc:
            problems.add(_label(index, feature, name_key), str(exc))
    total = sum(shapely.get_num_coordinates(d.geometry) for d in drafts)
    if total > MAX_VERTICES:
        raise ImportRefused({"file": f"has {total:,} points; at most {MAX_VERTICES:,} in all"})
    try:
        lonlat = to_wgs84([d.geometry for d in drafts], system, _reference_points(list(keep) or list(Sector.active())))
    except CoordinateProblem as problem:
        raise ImportRefused({"file": str(problem)}) from None
    for draft, geometry in zip(drafts, lonlat):
        draft.geometry = geometry
    in_range = []
    for draft in drafts:
        west, south, east, north = draft.geometry.bounds
        if west < -180 or east > 180 or south < -90 or north > 90:
            problems.add(draft.label, "coordinates must be longitude, latitude in WGS84 degrees"
                         + (" (or give the file a 'crs' member)" if system.crs is None else ""))
        else:
            in_range.append(draft)
    drafts_ok, repairs = _repair(in_range, keep, tolerance_m, problems)
    _cross_check(drafts_ok, problems)
    if problems:
        raise ImportRefused(problems.grouped())
    return drafts_ok, repairs


def _repair(drafts, keep, tolerance_m, problems):
    if not drafts:
        return [], []
    keep = list(keep)
    kept_shapes = [shape(s.geometry) for s in keep]
    metres = LocalMetres.around([d.geometry for d in drafts])
    ring_repairs = Coverage([], [], tolerance_m, lonlat=metres.lonlat)
    usable = []
    for draft in drafts:
        geometry = metres.to_metres(draft.geometry)
        if not geometry.is_valid:
            repaired, difference = repair_ring(geometry, tolerance_m)
            if repaired is None:
                where = metres.lonlat(max(shapely.get_parts(difference), key=lambda p: p.area).representative_point())
                problems.add(draft.label, f"the polygon intersects itself near ({where[0]}, {where[1]}); repairing it "
                             f"would change {difference.area:,.0f} m², more than a {tolerance_m:g} m tolerance allows")
                continue
            if not difference.is_empty:
                ring_repairs.labels.append(draft.label)
                ring_repairs.geoms.append(geometry)
                ring_repairs._report("invalid_ring", [len(ring_repairs.labels) - 1], difference,
                                     f"the outline of {draft.label} crossed itself; untangled")
            geometry = repaired
        if geometry.is_empty or geometry.area <= 0:
            problems.add(draft.label, "the polygon has no area")
            continue
        draft.metric = geometry
        usable.append(draft)
    coverage = Coverage([d.label for d in usable] + [s.name for s in keep],
                        [d.metric for d in usable] + [metres.to_metres(g) for g in kept_shapes], tolerance_m,
                        fixed=range(len(usable), len(usable) + len(keep)), lonlat=metres.lonlat)
    coverage.resolve_overlaps()
    for label, message in coverage.problems.items():
        problems.add(label, message)
    if not coverage.problems:
        coverage.close_gaps()
    for draft, geometry in zip(usable, coverage.geoms):
        changed = geometry is not draft.metric
        draft.metric = geometry
        if changed or not draft.geometry.is_valid:
            draft.geometry = polygonal(metres.to_lonlat(geometry))
    return usable, grouped(ring_repairs.repairs + coverage.repairs)


def _cross_check(drafts, problems):
    by_slug, by_code = {}, {}
    for draft in drafts:
        if draft.slug in by_slug:
            problems.add(draft.label, f"has the same slug {draft.slug!r} as {by_slug[draft.slug].label}")
        by_slug.setdefault(draft.slug, draft)
        for code in draft.postcodes:
            if code in by_code:
                problems.add(draft.label, f"postcode {code} is also in {by_code[code].label}")
            by_code.setdefault(code, draft)


def _changes(draft, sector) -> list:
    found = []
    if draft.name != sector.name:
        found.append("name")
    old = shape(sector.geometry)
    if not old.is_valid:
        old = polygonal(shapely.make_valid(old))
    if _fingerprint_geometry(draft.geometry) != _fingerprint_geometry(old):
        metres = LocalMetres.around([draft.geometry])
        new_m, old_m = metres.to_metres(draft.geometry), metres.to_metres(old)
        if new_m.symmetric_difference(old_m).area >= SAME_OUTLINE_M * max(old_m.length, 1.0):
            found.append("outline")
    if draft.postcodes != sector.postcodes():
        found.append("postcodes")
    if (draft.contact_phone, draft.contact_email) != (sector.contact_phone, sector.contact_email):
        found.append("contact")
    if draft.office_hours != (sector.office_hours or []):
        found.append("office_hours")
    if draft.description != sector.description:
        found.append("description")
    return found


def _successor(sector, drafts):
    """The new sector covering most of the retired one's area (or, if none touches it, the nearest)."""
    if not drafts:
        return None, 0.0
    old = shape(sector.geometry)
    metres = LocalMetres.around([old])
    old_m = polygonal(shapely.make_valid(metres.to_metres(old)))
    shares = [(old_m.intersection(metres.to_metres(d.geometry)).area, d) for d in drafts]
    best_area, best = max(shares, key=lambda item: item[0])
    if best_area > 0:
        return best, best_area / old_m.area if old_m.area else 0.0
    return min(drafts, key=lambda d: metres.to_metres(d.geometry).distance(old_m)), 0.0


def plan_import(data, replace=False, tolerance_m=DEFAULT_TOLERANCE_M, name_property=None, attribution=None) -> ImportPlan:
    """Read, repair and check the file and plan the change; ImportRefused if it can't be imported."""
    slugs_in_file = set()
    if isinstance(data, dict) and isinstance(data.get("features"), list):
        key = props_.name_property(data["features"], name_property)
        for feature in data["features"]:
            props = feature.get("properties") if isinstance(feature, dict) else None
            if isinstance(props, dict):
                try:
                    slugs_in_file.add(props_.slug_for(props, props_.display_name(props_.text(props, key or "name", 120,
                                                                                             required=True))))
                except ValueError:
                    pass
    active = list(Sector.active())
    keep = [] if replace else [s for s in active if s.slug not in slugs_in_file]
    drafts, repairs = read_collection(data, tolerance_m, name_property, keep)
    existing = {s.slug: s for s in Sector.select().where(Sector.slug.in_([d.slug for d in drafts] or [""]))}
    problems = Problems()
    if not replace:
        taken = {row.postcode: row.sector.name for row in SectorPostcode.select(SectorPostcode, Sector).join(Sector)
                 .where(Sector.id.in_([s.id for s in keep] or [0]))}
        for draft in drafts:
            clash = next((code for code in draft.postcodes if code in taken), None)
            if clash:
                problems.add(draft.label, f"postcode {clash} already belongs to the sector {taken[clash]!r}")
    if problems:
        raise ImportRefused(problems.grouped())
    retiring = []
    if replace:
        for sector in active:
            if sector.slug in {d.slug for d in drafts}:
                continue
            successor, share = _successor(sector, drafts)
            retiring.append(Retiring(
                sector, successor, share, Follow.select().where(Follow.sector == sector.id).count(),
                [{"id": s.id, "name": s.name} for s in Staff.select().where(Staff.sector == sector.id).order_by(Staff.name)],
                Post.select().where(Post.sector == sector.id).count(),
                YouthCentre.select().where(YouthCentre.sector == sector.id).count()))
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    if attribution is None and isinstance(data.get("attribution"), str):
        attribution = data["attribution"].strip()[:300]
    plan = ImportPlan(replace, tolerance_m, drafts, repairs, existing, retiring, attribution, digest)
    retired_ids = {row.sector_id for row in SectorRetirement.select(SectorRetirement.sector)
                   .where(SectorRetirement.sector.in_([s.id for s in existing.values()] or [0]))}
    plan.changes = {d.slug: _changes(d, existing[d.slug]) for d in drafts
                    if d.slug in existing and existing[d.slug].id not in retired_ids}
    return plan


def import_sectors(data, dry_run=False, replace=False, tolerance_m=DEFAULT_TOLERANCE_M, name_property=None,
                   attribution=None, confirm=None, actor=None) -> dict:
    """Plan the import; unless dry_run, apply it (if `confirm` is given it must be the preview's token)."""
    plan = plan_import(data, replace, tolerance_m, name_property, attribution)
    if dry_run:
        return plan.preview()
    if confirm is not None and confirm != plan.token:
        raise PlanChanged()
    return plan.apply(actor)


class PlanChanged(Exception):
    """The map (or the file) changed since the preview the admin confirmed."""
