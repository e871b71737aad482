"""The city's staff console: staff sign-up and invites, the admin's staff list, youth centres, settings,
the audit log, the staff home and second factors; staff accounts on the CLI."""
from huey import crontab

from .. import tasks
from ..auth import add_login_step
from . import audit, centres, factors, home, reports, settings, staff
from .commands import COMMANDS

BLUEPRINTS = (staff.bp, factors.bp, centres.bp, settings.bp, audit.bp, home.bp, reports.bp)


def init_app(app):
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    tasks.register_job("console.audit_retention", audit.purge_old_audit, crontab(hour="4", minute="20"))
    app.before_request(factors.enforce_setup)
    add_login_step(app, factors.second_factor_step)
    for command in COMMANDS:
        app.cli.add_command(command)
