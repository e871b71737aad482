"""Repairs of a city's district file, measured in metres on the ground: invalid rings, slivers where neighbours
overlap by less than the tolerance, and gaps narrower than the tolerance between neighbours. Every repair is
reported (what, where, how large); anything larger is a problem with its area and place.

All geometries here are in a LocalMetres projection (see coordinates.py).
"""
from dataclasses import asdict, dataclass

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.strtree import STRtree

DEFAULT_TOLERANCE_M = 0.5
NOISE_M2 = 1e-4              # a square centimetre: floating-point dust, not a sliver


@dataclass
class Repair:
    kind: str                    # "invalid_ring", "overlap", "gap"
    features: list               # the labels of the features concerned
    area_m2: float               # in all
    width_m: float               # about how wide the widest piece is (2 x area / perimeter)
    at: list                     # [lon, lat] of the largest piece
    action: str
    places: int = 1              # pieces along the same border
    largest: list = None         # [{"at": [lon, lat], "area_m2": ...}] of the largest pieces (up to five)

    def as_dict(self):
        return asdict(self)

    def describe(self) -> str:
        return (f"{self.action}: {_area(self.area_m2)}, about {_width(self.width_m)} wide, "
                f"at ({self.at[0]}, {self.at[1]})")


def grouped(repairs: list) -> list:
    """One repair per kind and border: many crumbs along one border are one repair 'in 37 places'."""
    groups: dict = {}
    for repair in repairs:
        groups.setdefault((repair.kind, tuple(repair.features), repair.action), []).append(repair)
    merged = []
    for (kind, features, action), pieces in groups.items():
        pieces.sort(key=lambda r: -r.area_m2)
        merged.append(Repair(kind, list(features), round(sum(r.area_m2 for r in pieces), 3),
                             max(r.width_m for r in pieces), pieces[0].at, action, len(pieces),
                             [{"at": r.at, "area_m2": r.area_m2} for r in pieces[:5]]))
    return merged


def _area(m2: float) -> str:
    if m2 < 0.01:
        return f"{m2:.2g} m²"
    return f"{m2:,.2f} m²" if m2 < 100 else f"{m2:,.0f} m²"


def _width(m: float) -> str:
    return f"{m * 1000:.0f} mm" if m < 0.1 else f"{m:.2f} m"


def polygonal(geometry):
    """The polygons of a geometry (dropping points and lines a repair may leave), as a Polygon or MultiPolygon."""
    if geometry is None or geometry.is_empty:
        return MultiPolygon()
    if isinstance(geometry, (Polygon, MultiPolygon)):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if isinstance(g, (Polygon, MultiPolygon)) and g.area > 0]
    flat = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return flat[0] if len(flat) == 1 else MultiPolygon(flat)


def width(geometry) -> float:
    return 2 * geometry.area / geometry.length if geometry.length else 0.0


def is_narrow(geometry, tolerance: float) -> bool:
    """Does nothing of it survive shrinking by half the tolerance (it is nowhere as wide as the tolerance)?"""
    return geometry.is_empty or geometry.buffer(-tolerance / 2, quad_segs=2).is_empty


def repair_ring(geometry, tolerance: float):
    """A valid version of an invalid polygon, or None when the ways to read it differ by more than the tolerance.

    Returns (repaired, difference): `difference` is what two readings of the rings disagree about (all lobes
    kept, as make_valid does, or only the outward-turning ones, as buffer(0) does): a knot or a spike is narrow,
    a figure-of-eight is not."""
    kept = polygonal(shapely.make_valid(geometry))
    outward = polygonal(geometry.buffer(0))
    difference = polygonal(kept.symmetric_difference(outward))
    if is_narrow(difference, tolerance):
        return kept, difference
    return None, difference


class Coverage:
    """The features' polygons being repaired together. `fixed` ones (sectors already on the map that this import
    keeps) are never changed: a sliver they overlap is taken from the new feature."""

    def __init__(self, labels, geoms, tolerance=DEFAULT_TOLERANCE_M, fixed=None, lonlat=None):
        self.labels, self.geoms, self.tolerance = list(labels), list(geoms), tolerance
        self.fixed = set(fixed or ())
        self.lonlat = lonlat                    # point (metres) -> [lon, lat]
        self.repairs: list[Repair] = []
        self.overlaps: dict = {}               # label -> ["features[1] (A) by 12 m² around (lon, lat)", ...]

    def _report(self, kind, indexes, piece, action):
        self.repairs.append(Repair(kind, [self.labels[i] for i in indexes], round(piece.area, 3),
                                   round(width(piece), 4), self.lonlat(piece.representative_point()), action))

    def resolve_overlaps(self):
        """Slivers: taken from the later (or the new) feature, so both meet on the earlier one's border.
        Real overlaps: a problem naming both features, the area and the place."""
        tree = STRtree(self.geoms)
        left, right = tree.query(self.geoms, predicate="intersects")
        for i, j in sorted({(min(a, b), max(a, b)) for a, b in zip(left.tolist(), right.tolist()) if a != b}):
            if i in self.fixed and j in self.fixed:
                continue
            keep, cut = (j, i) if i not in self.fixed and j in self.fixed else (i, j)
            shared = polygonal(self.geoms[keep].intersection(self.geoms[cut]))
            if shared.is_empty or shared.area < NOISE_M2:
                continue
            if not is_narrow(shared, self.tolerance):
                wide = max(shapely.get_parts(shared), key=lambda p: p.area)
                lon, lat = self.lonlat(wide.representative_point())
                other = self.labels[keep]
                if keep in self.fixed:
                    other = f"the existing sector {other!r}"
                self.overlaps.setdefault(self.labels[cut], []).append(
                    f"{other} by {_area(shared.area)} around ({lon}, {lat})")
                continue
            self.geoms[cut] = polygonal(self.geoms[cut].difference(self.geoms[keep]))
            self._report("overlap", (keep, cut), shared,
                         f"{self.labels[keep]} and {self.labels[cut]} overlapped by a sliver; "
                         f"it now belongs to {self.labels[keep]} only")

    @property
    def problems(self) -> dict:
        """label -> one message naming every feature it really overlaps."""
        return {label: f"overlaps {', and '.join(found)}; only slivers narrower than {self.tolerance:g} m are repaired"
                for label, found in self.overlaps.items()}

    def close_gaps(self):
        """Gaps narrower than the tolerance between two or more features go to the neighbour sharing the
        longest border with the gap."""
        movable = [i for i in range(len(self.geoms)) if i not in self.fixed]
        if len(movable) < 2:
            return
        union = shapely.union_all([self.geoms[i] for i in movable])
        half = self.tolerance / 2
        closed = union.buffer(half, quad_segs=2, join_style="mitre").buffer(-half, quad_segs=2, join_style="mitre")
        gaps = polygonal(closed.difference(union))
        if gaps.is_empty:
            return
        tree = STRtree([self.geoms[i] for i in movable])
        for gap in shapely.get_parts(gaps):
            if gap.area < NOISE_M2 or not is_narrow(gap, self.tolerance):
                continue
            near = [movable[k] for k in tree.query(gap.buffer(self.tolerance / 10), predicate="intersects").tolist()]
            if len(near) < 2:
                continue                        # a notch in one feature's own outline, not a gap between two
            edge = gap.boundary
            best = max(near, key=lambda k: edge.intersection(self.geoms[k].buffer(self.tolerance / 10)).length)
            self.geoms[best] = polygonal(shapely.union_all([self.geoms[best], gap]))
            self._report("gap", sorted(near), gap,
                         f"a gap between {' and '.join(self.labels[k] for k in sorted(near))} "
                         f"now belongs to {self.labels[best]}")
