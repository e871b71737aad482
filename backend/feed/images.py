"""Images for posts: checked by decoding (not by name), re-encoded with Pillow, metadata dropped, resized."""
import io
import secrets
import warnings
from pathlib import Path

from flask import current_app, has_app_context
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000            # refuse decompression bombs long before Pillow's own limit
MAX_SIDE = 16_000                  # JPEG can't store a side over 65,500 px; no photo needs more than this
FORMATS = {"JPEG", "PNG", "WEBP"}
WIDTHS = (320, 800, 1600)
QUALITY = 82


class ImageRefused(ValueError):
    """The upload is not an image we take; the message says why."""


def media_root() -> Path:
    """MEDIA_PATH of the current app (or of the bound app, for CLI commands that run without a context)."""
    if has_app_context():
        return Path(current_app.config["MEDIA_PATH"])
    from ..tasks import job_app
    return Path(job_app().config["MEDIA_PATH"])


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ImageRefused("Use a JPEG, PNG or WebP image.")
            if max(image.size) > MAX_SIDE:
                raise ImageRefused(f"The image is too long or too wide (at most {MAX_SIDE} pixels on a side).")
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused("The image has too many pixels (at most 40 megapixels).")
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("The image has too many pixels (at most 40 megapixels).") from None
    except Exception:
        raise ImageRefused("That file is not an image we can read. Use a JPEG, PNG or WebP image.") from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Upright (EXIF orientation applied), RGB on white: the pixels only, no metadata."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def save_post_image(data: bytes, alt: str = "") -> dict:
    """Store the image in every width up to its own; returns what Post.image keeps."""
    if len(data) > MAX_BYTES:
        raise ImageRefused("The image is larger than 5 MB. Choose a smaller one.")
    if not data:
        raise ImageRefused("The image file is empty.")
    image = _flatten(_open(data))
    key = secrets.token_urlsafe(12)
    folder = media_root() / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        # A fresh encode without exif=, icc_profile= or comments: GPS and camera data are gone.
        resized.save(folder / f"{key}-{width}.jpg", "JPEG", quality=QUALITY, optimize=True, progressive=True)
    width = widths[-1]
    return {"key": key, "width": width, "height": max(1, round(image.height * width / image.width)),
            "sizes": widths, "alt": alt}


PHOTO_SIZE = 256


def save_staff_photo(data: bytes) -> str:
    """A square, centred, metadata-free profile photo; returns its URL under /media/."""
    if len(data) > MAX_BYTES:
        raise ImageRefused("The photo is larger than 5 MB. Choose a smaller one.")
    if not data:
        raise ImageRefused("The photo file is empty.")
    photo = ImageOps.fit(_flatten(_open(data)), (PHOTO_SIZE, PHOTO_SIZE), Image.LANCZOS)
    folder = media_root() / "staff"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(12)}-{PHOTO_SIZE}.jpg"
    photo.save(folder / name, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return f"/media/staff/{name}"


def delete_staff_photo(url: str | None):
    if url and url.startswith("/media/staff/") and "/" not in url.removeprefix("/media/staff/"):
        (media_root() / "staff" / url.removeprefix("/media/staff/")).unlink(missing_ok=True)


def delete_post_image(image: dict | None):
    """Remove the stored files of a post image (missing files are fine)."""
    if not image:
        return
    for width in image.get("sizes", []):
        (media_root() / "posts" / f"{image['key']}-{width}.jpg").unlink(missing_ok=True)
