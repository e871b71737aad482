"""Officers' updates: write (plain text, topic tags, an optional picture), pin, edit, delete; the media files."""
import logging
from typing import Any, Literal

from flask import Blueprint, current_app, jsonify, request, send_from_directory
from flask_login import current_user
from pydantic import Field, field_validator

from ..api import Body, Line, Text, api, json_body
from ..auth import staff_required
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, Staff, utcnow
from ..models.feed import Post
from ..security import limiter
from .images import ImageRefused, delete_post_image, save_post_image

bp = Blueprint("posts", __name__)
log = logging.getLogger(__name__)
Topic = Literal[Post.TOPICS]
MEDIA_MAX_AGE = 365 * 24 * 3600


def _topics(value):
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    return value


class PostBody(Body):
    text: Text(Post.MAX_TEXT)
    tags: list[Topic] = Field(default_factory=list, max_length=len(Post.TOPICS))
    city_wide: bool = False
    pinned: bool = False
    image_alt: Line(200, min_length=0) = ""

    _tags = field_validator("tags", mode="before")(_topics)


class PostForm(PostBody):
    """The same post as multipart/form-data, with the image file as 'image'."""
    image: Any = None


class PostEdit(Body):
    text: Text(Post.MAX_TEXT) | None = None
    tags: list[Topic] | None = Field(None, max_length=len(Post.TOPICS))
    pinned: bool | None = None
    image_alt: Line(200, min_length=0) | None = None
    remove_image: bool = False

def on_post_published(post):
    """PUSH HOOK: tell the post's followers (after the commit); a push failure never fails the post."""
    try:
        from ..push.notify import notify_followers_of_post
    except ImportError:
        log.warning("push is not available: post %s published without notification", post.id)
        return None
    try:
        return notify_followers_of_post(post)
    except Exception:  # delivery problems are the push worker's to report
        log.exception("could not notify followers of post %s", post.id)
        return None


def own_post(post_id) -> Post:
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        raise ApiError(404, "not_found", "That update no longer exists.")
    if post.author_id != current_user.id:
        raise ApiError(403, "not_your_post", "You can only change your own updates.")
    return post


def read_post_body():
    """The validated post (JSON or multipart) and the image bytes, if any."""
    body = request.context.form or request.context.json
    if body is None:
        raise ApiError(422, "invalid", "Some fields need attention.", {"text": "Field required"})
    upload = request.files.get("image") if request.files else None
    return body, (upload.read(6 * 1024 * 1024) if upload and upload.filename else None)

# --- posts ------------------------------------------------------------------------------------------

@bp.post("/api/posts")
@limiter.limit("60 per hour")
@staff_required(Staff.OFFICER)
@api.validate(json=PostBody, form=PostForm, tags=["posts"])
def create_post():
    """A verified officer posts to their sector or city-wide: plain text, tags, an optional image."""
    body, image_bytes = read_post_body()
    if not body.city_wide and current_user.sector_id is None:
        raise ApiError(422, "invalid", "You don't belong to a sector yet: post city-wide, or ask your admin.",
                       {"city_wide": "must be true without a sector"})
    image = None
    if image_bytes is not None:
        try:
            image = save_post_image(image_bytes, alt=body.image_alt)
        except ImageRefused as refused:
            raise ApiError(422, "invalid_image", str(refused), {"image": str(refused)}) from None
    try:
        with db.atomic():
            post = Post(author=current_user.id, sector=None if body.city_wide else current_user.sector_id,
                        text=body.text, tags=sorted(set(body.tags)), image=image)
            if body.pinned:
                post.pin()
            post.save(force_insert=True)
    except Exception:
        delete_post_image(image)
        raise
    post = Post.with_people().where(Post.id == post.id).get()
    on_post_published(post)
    return jsonify(post.public()), 201


@bp.get("/api/posts/<int:post_id>")
@api.validate(tags=["posts"])
def show_post(post_id):
    """One update."""
    found = Post.by_ids([post_id])
    if not found:
        raise ApiError(404, "not_found", "That update no longer exists.")
    return jsonify(found[0])


@bp.patch("/api/posts/<int:post_id>")
@staff_required(Staff.OFFICER)
@api.validate(json=PostEdit, tags=["posts"])
def edit_post(post_id):
    """Edit my own update: text, tags, pinned, image description, or remove the image."""
    post, body = own_post(post_id), json_body()
    old_image = post.image if body.remove_image else None
    with db.atomic():
        if body.text is not None and body.text != post.text:
            post.text, post.edited_at = body.text, utcnow()
        if body.tags is not None:
            post.tags = sorted(set(body.tags))
        if body.pinned is True:
            post.pin()
        elif body.pinned is False:
            post.pinned = False
        if body.image_alt is not None and post.image:
            post.image = {**post.image, "alt": body.image_alt}
        if body.remove_image:
            post.image = None
        post.save()
    delete_post_image(old_image)
    return jsonify(Post.with_people().where(Post.id == post.id).get().public())


@bp.delete("/api/posts/<int:post_id>")
@staff_required(Staff.OFFICER, Staff.ADMIN)
@api.validate(tags=["posts"])
def delete_post(post_id):
    """Delete my own update; an admin can remove anyone's (recorded in the audit log)."""
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        raise ApiError(404, "not_found", "That update no longer exists.")
    if post.author_id != current_user.id and current_user.role != Staff.ADMIN:
        raise ApiError(403, "not_your_post", "You can only delete your own updates.")
    with db.atomic():
        if post.author_id != current_user.id:
            AuditLog.record(current_user, "post.remove", post, author_id=post.author_id)
        post.delete_instance()
    delete_post_image(post.image)
    return "", 204


@bp.get("/media/<path:name>")
def media(name):
    """Uploaded images: random names that never change, so browsers may keep them for a year."""
    response = send_from_directory(current_app.config["MEDIA_PATH"], name, max_age=MEDIA_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}, immutable"
    return response


# --- demo ---------------------------------------------------------------------------------------------

def demo_image(seed: int) -> bytes:
    """A small generated picture (sky, hills, sun) so demo posts carry a real image through the pipeline."""
    import io

    from PIL import Image, ImageDraw
    picture = Image.new("RGB", (1200, 800), (120 + seed * 20 % 100, 180, 230))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((850, 90, 1050, 290), fill=(255, 214, 90))
    draw.polygon([(0, 800), (0, 520), (300, 380), (700, 560), (1200, 420), (1200, 800)], fill=(40, 120, 70))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


DEMO_POSTS = [
    ("Hi! We are your local officers. Follow us to see what's going on in the area, and ask us anything "
     "in the Monday chat.", ["events"], True),
    ("Lots of scooters on the pavements near the school this week. Ride on the cycle path and wear a helmet.",
     ["traffic"], False),
]


def seed_demo_posts(city):
    """Demo: two updates per sector (the first pinned, with a picture) and one city-wide post."""
    from datetime import timedelta
    now = city.now or utcnow()
    for n, officer in enumerate(city.officers):
        text, tags, with_image = DEMO_POSTS[n % 2]
        image = save_post_image(demo_image(n), alt="Hills and the sun: a sketch of the area") if with_image else None
        Post.create(author=officer, sector=officer.sector, text=text, tags=tags, image=image,
                    pinned=with_image, created_at=now - timedelta(hours=3 * n + 1))
    if city.officers:
        Post.create(author=city.officers[0], sector=None, tags=["personal_safety"], created_at=now,
                    text="City-wide: the youth centres are open late on Friday. Need help right now? Call 112.")

