"""Where a file's coordinates are: its `crs` member, projected data reprojected with pyproj, swapped axis order
detected, and a local metric projection (metres on the ground) for repairs and simplification.

pyproj's wheels ship the PROJ database (proj.db), so every EPSG code works offline; no grids are needed for
the ETRS89/WGS84 systems cities publish in.
"""
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

WGS84 = CRS.from_epsg(4326)
SWAP_NEAR_KM = 1500          # swapped coordinates that land this close to the city, where the file's are far off


class CoordinateProblem(ValueError):
    """A problem of the whole file's coordinates (one message, not one per feature)."""


@dataclass
class SourceSystem:
    crs: CRS | None               # None: GeoJSON's default (WGS84 longitude, latitude)
    name: str                     # as the file wrote it, for messages

    @property
    def is_geographic(self) -> bool:
        return self.crs is None or self.crs.is_geographic


def read_crs(data: dict) -> SourceSystem:
    """The file's `crs` member ({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3067"}})."""
    member = data.get("crs")
    if member is None:
        return SourceSystem(None, "WGS84 (GeoJSON's default)")
    name = member.get("properties", {}).get("name") if isinstance(member, dict) and isinstance(
        member.get("properties"), dict) else None
    if not isinstance(name, str) or member.get("type") != "name":
        raise CoordinateProblem("the 'crs' member must be {\"type\": \"name\", \"properties\": {\"name\": "
                                "\"urn:ogc:def:crs:EPSG::3067\"}} (or leave it out for WGS84 longitude, latitude)")
    try:
        crs = CRS.from_user_input(name)
    except CRSError:
        raise CoordinateProblem(f"the file's 'crs' {name!r} is not a coordinate reference system we know "
                                "(use an EPSG code, e.g. urn:ogc:def:crs:EPSG::3067)") from None
    if crs.is_geographic and crs.ellipsoid and abs(crs.ellipsoid.semi_major_metre - 6378137) > 1:
        raise CoordinateProblem(f"the file's 'crs' {name!r} is geographic but not WGS84; export it in WGS84 or "
                                "in a projected system")
    return SourceSystem(None if crs.is_geographic else crs, name)


def _bounds(geoms) -> tuple:
    return tuple(shapely.total_bounds(np.array(geoms, dtype=object)))


def _looks_metric(bounds) -> bool:
    return max(abs(v) for v in bounds) > 1000


def _in_degrees(bounds) -> bool:
    west, south, east, north = bounds
    return -180 <= west <= east <= 180 and -90 <= south <= north <= 90


@lru_cache(maxsize=1)
def _zone_points() -> dict:
    """Time zone -> (lon, lat) of its principal city, from the tz database's zone.tab (one zone per country:
    Europe/Copenhagen, Europe/Stockholm) and zone1970.tab (package tzdata)."""
    points = {}
    text = "\n".join(resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
                     for name in ("zone1970.tab", "zone.tab"))
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        _, coords, zone = line.split("\t")[:3]
        sign_at = next(i for i in range(1, len(coords)) if coords[i] in "+-")
        lat, lon = coords[:sign_at], coords[sign_at:]

        def degrees(text, width):
            sign = -1 if text[0] == "-" else 1
            digits = text[1:]
            whole, minutes, seconds = int(digits[:width]), int(digits[width:width + 2]), int(digits[width + 2:] or 0)
            return sign * (whole + minutes / 60 + seconds / 3600)
        points[zone] = (degrees(lon, 3), degrees(lat, 2))
    return points


def zone_point(timezone: str):
    return _zone_points().get(timezone)


def distance_km(a, b) -> float:
    (lon1, lat1), (lon2, lat2) = map(lambda p: (math.radians(p[0]), math.radians(p[1])), (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(min(1, math.sqrt(h)))


def _centre(bounds):
    return ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)


def swap_axes(geometry):
    return shapely.transform(geometry, lambda xy: xy[:, ::-1])


def to_wgs84(geoms: list, system: SourceSystem, references=()) -> list:
    """The geometries in WGS84 longitude, latitude; CoordinateProblem if the file's axes are swapped, or it
    is projected without saying so. `references`: (lon, lat) points where the city is (its time zone, its sectors).
    Features whose coordinates are out of range are left for the per-feature check."""
    if not geoms:
        return geoms
    bounds = _bounds(geoms)
    if system.is_geographic:
        if not _in_degrees(bounds):
            west, south, east, north = bounds
            if _in_degrees((south, west, north, east)):
                raise CoordinateProblem(
                    "the coordinates are in latitude, longitude order (swapped): GeoJSON is longitude, latitude; "
                    f"the first coordinate goes up to {max(abs(west), abs(east)):.4f}, which only a latitude can be "
                    "here. Export with longitude first (e.g. a WFS answer in EPSG:4326 needs CRS84 instead)")
            if _looks_metric(bounds) and all(_looks_metric(_bounds([g])) for g in geoms):
                raise CoordinateProblem(
                    f"the coordinates look projected (in metres, up to {max(abs(v) for v in bounds):,.0f}) but the "
                    "file has no 'crs' member saying in which system: add one, e.g. \"crs\": {\"type\": \"name\", "
                    "\"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::3067\"}}")
            return geoms
        for reference in references:
            here, swapped = distance_km(_centre(bounds), reference), distance_km(_centre(bounds)[::-1], reference)
            if swapped < SWAP_NEAR_KM and here > 3 * max(swapped, 100):
                lon, lat = _centre(bounds)
                raise CoordinateProblem(
                    f"the coordinates look like latitude, longitude (swapped axis order): read as longitude, latitude "
                    f"the map is at ({lon:.4f}, {lat:.4f}), {here:,.0f} km from the city; swapped it would be "
                    f"{swapped:,.0f} km away. Export with longitude first (GeoJSON's order)")
        return geoms
    crs = system.crs
    area = crs.area_of_use
    forward = Transformer.from_crs(crs, WGS84, always_xy=True)

    def lonlat_centre(b):
        lon, lat = forward.transform(*_centre(b))
        return lon, lat

    def inside(point):
        return (area is None or (area.west - 1 <= point[0] <= area.east + 1 and area.south - 1 <= point[1] <= area.north + 1)) \
            and all(math.isfinite(v) for v in point)
    centre = lonlat_centre(bounds)
    if not inside(centre):
        swapped = lonlat_centre((bounds[1], bounds[0], bounds[3], bounds[2]))
        if inside(swapped):
            raise CoordinateProblem(
                f"the coordinates look swapped (northing, easting): in {system.name} ({crs.name}) the first coordinate "
                "is the easting; export with x (easting) first")
        raise CoordinateProblem(
            f"the coordinates are not where {system.name} ({crs.name}) is used"
            + (f" ({area.name})" if area else "") + ": is the 'crs' member right?")

    def reproject(xy):
        x, y = forward.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])
    return [shapely.transform(g, reproject) for g in geoms]


class LocalMetres:
    """A Lambert azimuthal equal-area projection centred on the map: areas in m², distances in metres
    (within a fraction of a per cent across a city)."""

    def __init__(self, lon: float, lat: float):
        local = CRS.from_proj4(f"+proj=laea +lat_0={lat:.6f} +lon_0={lon:.6f} +datum=WGS84 +units=m +no_defs")
        self._to = Transformer.from_crs(WGS84, local, always_xy=True)
        self._from = Transformer.from_crs(local, WGS84, always_xy=True)

    @classmethod
    def around(cls, geoms):
        west, south, east, north = _bounds(geoms)
        return cls((west + east) / 2, (south + north) / 2)

    def to_metres(self, geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(self._to.transform(xy[:, 0], xy[:, 1])))

    def to_lonlat(self, geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(self._from.transform(xy[:, 0], xy[:, 1])))

    def lonlat(self, point) -> list:
        lon, lat = self._from.transform(point.x, point.y)
        return [round(lon, 5), round(lat, 5)]
