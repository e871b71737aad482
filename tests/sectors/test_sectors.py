"""Sectors: GeoJSON import (CLI and admin API) with named refusals, the map's GeoJSON, locate, pages."""
import io
import json
from datetime import datetime

import pytest

from backend.models import AuditLog, Sector, SectorPostcode


def square(x, y=0.0, size=1.0):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def feature(name, geometry, **props):
    return {"type": "Feature", "geometry": geometry, "properties": {"name": name, **props}}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


CITY = collection(
    feature("Keskusta", square(10, 60), postcodes=["91100", "91101"],
            contact={"phone": "+358 29 541 6100", "email": "keskusta@poliisi.example"},
            office_hours=[{"day": "mon", "opens": "12:00", "closes": "16:00"}]),
    feature("Tuira", square(11, 60), postcodes=["91500"], slug="tuira"),   # shares a border: fine
)


def upload(api, data, dry_run=False):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    form = {"file": (io.BytesIO(raw), "sectors.geojson")}
    if dry_run:
        form["dry_run"] = "1"
    return api.post("/api/admin/sectors/import", data=form, content_type="multipart/form-data")


def test_admin_imports_a_city_and_sees_it_as_compact_geojson(as_role):
    admin = as_role("admin")
    response = upload(admin, CITY)
    assert response.status_code == 201, response.json
    assert response.json["created"] == ["keskusta", "tuira"]
    keskusta = Sector.get(Sector.slug == "keskusta")
    assert keskusta.postcodes() == ["91100", "91101"]
    assert keskusta.contact() == {"phone": "+358 29 541 6100", "email": "keskusta@poliisi.example"}
    assert keskusta.office_hours == [{"day": 0, "opens": "12:00", "closes": "16:00"}]
    assert AuditLog.get(AuditLog.action == "sectors.import").actor_id is not None

    geo = admin.get("/api/sectors")
    assert geo.status_code == 200 and geo.mimetype == "application/geo+json"
    names = [f["properties"]["name"] for f in geo.json["features"]]
    assert {"Keskusta", "Tuira"} <= set(names)
    tuira = next(f for f in geo.json["features"] if f["properties"]["slug"] == "tuira")
    assert tuira["geometry"]["coordinates"][0][0] == [11, 60]
    assert tuira["properties"]["postcodes"] == ["91500"]
    assert len(geo.json["bbox"]) == 4


def test_import_again_updates_by_slug_and_dry_run_changes_nothing(as_role):
    admin = as_role("admin")
    assert upload(admin, CITY).status_code == 201
    renamed = json.loads(json.dumps(CITY))
    renamed["features"][1]["properties"]["name"] = "Tuira-Toppila"
    dry = upload(admin, renamed, dry_run=True)
    assert dry.status_code == 200 and dry.json["updated"] == ["keskusta", "tuira"]
    assert Sector.get(Sector.slug == "tuira").name == "Tuira"
    assert upload(admin, renamed).status_code == 201
    assert Sector.get(Sector.slug == "tuira").name == "Tuira-Toppila"


BOWTIE = {"type": "Polygon", "coordinates": [[[20, 0], [21, 1], [21, 0], [20, 1], [20, 0]]]}


@pytest.mark.parametrize("bad, where, says", [
    (collection(feature("Ok", square(20)), feature("Knot", BOWTIE)), "features[1] (Knot)", "intersects itself"),
    (collection(feature("A", square(20)), feature("B", square(20.5))), "features[1] (B)", "overlaps features[0] (A)"),
    (collection(feature("A", square(20)), {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},
                                           "properties": {"name": "Dot"}}), "features[1] (Dot)", "Polygon"),
    (collection(feature("Far", square(200))), "features[0] (Far)", "WGS84"),
    (collection(feature("", square(20))), "features[0]", "needs a 'name'"),
    (collection(feature("A", square(20), postcodes=["90100"]), feature("B", square(22), postcodes=["90100"])),
     "features[1] (B)", "postcode 90100 is also in features[0] (A)"),
    (collection(feature("A", square(20), office_hours=[{"day": "mon", "opens": "16:00", "closes": "12:00"}])),
     "features[0] (A)", "opens < closes"),
    (collection(feature("A", {"type": "Polygon", "coordinates": [[[20, 0], [21, 0]]]})), "features[0] (A)",
     "invalid coordinates"),
    ({"type": "Feature"}, "file", "FeatureCollection"),
])
def test_bad_geojson_is_refused_naming_the_feature(as_role, bad, where, says):
    admin = as_role("admin")
    before = Sector.select().count()
    response = upload(admin, bad)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_geojson"
    assert where in response.json["error"]["fields"], response.json
    assert says in response.json["error"]["fields"][where]
    assert where in response.json["error"]["message"] or len(response.json["error"]["fields"]) > 1
    assert Sector.select().count() == before           # all or nothing


def test_import_refuses_overlap_with_an_existing_sector_and_taken_postcodes(as_role, city):
    admin = as_role("admin")           # the city fixture has North = square(0) and South = square(1)
    response = upload(admin, collection(feature("Middle", square(0.5, 0.5))))
    assert response.status_code == 422
    assert "overlaps the existing sector 'North'" in response.json["error"]["fields"]["features[0] (Middle)"]
    response = upload(admin, collection(feature("Away", square(30), postcodes=["90100"])))
    assert "90100 already belongs to the sector 'North'" in response.json["error"]["fields"]["features[0] (Away)"]


def test_import_refuses_what_is_not_json(as_role):
    response = upload(as_role("admin"), b"{not json")
    assert response.status_code == 422 and response.json["error"]["fields"] == {"file": "is not valid JSON"}
    response = as_role("admin").post("/api/admin/sectors/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]


@pytest.mark.parametrize("role, status", [("officer", 403), ("youth", 403), ("visitor", 401), ("unverified", 403)])
def test_only_the_admin_imports(as_role, role, status):
    assert upload(as_role(role), CITY).status_code == status
    assert not Sector.select().where(Sector.slug == "keskusta").exists()


def test_cli_imports_and_names_the_faulty_feature(runner, tmp_path):
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    good.write_text(json.dumps(CITY))
    bad.write_text(json.dumps(collection(feature("Ok", square(20)), feature("Knot", BOWTIE))))
    result = runner.invoke(args=["import-sectors", str(bad)])
    assert result.exit_code != 0
    assert "features[1] (Knot): the polygon intersects itself" in result.output
    assert not Sector.select().where(Sector.name == "Ok").exists()
    result = runner.invoke(args=["import-sectors", str(good)])
    assert result.exit_code == 0, result.output
    assert "Created 2" in result.output
    assert SectorPostcode.select().count() == 3


def test_sector_list_has_an_etag_and_answers_304_when_unchanged(client, city):
    first = client.get("/api/sectors")
    assert first.status_code == 200 and first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get("/api/sectors", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    city["north"].name = "Pohjoinen"
    city["north"].save()
    changed = client.get("/api/sectors", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_locate_by_postcode(client, city):
    found = client.get("/api/sectors/locate?postcode=90 100")
    assert found.status_code == 200 and found.json["name"] == "North"
    missing = client.get("/api/sectors/locate?postcode=12345")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "unknown_postcode"
    assert "12345" in missing.json["error"]["message"] and "map" in missing.json["error"]["message"]
    assert client.get("/api/sectors/locate?postcode=<script>").status_code == 422
    assert client.get("/api/sectors/locate").status_code == 422


def test_sector_page_shows_officers_contact_hours_and_emergency_number(as_role, city, app, monkeypatch):
    north = city["north"]
    north.office_hours = [{"day": 0, "opens": "12:00", "closes": "16:00"}]
    north.save()
    import backend.sectors.views as sectors
    monkeypatch.setattr(sectors, "city_now", lambda: datetime(2026, 11, 23, 13, 30))   # a Monday
    page = as_role("youth").get(f"/api/sectors/{north.id}").json
    assert page["name"] == "North" and page["emergency"] == "112"
    assert page["in_office_now"] is True and page["contact"]["phone"] == "+358 1"
    assert [o["name"] for o in page["officers"]] == ["Olli Officer"]     # the unverified one isn't listed
    assert page["officers"][0]["verified"] is True and page["officers"][0]["following"] is False
    assert page["following"] is False and page["posts"] == {"pinned": [], "items": []}
    monkeypatch.setattr(sectors, "city_now", lambda: datetime(2026, 11, 23, 16, 0))
    assert as_role("visitor").get(f"/api/sectors/{north.id}").json["in_office_now"] is False
    assert as_role("visitor").get("/api/sectors/999").status_code == 404


def test_officer_sees_own_follower_count_others_never_see_it(as_role, city):
    officer = city["staff"]["officer"]
    for _ in range(2):
        assert as_role("youth").post("/api/follows", {"officer": officer.id}).status_code == 201
    assert as_role("officer").get(f"/api/officers/{officer.id}").json["follower_count"] == 2
    assert as_role("admin").get(f"/api/officers/{officer.id}").json["follower_count"] == 2
    for role in ("youth", "visitor", "officer2"):
        page = as_role(role).get(f"/api/officers/{officer.id}").json
        assert "follower_count" not in page and page["name"] == "Olli Officer"
        assert "followers" not in json.dumps(page)
    unverified = city["staff"]["unverified"]
    assert as_role("youth").get(f"/api/officers/{unverified.id}").status_code == 404


def test_sector_page_lists_upcoming_meetups_in_the_sector(as_role, city):
    from datetime import timedelta

    from backend.models import Meetup, utcnow
    soon = utcnow() + timedelta(days=3)
    Meetup.create(title="Futsal night", kind="sports", venue_name="Kupla", sector=city["north"], starts_at=soon,
                  ends_at=soon + timedelta(hours=2), capacity=20)
    Meetup.create(title="Camp in the south", kind="summer_camp", venue_name="Lake", sector=city["south"],
                  starts_at=soon, ends_at=soon + timedelta(hours=2), capacity=20)
    page = as_role("visitor").get(f"/api/sectors/{city['north'].id}").json
    assert [m["title"] for m in page["meetups"]] == ["Futsal night"]
    assert page["meetups"][0]["starts_at"]


def test_officer_sets_a_square_photo_without_metadata_shown_on_their_pages(as_role, city):
    from PIL import Image

    from tests.feed.test_posts import image_bytes
    officer = as_role("officer")
    response = officer.post("/api/officers/me/photo", data={"photo": (io.BytesIO(image_bytes()), "me.jpg")},
                            content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    url = response.json["photo"]
    served = as_role("visitor").get(url)
    photo = Image.open(io.BytesIO(served.data))
    assert photo.size == (256, 256) and not photo.getexif() and b"SpyCam" not in served.data
    page = as_role("youth").get(f"/api/sectors/{city['north'].id}").json
    assert page["officers"][0]["photo"] == url
    bad = officer.post("/api/officers/me/photo", data={"photo": (io.BytesIO(b"nope"), "me.jpg")},
                       content_type="multipart/form-data")
    assert bad.status_code == 422 and "photo" in bad.json["error"]["fields"]
    assert officer.delete("/api/officers/me/photo").status_code == 204
    assert as_role("visitor").get(url).status_code == 404
    assert as_role("youth").post("/api/officers/me/photo", data={}, content_type="multipart/form-data").status_code == 403


def test_map_geojson_is_compact_rounded_to_about_a_metre(as_role):
    precise = {"type": "Polygon", "coordinates": [[[25.123456789, 65.987654321], [25.223456789, 65.987654321],
                                                   [25.223456789, 66.087654321], [25.123456789, 65.987654321]]]}
    assert upload(as_role("admin"), collection(feature("Precise", precise))).status_code == 201
    geo = as_role("visitor").get("/api/sectors")
    precise_feature = next(f for f in geo.json["features"] if f["properties"]["name"] == "Precise")
    assert precise_feature["geometry"]["coordinates"][0][0] == [25.12346, 65.98765]
    assert b" " not in geo.data and b"25.123456" not in geo.data
