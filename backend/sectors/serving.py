"""The map as served: every sector simplified together (neighbours still meet), rounded to about a metre and
still valid, within a size budget a phone downloads in a moment; built once per change of the map, kept in
memory with its ETag, gzip and Brotli bodies.

    served = current_map()          # a ServedMap; cheap when the map hasn't changed (one small query)
"""
import gzip
import hashlib
import json
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from flask import current_app
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

from ..models import Sector, SectorMap
from .coordinates import LocalMetres
from .repair import polygonal

try:
    import brotli
except ImportError:          # Brotli is optional: gzip alone is fine
    brotli = None

COMPACT_DIGITS = 5                   # about a metre: plenty for "which sector am I in"
BUDGET_GZIP = 150_000                # bytes for a whole city
MAX_VERTICES = 60_000                # served in all (a phone draws this quickly)
TOLERANCES_M = (1, 2, 4, 8, 16, 32, 64, 128, 256)


@dataclass
class ServedMap:
    body: bytes
    gzip: bytes
    brotli: bytes | None
    etag: str
    features: int
    vertices: int
    tolerance_m: float
    topology: str                    # "coverage" (shared edges simplified once) or "each" (per feature)


def _round(geometry, digits):
    rounded = shapely.transform(geometry, lambda xy: xy.round(digits))
    return shapely.remove_repeated_points(rounded)


def valid_rounded(geometry):
    """The geometry rounded to COMPACT_DIGITS; a feature that rounding would break gets a digit more (then two),
    and as a last resort is made valid."""
    for digits in (COMPACT_DIGITS, COMPACT_DIGITS + 1, COMPACT_DIGITS + 2):
        rounded = _round(geometry, digits)
        if rounded.is_valid and not rounded.is_empty:
            return rounded
    return polygonal(shapely.make_valid(_round(geometry, COMPACT_DIGITS + 2)))


SNAP_M = 0.01                        # neighbours' vertices closer than a centimetre are made one


def clean_coverage(geoms_m: list) -> list:
    """The sectors as a clean coverage (shared edges vertex for vertex the same), when GEOS can make one: an
    import has repaired every sliver and gap wider than a hair, this matches the hairs (shapely >= 2.2)."""
    array = np.array(geoms_m, dtype=object)
    try:
        if not shapely.coverage_is_valid(array):
            cleaned = shapely.coverage_clean(array, snapping_distance=SNAP_M)
            if all(isinstance(g, (Polygon, MultiPolygon)) and not g.is_empty for g in cleaned):
                return [polygonal(g) for g in cleaned]
    except Exception:            # GEOS older than 3.14: simplify as it is
        pass
    return geoms_m


def simplified(geoms_m: list, tolerance: float) -> tuple[list, str]:
    """Shared edges simplified once (shapely's coverage simplification) when the sectors form a clean coverage;
    otherwise each sector on its own, keeping its topology."""
    array = np.array(geoms_m, dtype=object)
    try:
        if shapely.coverage_is_valid(array):
            return list(shapely.coverage_simplify(array, tolerance)), "coverage"
    except Exception:            # GEOS older than 3.12, or a coverage it can't handle
        pass
    return [g.simplify(tolerance, preserve_topology=True) for g in geoms_m], "each"


def _collection(sectors, postcodes, geoms, attribution):
    features, bounds = [], None
    for sector, geometry in zip(sectors, geoms):
        box = geometry.bounds
        bounds = box if bounds is None else (min(bounds[0], box[0]), min(bounds[1], box[1]),
                                             max(bounds[2], box[2]), max(bounds[3], box[3]))
        features.append({"type": "Feature", "id": sector.id, "geometry": _plain(mapping(geometry)),
                         "properties": {"id": sector.id, "slug": sector.slug, "name": sector.name,
                                        "postcodes": postcodes.get(sector.id, [])}})
    collection = {"type": "FeatureCollection", "features": features}
    if bounds:
        collection["bbox"] = [round(v, COMPACT_DIGITS) for v in bounds]
    if attribution:
        collection["attribution"] = attribution
    return collection


def _plain(value):
    """GeoJSON with lists (not tuples) and whole numbers as they are."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _encode(collection) -> bytes:
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()


def build(sectors, postcodes: dict, attribution=None, budget=BUDGET_GZIP, max_vertices=MAX_VERTICES) -> ServedMap:
    """The served map of these sectors: the least simplification that fits the budget and the vertex limit."""
    sectors = list(sectors)
    geoms = [polygonal(shapely.make_valid(shape(s.geometry))) for s in sectors]
    if not geoms:
        body = _encode(_collection([], {}, [], attribution))
        return _served(body, 0, 0, 0, "coverage")
    metres = LocalMetres.around(geoms)
    geoms_m = clean_coverage([metres.to_metres(g) for g in geoms])
    for tolerance in TOLERANCES_M:
        simple_m, topology = simplified(geoms_m, tolerance)
        served = [valid_rounded(polygonal(metres.to_lonlat(g))) for g in simple_m]
        vertices = int(sum(shapely.get_num_coordinates(g) for g in served))
        body = _encode(_collection(sectors, postcodes, served, attribution))
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        if (len(packed) <= budget and vertices <= max_vertices) or tolerance == TOLERANCES_M[-1]:
            return _served(body, len(served), vertices, tolerance, topology, packed)


def _served(body, features, vertices, tolerance, topology, packed=None) -> ServedMap:
    packed = packed or gzip.compress(body, compresslevel=9, mtime=0)
    squeezed = brotli.compress(body, quality=11) if brotli is not None else None
    return ServedMap(body, packed, squeezed, hashlib.sha256(body).hexdigest()[:20], features, vertices,
                     tolerance, topology)


_lock = threading.Lock()


def current_map() -> ServedMap:
    """The served map, built again only when the map changed (its fingerprint is one small query).
    Kept on the app: {"key": the map's fingerprint, "map": its ServedMap}."""
    cache = current_app.extensions.setdefault("tuttu_sector_map", {})
    key = SectorMap.fingerprint()
    if cache.get("map") is not None and cache.get("key") == key:
        return cache["map"]
    with _lock:
        if cache.get("map") is not None and cache.get("key") == key:
            return cache["map"]
        served = build(Sector.in_order(), Sector.postcodes_by_sector(), SectorMap.current_attribution())
        cache.update(key=key, map=served)
        return served
