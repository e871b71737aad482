"""Tuttu's application factory."""
import logging

from flask import Flask

from . import api as api_conventions
from . import auth, broker, cli, db as database, errors, security
from .config import load_config, instance_path


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
    auth.init_app(app)
    broker.init_app(app)
    register_blueprints(app)
    api_conventions.init_app(app)   # after the blueprints: the OpenAPI document lists their routes
    cli.init_app(app)

    from .schema import upgrade
    upgrade()
    from .tasks import bind_app
    bind_app(app)
    return app


def load_config_for_tests(test_config):
    from pathlib import Path
    return load_config(Path(test_config["INSTANCE_PATH"]))


def register_blueprints(app):
    from . import chat, console, feed, meetups, posts, push, sectors, shell
    for module in (console, sectors, feed, posts, chat, push, meetups):
        app.register_blueprint(module.bp)
    from . import calendar_feed, meetups_organiser
    for module in (meetups_organiser, calendar_feed):
        app.register_blueprint(module.bp)
    if hasattr(chat, "init_app"):
        chat.init_app(app)
    app.register_blueprint(shell.bp)   # last: its catch-all serves deep links into the PWA
