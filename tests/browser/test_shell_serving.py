"""How the shell is served over HTTP: compression, revalidation, deep links, the service worker script."""
import gzip
import json
import re
from pathlib import Path

PWA = Path(__file__).resolve().parents[2] / "pwa"


def test_shell_files_are_gzipped_and_revalidated(app):
    http = app.test_client()
    response = http.get("/js/app.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "javascript" in response.headers["Content-Type"]
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == (PWA / "js" / "app.js").read_bytes()
    again = http.get("/js/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    plain = http.get("/js/app.js")
    assert "Content-Encoding" not in plain.headers
    assert plain.data == (PWA / "js" / "app.js").read_bytes()


def test_deep_links_get_the_shell_and_unknown_files_a_404(app):
    http = app.test_client()
    for path in ["/", "/chat/12", "/sectors/mine", "/meetups/3", "/me"]:
        response = http.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
        assert b'<main id="view"' in response.data
    assert http.get("/icons/nope.png").status_code == 404
    assert http.get("/api/no-such-thing").json["error"]["code"] == "not_found"


def test_generators_and_notes_in_pwa_are_not_served(app):
    http = app.test_client()
    assert (PWA / "icons" / "make_icons.py").exists() and (PWA / "README.md").exists()
    assert http.get("/icons/make_icons.py").status_code == 404
    assert http.get("/README.md").status_code == 404


def test_the_service_worker_is_stamped_with_the_shell_version_and_files(app):
    response = app.test_client().get("/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    build = json.loads(re.search(r"^const BUILD = (\{.*\});$", response.text, re.M).group(1))
    assert re.fullmatch(r"[0-9a-f]{12}", build["version"])
    for path in ["/", "/offline.html", "/js/app.js", "/js/account/me.js", "/css/app.css", "/i18n/fi.json"]:
        assert path in build["files"]


def test_the_page_forbids_inline_scripts_and_framing(app):
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
