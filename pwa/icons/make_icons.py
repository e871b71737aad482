"""Draw Tuttu's icons with Pillow: `python pwa/icons/make_icons.py` writes the PNGs beside this file.

A white speech bubble with three dots on Tuttu blue. The maskable icon keeps everything inside the
central 80 % safe zone and fills the whole square, so launchers can crop it to any shape.
"""
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BLUE = (15, 94, 156, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # draw large, then downsample for smooth edges


def bubble(draw, box, unit):
    """A speech bubble in `box` (x0, y0, x1, y1) with a tail at the lower left and three dots."""
    x0, y0, x1, y1 = box
    height = y1 - y0
    body_bottom = y0 + height * 0.78
    draw.rounded_rectangle((x0, y0, x1, body_bottom), radius=height * 0.22, fill=WHITE)
    tail_x = x0 + (x1 - x0) * 0.22
    draw.polygon([(tail_x, body_bottom - unit), (tail_x + (x1 - x0) * 0.2, body_bottom - unit),
                  (x0 + (x1 - x0) * 0.12, y1)], fill=WHITE)
    cy = y0 + (body_bottom - y0) / 2
    r = height * 0.075
    for i in (-1, 0, 1):
        cx = (x0 + x1) / 2 + i * (x1 - x0) * 0.24
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=BLUE)


def icon(size, maskable=False, radius_ratio=0.22):
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        margin = big * 0.26        # content inside the 80 % safe circle
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * radius_ratio, fill=BLUE)
        margin = big * 0.18
    bubble(draw, (margin, margin * 1.05, big - margin, big - margin * 0.95), big * 0.01)
    return image.resize((size, size), Image.LANCZOS)


def main():
    icon(192).save(HERE / "icon-192.png", optimize=True)
    icon(512).save(HERE / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(HERE / "icon-maskable-512.png", optimize=True)
    icon(192, maskable=True).save(HERE / "icon-maskable-192.png", optimize=True)
    apple = icon(180, maskable=True)   # iOS rounds the corners itself and dislikes transparency
    apple.convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)
    for name in ("icon-192.png", "icon-512.png", "icon-maskable-512.png", "icon-maskable-192.png", "apple-touch-icon.png"):
        print(name, (HERE / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
