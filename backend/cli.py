"""flask --app app <command>: the core commands init-db and seed-demo (features add their own in init_app)."""
import click
from flask.cli import with_appcontext

from .models import Staff


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the schema or upgrade it to the current version (never drops data)."""
    from .schema import SCHEMA_VERSION, upgrade
    applied = upgrade()
    click.echo(f"Database ready at schema version {SCHEMA_VERSION}" + (f" (applied {applied})" if applied else ""))


@click.command("seed-demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Seed even if the database already has staff.")
def seed_demo_command(force):
    """Fill the database with a demo city; prints the logins it creates once."""
    from .demo import seed_demo
    if Staff.select().exists() and not force:
        click.echo("The database already has data; use --force to add the demo city anyway.")
        return
    logins = seed_demo()
    print_logins(logins)


def print_logins(logins):
    click.echo("\nDemo logins (shown only this once; not stored anywhere in plain text):")
    for role, email, password in logins:
        click.echo(f"  {role:<13} {email:<34} {password}")
    click.echo("")


def init_app(app):
    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
