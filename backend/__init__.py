"""Tuttu's application factory: configuration, the shared services, then every feature in one list."""
import logging
from pathlib import Path

from flask import Flask

from . import api as api_conventions
from . import auth, broker, chat, cli, console, errors, feed, meetups, metrics, push, sectors, security, shell, tasks
from . import db as database
from .config import instance_path, load_config
from .schema import upgrade

# Each feature's init_app registers its blueprints, jobs, CLI commands and demo step. The order is the
# order of their routes and demo steps; the shell comes last (its catch-all answers deep links into the PWA).
FEATURES = (auth, console, sectors, feed, chat, push, meetups, shell)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration from the environment (or `test_config`), extensions, blueprints, CLI."""
    app = Flask(__name__, static_folder=None)
    instance = instance_path() if not (test_config or {}).get("INSTANCE_PATH") else None
    app.config.update(load_config(instance) if instance else load_config_for_tests(test_config))
    if test_config:
        app.config.update(test_config)
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["YOUTH_LOGIN_DAYS"] * 86400
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Set the cookie only when the session changes: a refreshed cookie on every response races with
    # the response that stores the CSRF token (a concurrent GET would write the session back without it).
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.config["SESSION_COOKIE_NAME"] = "tuttu"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    database.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    broker.init_app(app)
    metrics.init_app(app)
    cli.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    api_conventions.init_app(app)   # after the features: the OpenAPI document lists their routes
    security.trust_proxy(app)       # outermost WSGI layer
    upgrade()
    tasks.bind_app(app)
    return app


def load_config_for_tests(test_config):
    return load_config(Path(test_config["INSTANCE_PATH"]))
