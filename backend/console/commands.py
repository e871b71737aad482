"""Staff accounts from the command line: create-staff, verify-staff, deactivate-staff."""
import sys

import click
from flask.cli import with_appcontext

from ..db import db
from ..models import AuditLog, Sector, Staff, YouthCentre


@click.command("create-staff")
@with_appcontext
@click.option("--role", required=True, type=click.Choice(Staff.ROLES))
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--sector", "sector_slug", default=None, help="Sector slug (officers).")
@click.option("--youth-centre", "centre_id", type=int, default=None, help="Youth centre id (organisers).")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@click.option("--verified", is_flag=True, help="Mark the account verified at once.")
def create_staff_command(role, email, name, sector_slug, centre_id, password_stdin, verified):
    """Create a staff account; the password is read from standard input, never from arguments."""
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 12:
        raise click.ClickException("The password must be at least 12 characters.")
    sector = None
    if sector_slug:
        sector = Sector.get_or_none(Sector.slug == sector_slug)
        if sector is None:
            raise click.ClickException(f"No sector with slug {sector_slug!r}.")
    centre = YouthCentre.get_or_none(YouthCentre.id == centre_id) if centre_id else None
    if Staff.by_email(email):
        raise click.ClickException(f"A staff account with e-mail {email} already exists.")
    with db.atomic():
        staff = Staff.register(email, name, role, password, sector=sector, youth_centre=centre,
                               verified_by=True if verified else None)
    click.echo(f"Created {role} {staff.email} (id {staff.id}){' verified' if verified else ' — not verified yet'}.")


def staff_or_fail(email) -> Staff:
    staff = Staff.by_email(email)
    if staff is None:
        raise click.ClickException(f"No staff account with e-mail {email}.")
    return staff


@click.command("verify-staff")
@with_appcontext
@click.argument("email")
def verify_staff_command(email):
    """Mark a staff account verified."""
    staff = staff_or_fail(email)
    staff.verify()
    AuditLog.record(None, "staff.verify", staff, via="cli")
    click.echo(f"Verified {staff.email}.")


@click.command("deactivate-staff")
@with_appcontext
@click.argument("email")
def deactivate_staff_command(email):
    """Deactivate a staff account; its logins stop working at once."""
    staff = staff_or_fail(email)
    from ..errors import ApiError
    from .staff import refuse_last_admin
    try:
        refuse_last_admin(staff)
    except ApiError as refused:
        raise click.ClickException(refused.message) from None
    staff.deactivate()
    AuditLog.record(None, "staff.deactivate", staff, via="cli")
    from .staff import end_every_login
    end_every_login(staff)
    click.echo(f"Deactivated {staff.email}; their logins have ended.")


COMMANDS = (create_staff_command, verify_staff_command, deactivate_staff_command)
