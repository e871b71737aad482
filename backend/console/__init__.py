"""The city's staff console: staff sign-up, verification, deactivation; staff accounts on the CLI."""
from . import views
from .commands import COMMANDS


def init_app(app):
    app.register_blueprint(views.bp)
    for command in COMMANDS:
        app.cli.add_command(command)
