"""The PWA: static files from pwa/, deep links answered with the app shell, /healthz and /api/config."""
import gzip
import hashlib
import json
import mimetypes
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory

from .api import api
from .broker import get_broker
from .db import db
from .models import Setting

PWA = Path(__file__).resolve().parent.parent / "pwa"
bp = Blueprint("shell", __name__)

NO_CACHE = {"Cache-Control": "no-cache"}


@bp.get("/healthz")
def healthz():
    """Readiness: 200 "ok" only when the database answers and fan-out between processes works.

    Otherwise 503 "degraded" with each part's state and since when, e.g.
    {"status": "degraded", "database": "ok", "broker": {"state": "down", "since": "...Z", "for_seconds": 3.2, ...}}
    """
    from .db import DATABASE_ERRORS, database_outage
    try:
        with db.connection_context():
            db.execute_sql("SELECT 1")
        database = "ok"
        database_outage.recovered()
    except DATABASE_ERRORS as exc:  # reported, not raised
        database_outage.failed(exc)
        database = f"error: {exc.__class__.__name__}"
    current = get_broker()
    broker = current.health()
    status = "ok" if database == "ok" and current.healthy() else "degraded"
    return jsonify(status=status, database=database, broker=broker, broker_kind=current.kind), \
        200 if status == "ok" else 503


@bp.get("/api/config")
@api.validate(tags=["shell"])
def public_config():
    """City settings the app needs: name, time zone, helplines, languages."""
    cfg = current_app.config
    return jsonify(city=cfg["CITY_NAME"], timezone=cfg["TIMEZONE"], languages=["fi", "sv", "da", "uk", "en"],
                   helplines=Setting.value_of("helplines", cfg.get("HELPLINES", [])))   # the console's list wins


@bp.get("/api/openapi.json")
def openapi():
    """The OpenAPI 3 document, generated from the pydantic models."""
    return jsonify(api.spec)


SW_BUILD_LINE = "const BUILD = { version: 'dev', files: [] };"
PRECACHE_DIRS = ("js", "css", "i18n")
PRECACHE_EXTRA = ("/", "/offline.html", "/manifest.webmanifest", "/icons/icon-192.png")


_build_cache = {}


def shell_build():
    """The shell's content hash (a new hash makes browsers install a new service worker) and its files."""
    files = sorted(p for d in PRECACHE_DIRS for p in (PWA / d).rglob("*") if p.is_file() and p.suffix in (".js", ".css", ".json"))
    icons = sorted((PWA / "icons").glob("icon-*.png"))
    hashed = [p for p in files + icons + [PWA / n for n in ("index.html", "offline.html", "manifest.webmanifest", "sw.js")]
              if p.is_file()]
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in hashed)
    if _build_cache.get("stamp") != stamp:        # re-hash only when a file changed
        digest = hashlib.sha256()
        for path in hashed:
            digest.update(path.relative_to(PWA).as_posix().encode() + b"\0" + path.read_bytes())
        urls = list(PRECACHE_EXTRA) + ["/" + p.relative_to(PWA).as_posix() for p in files]
        _build_cache.update(stamp=stamp, build={"version": digest.hexdigest()[:12], "files": urls})
    return _build_cache["build"]


@bp.get("/sw.js")
def service_worker():
    """The service worker, stamped with the shell's version and precache list (scope /)."""
    source = (PWA / "sw.js").read_text(encoding="utf-8")
    source = source.replace(SW_BUILD_LINE, f"const BUILD = {json.dumps(shell_build())};", 1)
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    response = send_from_directory(PWA, "manifest.webmanifest", mimetype="application/manifest+json", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


COMPRESSIBLE = {".js", ".css", ".json", ".html", ".webmanifest", ".svg", ".txt"}
NOT_SERVED = {".py", ".md"}          # the icon generators and notes live in pwa/ but aren't the app
_gzipped = {}                        # path -> (mtime_ns, size, gzip bytes)


def _gzip_body(file: Path) -> bytes:
    stat = file.stat()
    cached = _gzipped.get(file)
    if not cached or cached[:2] != (stat.st_mtime_ns, stat.st_size):
        cached = (stat.st_mtime_ns, stat.st_size, gzip.compress(file.read_bytes(), compresslevel=6, mtime=0))
        _gzipped[file] = cached
    return cached[2]


def shell_file(path: str):
    """A file of pwa/, gzipped when the browser accepts it; always revalidated (ETag), never stale."""
    file = PWA / path
    if file.suffix in COMPRESSIBLE and "gzip" in request.accept_encodings:
        body = _gzip_body(file)
        mimetype = "text/javascript" if file.suffix == ".js" else mimetypes.guess_type(file.name)[0]
        response = current_app.response_class(body, mimetype=mimetype or "application/octet-stream")
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        response.set_etag(hashlib.sha256(body).hexdigest()[:32])
        response.make_conditional(request)
    else:
        response = send_from_directory(PWA, path, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
@bp.get("/<path:path>")
def app_shell(path="index.html"):
    """Files of the PWA; any other path that isn't an API is a deep link into the app shell."""
    if path.startswith(("api/", "ws/")):
        abort(404)
    target = (PWA / path).resolve()
    if PWA in target.parents and target.is_file():
        if target.suffix in NOT_SERVED:
            abort(404)
        return shell_file(target.relative_to(PWA).as_posix())
    if "." in path.rsplit("/", 1)[-1]:
        abort(404)
    return shell_file("index.html")


def init_app(app):
    app.register_blueprint(bp)
