"""Importing real district files as cities publish them (tests/data/sectors: Helsinki, Copenhagen, Kyiv):
slivers repaired and reported, real overlaps refused with their size and place, swapped axes and projected
files recognised, invalid rings repaired or refused, Ukrainian names as slugs, one error per problem, a map
replaced with its followers and officers moved, and the map served small, valid and compressed."""
import copy
import gzip
import io
import json
import math
import re
import time
from pathlib import Path

import brotli
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

from backend.models import AuditLog, Follow, Post, Sector, SectorPostcode, Staff, YouthCentre

DATA = Path(__file__).parent.parent / "data" / "sectors"


def real(name) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


HELSINKI, COPENHAGEN, KYIV = "helsinki_kaupunginosat.geojson", "kobenhavn_bydele.geojson", "kyiv_raiony.geojson"


def upload(api, data, **form):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    fields = {"file": (io.BytesIO(raw), "districts.geojson"), **{k: str(v) for k, v in form.items()}}
    return api.post("/api/admin/sectors/import", data=fields, content_type="multipart/form-data")


def refused(response) -> dict:
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_geojson"
    return response.json["error"]["fields"]


def feature_named(data, name, key="nimi_fi"):
    return next(f for f in data["features"] if f["properties"][key] == name)


def transformed(data, to_epsg, swap=False):
    """The file reprojected (as a city's WFS would answer in that system), with its crs member."""
    forward = Transformer.from_crs(4326, to_epsg, always_xy=True)
    out = copy.deepcopy(data)
    out["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{to_epsg}"}}
    for feature in out["features"]:
        geometry = shapely.transform(shape(feature["geometry"]),
                                     lambda xy: np.column_stack(forward.transform(xy[:, 0], xy[:, 1])))
        feature["geometry"] = mapping(shapely.transform(geometry, lambda xy: xy[:, ::-1]) if swap else geometry)
    return json.loads(json.dumps(out))


def swapped(data):
    """Latitude first, as a WFS 2.0 answer in EPSG:4326 gives it."""
    out = copy.deepcopy(data)
    for feature in out["features"]:
        feature["geometry"] = mapping(shapely.transform(shape(feature["geometry"]), lambda xy: xy[:, ::-1]))
    return json.loads(json.dumps(out))


def metres(geometry):
    to = Transformer.from_crs(4326, 3067, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(to.transform(xy[:, 0], xy[:, 1])))


def stored(slug):
    return shape(Sector.get(Sector.slug == slug).geometry)


# --- as published ----------------------------------------------------------------------------------

def test_helsinki_as_published_imports_with_its_slivers_repaired_and_reported(as_role):
    admin = as_role("admin")
    started = time.perf_counter()
    response = upload(admin, real(HELSINKI))
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.json
    assert elapsed < 10
    assert sorted(response.json["created"]) == ["kaartinkaupunki", "kaivopuisto", "katajanokka", "kruununhaka",
                                                "laajasalo", "mustikkamaa-korkeasaari", "ullanlinna"]
    assert Sector.get(Sector.slug == "mustikkamaa-korkeasaari").name == "Mustikkamaa-Korkeasaari"   # not capitals
    slivers = {tuple(r["features"]): r for r in response.json["repairs"] if r["kind"] == "overlap"}
    sliver = slivers[("features[2] (Katajanokka)", "features[5] (Laajasalo)")]
    assert 0 < sliver["area_m2"] < 1 and sliver["width_m"] < 0.5
    lon, lat = sliver["at"]
    assert 24.9 < lon < 25.1 and 60.1 < lat < 60.2                  # on the sea border east of Katajanokka
    assert "Katajanokka" in sliver["action"] and "Laajasalo" in sliver["action"]
    assert ("features[4] (Kaivopuisto)", "features[5] (Laajasalo)") in slivers
    shapes = {s.slug: metres(shape(s.geometry)) for s in Sector.select().where(Sector.slug != "north")
              if s.slug != "south"}
    assert all(g.is_valid for g in shapes.values())
    published = {f["properties"]["nimi_fi"].lower(): shape(f["geometry"]) for f in real(HELSINKI)["features"]}
    m2_per_square_degree = 111_320 ** 2 * math.cos(math.radians(60.16))
    for a, b in (("katajanokka", "laajasalo"), ("kaivopuisto", "laajasalo")):   # they meet, no overlap left
        before = published[a].intersection(published[b]).area * m2_per_square_degree   # as the issue measured
        after = stored(a).intersection(stored(b)).area * m2_per_square_degree
        assert before > 1 and after < min(0.1, before / 10)      # micrometres wide: projection noise
    assert AuditLog.get(AuditLog.action == "sectors.import").actor_id is not None


def test_a_real_overlap_is_refused_with_its_area_place_and_both_names(as_role):
    data = real(HELSINKI)
    moved = feature_named(data, "KRUUNUNHAKA")
    moved["geometry"] = mapping(shapely.affinity.translate(shape(moved["geometry"]), xoff=0.002))   # ~110 m east
    problems = refused(upload(as_role("admin"), data))
    where, message = next((w, m) for w, m in problems.items() if "Kruununhaka" in w + m and "overlaps" in m)
    assert "m²" in message and "around (" in message
    other = "Kruununhaka" if "Kruununhaka" not in where else message.split("overlaps ")[1].split(" by")[0]
    assert other and ("Katajanokka" in where + message or "Kaartinkaupunki" in where + message)
    area = float(message.split(" by ")[1].split(" m²")[0].replace(",", ""))
    assert area > 1000
    lon, lat = map(float, message.split("around (")[1].split(")")[0].split(", "))
    assert 24.9 < lon < 25.0 and 60.16 < lat < 60.18
    assert not Sector.select().where(Sector.slug == "katajanokka").exists()          # all or nothing


def test_copenhagen_as_published_and_danish_letters_in_slugs(as_role):
    response = upload(as_role("admin"), real(COPENHAGEN))
    assert response.status_code == 201, response.json
    assert sorted(response.json["created"]) == ["amager-vest", "indre-by", "norrebro", "osterbro"]
    norrebro = stored("norrebro")
    assert norrebro.contains(shapely.Point(12.5536, 55.6946))                          # Nørrebro station area
    assert Sector.get(Sector.slug == "osterbro").name == "Østerbro"


@pytest.mark.parametrize("name", [HELSINKI, COPENHAGEN, KYIV])
def test_swapped_axis_order_is_refused_once_saying_so(as_role, name):
    problems = refused(upload(as_role("admin"), swapped(real(name))))
    assert list(problems) == ["file"]
    assert "latitude, longitude" in problems["file"] and "swapped" in problems["file"]
    assert Sector.select().count() == 2                                                # just the fixture's


@pytest.mark.parametrize("name, epsg, probe", [
    (HELSINKI, 3067, (24.9700, 60.1675)), (HELSINKI, 3879, (24.9700, 60.1675)),
    (COPENHAGEN, 25832, (12.5536, 55.6946)), (COPENHAGEN, 25833, (12.5536, 55.6946)),
    (COPENHAGEN, 3006, (12.5536, 55.6946)), (KYIV, 32636, (30.54, 50.43)),
])
def test_projected_files_are_read_from_their_crs_and_reprojected(as_role, name, epsg, probe):
    original = real(name)
    response = upload(as_role("admin"), transformed(original, epsg))
    assert response.status_code == 201, response.json
    key = {HELSINKI: "nimi_fi", COPENHAGEN: "navn", KYIV: "name"}[name]
    first = original["features"][0]
    sector = Sector.get(Sector.name == first["properties"][key].title() if name == HELSINKI
                        else Sector.name == first["properties"][key])
    again, published = metres(shape(sector.geometry)), metres(shape(first["geometry"]))
    assert again.hausdorff_distance(published) < 0.05                                 # within 5 cm
    assert any(stored(s.slug).contains(shapely.Point(*probe)) for s in Sector.select())


def test_projected_without_a_crs_unknown_crs_and_swapped_projection_are_one_error_each(as_role):
    admin = as_role("admin")
    no_crs = transformed(real(HELSINKI), 3067)
    del no_crs["crs"]
    problems = refused(upload(admin, no_crs))
    assert list(problems) == ["file"] and "projected" in problems["file"] and "'crs'" in problems["file"]
    unknown = transformed(real(HELSINKI), 3067)
    unknown["crs"]["properties"]["name"] = "urn:ogc:def:crs:EPSG::999999"
    problems = refused(upload(admin, unknown))
    assert list(problems) == ["file"] and "EPSG::999999" in problems["file"]
    problems = refused(upload(admin, transformed(real(COPENHAGEN), 25832, swap=True)))
    assert list(problems) == ["file"] and "swapped" in problems["file"] and "easting" in problems["file"]


# --- rings, names, one error per problem ---------------------------------------------------------

def _knotted(data, name, size_deg, key="name"):
    """A loop in the outline between two of its points, `size_deg` across (the ring crosses itself)."""
    feature = feature_named(data, name, key)
    ring = feature["geometry"]["coordinates"][0]
    i = max(range(len(ring) - 1), key=lambda k: math.dist(ring[k], ring[k + 1]))       # the longest edge
    (x0, y0), (x1, y1) = ring[i], ring[i + 1]
    nx, ny = -(y1 - y0), x1 - x0
    scale = size_deg / math.hypot(nx, ny)
    a = [x0 + 0.6 * (x1 - x0) + nx * scale, y0 + 0.6 * (y1 - y0) + ny * scale]
    b = [x0 + 0.4 * (x1 - x0) + nx * scale, y0 + 0.4 * (y1 - y0) + ny * scale]
    ring[i + 1:i + 1] = [a, b]
    assert not shape(feature["geometry"]).is_valid
    return data


def test_a_small_knot_in_a_ring_is_untangled_and_reported(as_role):
    data = _knotted(real(KYIV), "Печерський район", 2e-7)                            # about 2 cm
    response = upload(as_role("admin"), data)
    assert response.status_code == 201, response.json
    knot = next(r for r in response.json["repairs"] if r["kind"] == "invalid_ring")
    assert knot["features"] == ["features[2] (Печерський район)"] or "Печерський" in knot["features"][0]
    assert knot["area_m2"] < 1 and 30.4 < knot["at"][0] < 30.7
    assert stored("pecherskyi-raion").is_valid


def test_a_twisted_ring_is_refused_with_its_place(as_role):
    data = _knotted(real(KYIV), "Печерський район", 3e-3)                            # about 300 m
    problems = refused(upload(as_role("admin"), data))
    where, message = next(iter(problems.items()))
    assert "Печерський район" in where and "intersects itself near (" in message and "m²" in message
    lon, lat = map(float, message.split("near (")[1].split(")")[0].split(", "))
    assert 30.4 < lon < 30.7 and 50.3 < lat < 50.5


def test_kyiv_names_make_ukrainian_slugs(as_role):
    response = upload(as_role("admin"), real(KYIV))
    assert response.status_code == 201, response.json
    assert sorted(response.json["created"]) == ["holosiivskyi-raion", "pecherskyi-raion", "shevchenkivskyi-raion"]
    assert Sector.get(Sector.slug == "pecherskyi-raion").name == "Печерський район"


def test_a_name_with_no_letters_to_spell_asks_for_a_slug_not_a_misleading_error(as_role):
    data = real(KYIV)
    data["features"][0]["properties"]["name"] = "⚓ 🏙"
    problems = refused(upload(as_role("admin"), data))
    assert list(problems.values()) == ["no slug can be made of the name '⚓ 🏙': give the feature a 'slug' (a-z, 0-9, '-')"]


def test_coordinates_that_are_not_numbers_are_refused_not_a_server_error(as_role):
    text = (DATA / KYIV).read_text(encoding="utf-8")
    fifth = list(re.finditer(r"\[30\.\d+,", text))[4]                   # a point inside a ring; JSON as Python writes it
    raw = text[:fifth.start()] + "[NaN," + text[fifth.end():]
    problems = refused(upload(as_role("admin"), raw.encode()))
    assert any("finite numbers" in message for message in problems.values()), problems


def test_the_same_problem_in_every_feature_is_one_error(as_role):
    data = real(COPENHAGEN)
    for feature in data["features"]:
        feature["geometry"] = {"type": "Point", "coordinates": [12.5, 55.6]}
    problems = refused(upload(as_role("admin"), data))
    assert problems == {"features[0] (Nørrebro), features[1] (Amager Vest) and 2 more features":
                        "geometry must be a Polygon or MultiPolygon"}
    del data["features"][1:3]
    problems = refused(upload(as_role("admin"), data))
    assert problems == {"features[0] (Nørrebro) and features[1] (Indre By)": "geometry must be a Polygon or MultiPolygon"}


# --- replacing a map -------------------------------------------------------------------------------

def _merged_into_kruununhaka(data):
    """Helsinki's excerpt redrawn: Katajanokka becomes part of Kruununhaka."""
    data = copy.deepcopy(data)
    kata = feature_named(data, "KATAJANOKKA")
    kruunu = feature_named(data, "KRUUNUNHAKA")
    kruunu["geometry"] = mapping(shapely.union_all([shape(kruunu["geometry"]), shape(kata["geometry"])]))
    data["features"].remove(kata)
    return data


def test_replacing_a_map_previews_then_moves_followers_and_officers_on_confirm(as_role, city):
    admin = as_role("admin")
    assert upload(admin, real(HELSINKI)).status_code == 201
    katajanokka = Sector.get(Sector.slug == "katajanokka")
    youth = as_role("youth")
    assert youth.post("/api/follows", {"sector": katajanokka.id}).status_code == 201
    officer = city["staff"]["officer2"]
    Staff.update(sector=katajanokka).where(Staff.id == officer.id).execute()
    post = Post.create(author=officer, sector=katajanokka, text="Ice on the quay.", topic="other")

    preview = upload(admin, _merged_into_kruununhaka(real(HELSINKI)), mode="replace", dry_run=1)
    assert preview.status_code == 200, preview.json
    plan = preview.json
    assert plan["mode"] == "replace" and plan["new"] == []
    assert {c["slug"]: c["changes"] for c in plan["changed"]} == {"kruununhaka": ["outline"]}
    retired = {r["slug"]: r for r in plan["retired"]}
    assert set(retired) == {"katajanokka", "north", "south"}
    assert retired["katajanokka"]["followers"] == 1 and retired["katajanokka"]["posts"] == 1
    assert retired["katajanokka"]["officers"] == [{"id": officer.id, "name": "Oona Officer"}]
    assert retired["katajanokka"]["moves_to"]["slug"] == "kruununhaka"
    assert retired["katajanokka"]["moves_to"]["share"] > 0.99
    assert retired["north"]["moves_to"] is not None                      # far away: the nearest sector
    assert Sector.active().where(Sector.slug == "katajanokka").exists()  # nothing changed yet
    assert Follow.select().where(Follow.sector == katajanokka.id).count() == 1

    done = upload(admin, _merged_into_kruununhaka(real(HELSINKI)), mode="replace", confirm=plan["confirm"])
    assert done.status_code == 201, done.json
    kruununhaka = Sector.get(Sector.slug == "kruununhaka")
    followed = youth.get("/api/follows").json
    assert kruununhaka.id in [s["id"] for s in followed["sectors"]]
    assert Staff.get_by_id(officer.id).sector_id == kruununhaka.id
    assert Post.get_by_id(post.id).sector_id == katajanokka.id         # the post still names its sector
    assert YouthCentre.get_by_id(city["centre"].id).sector_id != city["north"].id
    moves = youth.get("/api/sectors/moves").json["moves"]
    assert [(m["from"], m["to"]["slug"]) for m in moves] == [("Katajanokka", "kruununhaka")]
    assert youth.post("/api/sectors/moves/seen").status_code == 204
    assert youth.get("/api/sectors/moves").json["moves"] == []
    gone = youth.get(f"/api/sectors/{katajanokka.id}")
    assert gone.status_code == 404 and "Kruununhaka" in gone.json["error"]["message"]
    names = [f["properties"]["name"] for f in youth.get("/api/sectors").json["features"]]
    assert "Katajanokka" not in names and "North" not in names and "Kruununhaka" in names
    assert SectorPostcode.select().where(SectorPostcode.postcode == "90100").count() == 0   # freed


def test_a_confirmation_for_an_older_map_is_refused(as_role):
    admin = as_role("admin")
    preview = upload(admin, real(KYIV), mode="replace", dry_run=1).json
    assert upload(admin, real(COPENHAGEN)).status_code == 201                          # the map changed
    stale = upload(admin, real(KYIV), mode="replace", confirm=preview["confirm"])
    assert stale.status_code == 409 and stale.json["error"]["code"] == "plan_changed"
    assert not Sector.select().where(Sector.slug == "pecherskyi-raion").exists()


def test_the_demo_replaced_by_a_real_city_keeps_every_follower(app, as_role):
    from backend.db import db
    from backend.demo import seed_demo
    with app.app_context(), db.connection_context():
        SectorPostcode.delete().execute()                # the fixture's city uses the demo's postcodes
        seed_demo()
    youths = {}
    for sector in list(Sector.active()):
        youth = as_role("youth")
        assert youth.post("/api/follows", {"sector": sector.id}).status_code == 201
        youths[sector.slug] = youth
    before = Follow.select().where(Follow.sector.is_null(False)).count()
    response = upload(as_role("admin"), real(HELSINKI), mode="replace")     # the demo is central Helsinki too
    assert response.status_code == 201, response.json
    retired = {r["slug"] for r in response.json["retired"]}
    assert {"kamppi", "kluuvi", "punavuori", "kallio", "north", "south"} <= retired
    assert Follow.select().where(Follow.sector.is_null(False)).count() == before
    active = {s.id for s in Sector.active()}
    assert all(f.sector_id in active for f in Follow.select().where(Follow.sector.is_null(False)))
    for slug, youth in youths.items():
        moves = youth.get("/api/sectors/moves").json["moves"]
        assert bool(moves) == (slug in retired), slug


# --- serving ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [HELSINKI, COPENHAGEN, KYIV])
def test_the_served_map_is_small_valid_and_compressed(as_role, name):
    assert upload(as_role("admin"), real(name), mode="replace").status_code == 201
    visitor = as_role("visitor")
    plain = visitor.get("/api/sectors")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    zipped = visitor.get("/api/sectors", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < 150_000 and gzip.decompress(zipped.data) == plain.data
    squeezed = visitor.get("/api/sectors", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["Content-Encoding"] == "br" and brotli.decompress(squeezed.data) == plain.data
    collection = json.loads(plain.data)
    geoms = [shape(f["geometry"]) for f in collection["features"]]
    assert all(g.is_valid and not g.is_empty for g in geoms)          # Amager Vest rounded naively is not:
    naive = [shapely.transform(shape(f["geometry"]), lambda xy: xy.round(5)) for f in real(name)["features"]]
    assert all(g.is_valid for g in naive) == (name != COPENHAGEN)
    for i, a in enumerate(geoms):                                        # neighbours still meet, without overlapping
        for b in geoms[i + 1:]:
            assert metres(a).intersection(metres(b)).area < 50
    assert visitor.get("/api/sectors", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    served = as_role("admin").get("/api/admin/sectors/served").json
    assert served["gzip_bytes"] == len(zipped.data) and served["features"] == len(geoms)
    assert served["topology"] == "coverage" and served["tolerance_m"] >= 1
    assert as_role("youth").get("/api/admin/sectors/served").status_code == 403


def test_five_thousand_postal_areas_are_not_refused_by_a_count(as_role):
    cells = [{"type": "Feature", "properties": {"name": f"Alue {i:04d}", "postcodes": [f"{i:05d}"]},
              "geometry": {"type": "Polygon", "coordinates": [[
                  [24.5 + (i % 100) * 0.005, 60.1 + (i // 100) * 0.003], [24.505 + (i % 100) * 0.005, 60.1 + (i // 100) * 0.003],
                  [24.505 + (i % 100) * 0.005, 60.103 + (i // 100) * 0.003], [24.5 + (i % 100) * 0.005, 60.103 + (i // 100) * 0.003],
                  [24.5 + (i % 100) * 0.005, 60.1 + (i // 100) * 0.003]]]}} for i in range(5000)]
    response = upload(as_role("admin"), {"type": "FeatureCollection", "features": cells}, mode="replace")
    assert response.status_code == 201, response.json
    assert len(as_role("visitor").get("/api/sectors").json["features"]) == 5000


def test_a_hundred_thousand_point_district_is_served_simplified_and_from_memory(as_role):
    turns = np.linspace(0, 2 * np.pi, 120_000, endpoint=False)
    circle = shapely.Polygon(np.column_stack([24.95 + 0.04 * np.cos(turns), 60.17 + 0.02 * np.sin(turns)]))
    assert shapely.get_num_coordinates(circle) > 100_000
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Ympyrä"}, "geometry": mapping(circle)}]}
    assert upload(as_role("admin"), data).status_code == 201
    visitor = as_role("visitor")
    first = visitor.get("/api/sectors")
    served = next(f for f in first.json["features"] if f["properties"]["name"] == "Ympyrä")
    assert shapely.get_num_coordinates(shape(served["geometry"])) < 2000
    started = time.perf_counter()
    for _ in range(20):
        assert visitor.get("/api/sectors", headers={"Accept-Encoding": "gzip"}).status_code == 200
    assert (time.perf_counter() - started) / 20 < 0.1


def _shrunk(data, name, by_m, key="navn"):
    """One district drawn `by_m` metres inside its published border (a gap opens along its neighbours)."""
    feature = feature_named(data, name, key)
    to, back = Transformer.from_crs(4326, 25832, always_xy=True), Transformer.from_crs(25832, 4326, always_xy=True)
    geometry = shapely.transform(shape(feature["geometry"]), lambda xy: np.column_stack(to.transform(xy[:, 0], xy[:, 1])))
    geometry = geometry.buffer(-by_m, join_style="mitre")
    feature["geometry"] = mapping(shapely.transform(
        geometry, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1]))))
    return json.loads(json.dumps(data))


def test_a_gap_narrower_than_the_tolerance_goes_to_a_neighbour_and_is_reported(as_role):
    response = upload(as_role("admin"), _shrunk(real(COPENHAGEN), "Nørrebro", 0.1))
    assert response.status_code == 201, response.json
    gaps = [r for r in response.json["repairs"] if r["kind"] == "gap"]
    assert gaps and all(r["width_m"] < 0.5 for r in gaps)
    assert any("features[0] (Nørrebro)" in r["features"] and "features[2] (Østerbro)" in r["features"] for r in gaps)
    assert sum(r["area_m2"] for r in gaps) > 100                   # 10 cm along kilometres of border
    published = {f["properties"]["navn"]: metres(shape(f["geometry"])) for f in real(COPENHAGEN)["features"]}
    border = published["Nørrebro"].boundary.intersection(published["Østerbro"].buffer(0.01))     # shared, as published
    strip = border.buffer(0.04)                                       # where the 10 cm gap was
    covered = shapely.union_all([metres(stored(s)) for s in ("norrebro", "osterbro", "indre-by", "amager-vest")])
    assert border.length > 1000 and strip.difference(covered).area < strip.area / 100


def test_a_gap_wider_than_the_tolerance_is_left_alone(as_role):
    response = upload(as_role("admin"), _shrunk(real(COPENHAGEN), "Nørrebro", 20))
    assert response.status_code == 201, response.json
    assert not [r for r in response.json["repairs"] if r["kind"] == "gap" and "features[0] (Nørrebro)" in r["features"]]


def test_swapped_axes_are_found_near_the_city_of_any_time_zone():
    from backend.sectors.coordinates import CoordinateProblem, SourceSystem, to_wgs84, zone_point
    for name, zone in ((COPENHAGEN, "Europe/Copenhagen"), (KYIV, "Europe/Kyiv"), (HELSINKI, "Europe/Helsinki")):
        published = [shape(f["geometry"]) for f in real(name)["features"]]
        assert to_wgs84(published, SourceSystem(None, "WGS84"), [zone_point(zone)]) == published
        with pytest.raises(CoordinateProblem, match="swapped"):
            to_wgs84([shapely.transform(g, lambda xy: xy[:, ::-1]) for g in published], SourceSystem(None, "WGS84"),
                     [zone_point(zone)])
