"""Officer updates: plain text up to 1000 characters, topic tags, one pinned post, an optional image
(re-encoded, metadata stripped, resized), edit/delete own, admin removes any, unverified staff refused."""
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from backend.models import AuditLog
from backend.models.feed import Post


def image_bytes(fmt="JPEG", size=(2000, 1000), gps=True, mode="RGB"):
    picture = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    buffer = io.BytesIO()
    kwargs = {}
    if gps and fmt in ("JPEG", "WEBP", "PNG"):
        exif = Image.Exif()
        exif[0x010F] = "SpyCam Inc"                      # Make
        exif[0x8825] = {1: "N", 2: (65.0, 1.0, 2.0), 3: "E", 4: (25.0, 28.0, 1.0)}   # GPS IFD
        kwargs["exif"] = exif
    picture.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def multipart(api, text="Helmets on!", image=None, filename="photo.jpg", **fields):
    data = {"text": text, **{k: str(v).lower() if isinstance(v, bool) else v for k, v in fields.items()}}
    if image is not None:
        data["image"] = (io.BytesIO(image), filename)
    return api.post("/api/posts", data=data, content_type="multipart/form-data")


def test_officer_posts_plain_text_with_tags_to_their_sector(as_role, city):
    officer = as_role("officer")
    text = "Scooters: ride on the cycle path <b>please</b>.\nMore: https://example.org/safety"
    response = officer.post("/api/posts", {"text": text, "tags": ["traffic", "personal_safety", "traffic"]})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["text"] == text                          # stored as typed; the app never renders it as HTML
    assert body["tags"] == ["personal_safety", "traffic"]
    assert body["sector"]["name"] == "North" and body["author"]["verified"] is True
    city_wide = officer.post("/api/posts", {"text": "Everyone: school starts", "city_wide": True}).json
    assert city_wide["sector"] is None


@pytest.mark.parametrize("body, field", [
    ({"text": "x" * 1001}, "text"), ({"text": "   "}, "text"), ({}, "text"),
    ({"text": "ok", "tags": ["gossip"]}, "tags.0"), ({"text": "bell\x07"}, "text"),
    ({"text": "ok", "author": 3}, "author"),
])
def test_bad_posts_are_refused(as_role, city, body, field):
    response = as_role("officer").post("/api/posts", body)
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    assert Post.select().count() == 0


def test_exactly_1000_characters_is_fine(as_role, city):
    assert as_role("officer").post("/api/posts", {"text": "ä" * 1000}).status_code == 201


@pytest.mark.parametrize("role, status", [("unverified", 403), ("youth", 403), ("visitor", 401),
                                          ("youth_worker", 403), ("organiser", 403)])
def test_only_verified_officers_post(as_role, city, role, status):
    response = as_role(role).post("/api/posts", {"text": "hello"})
    assert response.status_code == status
    assert Post.select().count() == 0


def test_image_is_reencoded_resized_and_stripped_of_gps(as_role, city, app):
    response = multipart(as_role("officer"), image=image_bytes(), image_alt="Red sign", tags="traffic,events")
    assert response.status_code == 201, response.json
    image = response.json["image"]
    assert response.json["tags"] == ["events", "traffic"]
    assert image["alt"] == "Red sign" and image["width"] == 1600 and image["height"] == 800
    assert image["src"].endswith("-800.jpg") and "-320.jpg 320w" in image["srcset"] and "1600w" in image["srcset"]
    client = as_role("visitor")
    for url in [part.split()[0] for part in image["srcset"].split(", ")]:
        served = client.get(url)
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
        stored = Image.open(io.BytesIO(served.data))
        assert stored.format == "JPEG" and not stored.getexif() and "exif" not in stored.info
        assert b"SpyCam" not in served.data
    assert client.get("/media/posts/nothing-320.jpg").status_code == 404
    assert client.get("/media/../secret_key").status_code == 404


def test_small_png_with_transparency_and_webp_are_accepted_without_upscaling(as_role, city):
    officer = as_role("officer")
    png = multipart(officer, image=image_bytes("PNG", (300, 200), gps=False, mode="RGBA"), filename="a.png")
    assert png.status_code == 201 and png.json["image"]["width"] == 300
    assert png.json["image"]["srcset"].endswith("300w")
    webp = multipart(officer, image=image_bytes("WEBP", (900, 900)), filename="b.webp")
    assert webp.status_code == 201 and webp.json["image"]["width"] == 900


@pytest.mark.parametrize("payload, says", [
    (b"GIF89a" + b"\0" * 100, "not an image we can read"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image we can read"),
    (b"", "empty"),
    (None, "larger than 5 MB"),
])
def test_bad_images_are_refused_and_nothing_is_posted(as_role, city, app, payload, says):
    if payload is None:                                   # > 5 MB of noise-like JPEG
        payload = b"\xff\xd8" + bytes(5 * 1024 * 1024 + 10)
    response = multipart(as_role("officer"), image=payload, filename="x.jpg")
    assert response.status_code in (413, 422), response.json
    assert says in json.dumps(response.json)
    assert Post.select().count() == 0
    media = Path(app.config["MEDIA_PATH"]) / "posts"
    assert not media.exists() or not any(media.iterdir())


def test_a_file_field_left_empty_is_no_image(as_role, city):
    response = multipart(as_role("officer"), image=b"", filename="")
    assert response.status_code == 201 and response.json["image"] is None


def test_gif_is_refused_by_content_not_name(as_role, city):
    gif = io.BytesIO()
    Image.new("RGB", (50, 50)).save(gif, "GIF")
    response = multipart(as_role("officer"), image=gif.getvalue(), filename="looks.jpg")
    assert response.status_code == 422 and "JPEG, PNG or WebP" in response.json["error"]["fields"]["image"]


def test_one_pinned_post_per_officer(as_role, city):
    officer = as_role("officer")
    first = officer.post("/api/posts", {"text": "first", "pinned": True}).json
    second = officer.post("/api/posts", {"text": "second", "pinned": True}).json
    assert Post.get_by_id(first["id"]).pinned is False and Post.get_by_id(second["id"]).pinned is True
    assert officer.patch(f"/api/posts/{first['id']}", {"pinned": True}).json["pinned"] is True
    assert [p.text for p in Post.select().where(Post.pinned == True)] == ["first"]  # noqa: E712
    as_role("officer2").post("/api/posts", {"text": "other officer", "pinned": True})
    assert Post.select().where(Post.pinned == True).count() == 2  # noqa: E712


def test_officer_edits_and_deletes_own_posts_only(as_role, city, app):
    officer, other = as_role("officer"), as_role("officer2")
    created = multipart(officer, text="typo hre", image=image_bytes(size=(400, 300))).json
    assert other.patch(f"/api/posts/{created['id']}", {"text": "hacked"}).status_code == 403
    assert other.delete(f"/api/posts/{created['id']}").status_code == 403
    edited = officer.patch(f"/api/posts/{created['id']}", {"text": "typo here", "tags": ["other"]}).json
    assert edited["text"] == "typo here" and edited["edited_at"] and edited["tags"] == ["other"]
    assert officer.patch(f"/api/posts/{created['id']}", {"text": "x" * 1001}).status_code == 422
    files = list((Path(app.config["MEDIA_PATH"]) / "posts").iterdir())
    assert files
    assert officer.delete(f"/api/posts/{created['id']}").status_code == 204
    assert not any(f.exists() for f in files)            # the image files go with the post
    assert officer.delete(f"/api/posts/{created['id']}").status_code == 404


def test_admin_removes_any_post_and_it_is_audited(as_role, city):
    created = as_role("officer").post("/api/posts", {"text": "oops"}).json
    assert as_role("admin").delete(f"/api/posts/{created['id']}").status_code == 204
    entry = AuditLog.get(AuditLog.action == "post.remove")
    assert entry.target_id == created["id"] and entry.detail["author_id"] == city["staff"]["officer"].id
    assert as_role("admin").patch(f"/api/posts/{created['id']}", {"text": "x"}).status_code == 403


def test_followers_who_want_post_pushes_are_notified_of_a_new_post(as_role, city):
    from backend.models import Youth
    from backend.models.push import Delivery, Notification, PushSubscription
    follower, stranger = as_role("youth"), as_role("youth")
    follower.post("/api/follows", {"sector": city["north"].id})
    subscriptions = {}
    for name, api in (("follower", follower), ("stranger", stranger)):
        youth = Youth.get_by_id(api.get("/api/me").json["id"])
        subscriptions[name] = PushSubscription.create(
            endpoint=f"https://push.invalid/{name}", p256dh="x", auth="y", youth=youth)
    created = as_role("officer").post("/api/posts", {"text": "news"}).json
    note = Notification.get(Notification.key == f"post:{created['id']}")
    targeted = {d.subscription_id for d in Delivery.select().where(Delivery.notification == note)}
    assert targeted == {subscriptions["follower"].id}


def test_an_officer_without_a_sector_posts_city_wide_only(app, city, new_client):
    from backend.models import Staff
    from tests.support import PASSWORD
    Staff.register("roaming@test.fi", "Rami Roaming", Staff.OFFICER, PASSWORD, verified_by=city["staff"]["admin"])
    officer = new_client()
    officer.login("roaming@test.fi")
    refused = officer.post("/api/posts", {"text": "hello"})
    assert refused.status_code == 422 and "city_wide" in refused.json["error"]["fields"]
    assert officer.post("/api/posts", {"text": "hello", "city_wide": True}).json["sector"] is None
