"""Take the manifest's screenshots of the real app with demo data:

    python pwa/icons/make_screenshots.py        (needs /usr/bin/chromium and playwright)

Writes screenshot-narrow.png (720x1280, a 360x640 phone at 2x) and screenshot-wide.png (1280x800).
"""
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from backend import create_app  # noqa: E402

SHOTS = [("screenshot-narrow.png", {"width": 360, "height": 640}, 2),
         ("screenshot-wide.png", {"width": 1280, "height": 800}, 1)]


def main():
    folder = tempfile.mkdtemp(prefix="tuttu-shots-")
    app = create_app({"TESTING": True, "INSTANCE_PATH": folder, "SECRET_KEY": "screenshots",
                      "DATABASE_URL": f"sqlite:///{folder}/tuttu.db", "RATELIMIT_ENABLED": False,
                      "MEDIA_PATH": f"{folder}/media"})
    with app.app_context():
        from backend.demo import seed_demo
        seed_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        for name, viewport, scale in SHOTS:
            context = browser.new_context(viewport=viewport, device_scale_factor=scale, locale="en-GB",
                                          service_workers="block")
            page = context.new_page()
            page.goto(f"{base}/")
            page.wait_for_selector("html[data-ready='true']")
            page.wait_for_timeout(800)
            page.screenshot(path=str(HERE / name))
            Image.open(HERE / name).convert("RGB").quantize(colors=96).save(HERE / name, optimize=True)
            context.close()
            print(name, (HERE / name).stat().st_size, "bytes")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
