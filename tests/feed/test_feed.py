"""Follow a sector or an officer, and the Home feed: followed + city-wide, newest first, pinned on top."""
import re
from datetime import timedelta

import pytest

from backend.models import Youth, utcnow
from backend.models.feed import Follow, Post
from backend.models.places import SectorRetirement

T0 = utcnow() - timedelta(days=1)


def post(author, sector="own", minutes=0, pinned=False, text=None):
    sector = author.sector if sector == "own" else sector
    return Post.create(author=author, sector=sector, text=text or f"update at {minutes}", pinned=pinned,
                       created_at=T0 + timedelta(minutes=minutes))


def texts(page):
    return [item["text"] for item in page["items"]]


def test_follow_and_unfollow_a_sector_and_an_officer(as_role, city):
    youth = as_role("youth")
    north, officer2 = city["north"], city["staff"]["officer2"]
    assert youth.post("/api/follows", {"sector": north.id}).status_code == 201
    assert youth.post("/api/follows", {"officer": officer2.id}).status_code == 201
    again = youth.post("/api/follows", {"sector": north.id})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_following"
    mine = youth.get("/api/follows").json
    assert [s["name"] for s in mine["sectors"]] == ["North"]
    assert [o["name"] for o in mine["officers"]] == ["Oona Officer"]
    assert youth.get(f"/api/sectors/{north.id}").json["following"] is True
    assert youth.delete(f"/api/follows/sectors/{north.id}").status_code == 204
    assert youth.delete(f"/api/follows/officers/{officer2.id}").status_code == 204
    assert youth.delete(f"/api/follows/officers/{officer2.id}").json["error"]["code"] == "not_following"
    assert youth.get("/api/follows").json == {"sectors": [], "officers": []}


@pytest.mark.parametrize("body, field", [
    ({}, "body"), ({"sector": 1, "officer": 1}, "body"), ({"sector": "north"}, "sector"),
    ({"sector": 0}, "sector"), ({"sector": 1, "handle": "x"}, "handle"),
])
def test_follow_refuses_bad_bodies(as_role, city, body, field):
    response = as_role("youth").post("/api/follows", body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json


def test_follow_refuses_unknown_targets_and_non_officers(as_role, city):
    youth = as_role("youth")
    assert youth.post("/api/follows", {"sector": 999}).status_code == 404
    assert youth.post("/api/follows", {"officer": city["staff"]["youth_worker"].id}).status_code == 404
    assert youth.post("/api/follows", {"officer": city["staff"]["unverified"].id}).status_code == 404
    assert Follow.select().count() == 0


def test_a_sector_taken_off_the_map_cannot_be_followed(app, as_role, city):
    with app.app_context():
        SectorRetirement.create(sector=city["south"], successor=city["north"])
    youth = as_role("youth")
    refused = youth.post("/api/follows", {"sector": city["south"].id})
    assert refused.status_code == 404 and refused.json["error"]["fields"] == {"sector": "unknown sector"}
    assert youth.post("/api/follows", {"sector": city["north"].id}).status_code == 201


def test_only_youth_follow_and_nothing_but_the_link_is_stored(as_role, city):
    assert as_role("visitor").post("/api/follows", {"sector": city["north"].id}).status_code == 401
    assert as_role("officer").post("/api/follows", {"sector": city["north"].id}).status_code == 403
    youth = as_role("youth")
    youth.post("/api/follows", {"sector": city["north"].id})
    assert [c.name for c in Follow._meta.sorted_fields] == ["id", "created_at", "youth", "sector", "officer"]
    me = youth.get("/api/me").json
    youth.delete("/api/me")
    assert Follow.select().count() == 0 and not Youth.select().where(Youth.id == me["id"]).exists()


def test_home_feed_has_followed_and_city_wide_posts_newest_first(as_role, city):
    officer, officer2 = city["staff"]["officer"], city["staff"]["officer2"]
    post(officer, minutes=1, text="north news")
    post(officer2, minutes=2, text="south news")
    post(officer2, sector=None, minutes=3, text="city news")
    post(officer2, sector=city["north"], minutes=4, text="officer2 in north")
    youth = as_role("youth")
    assert texts(youth.get("/api/feed").json) == ["city news"]           # follows nothing yet
    youth.post("/api/follows", {"sector": city["north"].id})
    assert texts(youth.get("/api/feed").json) == ["officer2 in north", "city news", "north news"]
    youth.post("/api/follows", {"officer": officer2.id})                 # overlaps the sector: no duplicates
    feed = youth.get("/api/feed").json
    assert texts(feed) == ["officer2 in north", "city news", "south news", "north news"]
    first = feed["items"][0]
    assert first["author"] == {"id": officer2.id, "name": "Oona Officer", "title": None, "photo": None,
                               "verified": True}
    assert first["sector"] == {"id": city["north"].id, "name": "North"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["created_at"]) and first["image"] is None
    assert as_role("visitor").get("/api/feed").json["items"][0]["text"] == "city news"


def test_feed_pages_with_a_cursor_and_never_repeats_or_skips(as_role, city):
    officer = city["staff"]["officer"]
    for minute in range(45):
        post(officer, minutes=minute // 3)          # three posts share each timestamp
    youth = as_role("youth")
    youth.post("/api/follows", {"sector": city["north"].id})
    seen, cursor, pages = [], None, 0
    while True:
        page = youth.get("/api/feed?limit=10" + (f"&cursor={cursor}" if cursor else "")).json
        seen += [item["id"] for item in page["items"]]
        pages += 1
        assert ("pinned" in page) == (cursor is None)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 5 and len(seen) == 45 and len(set(seen)) == 45
    stamps = [Post.get_by_id(i).cursor_key() for i in seen]
    assert stamps == sorted(stamps, reverse=True)


def test_pinned_posts_are_on_top_of_the_first_page_only(as_role, city):
    officer = city["staff"]["officer"]
    pinned = post(officer, minutes=0, pinned=True, text="pinned welcome")
    for minute in range(1, 4):
        post(officer, minutes=minute)
    youth = as_role("youth")
    youth.post("/api/follows", {"sector": city["north"].id})
    first = youth.get("/api/feed?limit=2").json
    assert [p["text"] for p in first["pinned"]] == ["pinned welcome"] and first["pinned"][0]["pinned"] is True
    assert pinned.id not in [item["id"] for item in first["items"]]
    second = youth.get(f"/api/feed?limit=2&cursor={first['next_cursor']}").json
    assert "pinned" not in second and texts(second) == ["update at 1"]


@pytest.mark.parametrize("query", ["cursor=notacursor", "cursor=" + "A" * 81, "limit=0", "limit=51", "limit=x"])
def test_feed_refuses_bad_paging(as_role, city, query):
    response = as_role("youth").get(f"/api/feed?{query}")
    assert response.status_code == 422 and response.json["error"]["fields"]


def test_public_sector_feed_and_officer_feed(as_role, city):
    officer, officer2 = city["staff"]["officer"], city["staff"]["officer2"]
    post(officer, minutes=1, text="north news")
    post(officer2, minutes=2, text="south news")
    post(officer, sector=None, minutes=3, text="city news by olli")
    visitor = as_role("visitor")
    assert texts(visitor.get(f"/api/sectors/{city['north'].id}/posts").json) == ["north news"]
    assert texts(visitor.get(f"/api/officers/{officer.id}/posts").json) == ["city news by olli", "north news"]
    assert visitor.get("/api/sectors/999/posts").status_code == 404
    page = visitor.get(f"/api/sectors/{city['north'].id}").json
    assert [p["text"] for p in page["posts"]["items"]] == ["north news"]


def test_feed_responses_may_be_kept_for_offline_but_only_privately(as_role, city):
    response = as_role("youth").get("/api/feed")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.headers["Vary"]


def test_follow_limit(as_role, city, monkeypatch):
    monkeypatch.setattr(Follow, "MAX_PER_YOUTH", 1)
    youth = as_role("youth")
    assert youth.post("/api/follows", {"sector": city["north"].id}).status_code == 201
    response = youth.post("/api/follows", {"sector": city["south"].id})
    assert response.status_code == 422 and response.json["error"]["code"] == "too_many_follows"


def test_demo_city_has_posts_with_one_picture_per_sector(runner, app, client):
    from pathlib import Path
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with_pictures = [p for p in Post.select() if p.image]
    sectors = {p.sector_id for p in with_pictures}
    assert len(with_pictures) == len(sectors) >= 6 and all(p.pinned for p in with_pictures)
    for post in with_pictures:
        for width in post.image["sizes"]:
            assert (Path(app.config["MEDIA_PATH"]) / "posts" / f"{post.image['key']}-{width}.jpg").is_file()
    feed = client.get("/api/feed").json
    assert feed["items"][0]["sector"] is None and "112" in feed["items"][0]["text"]
