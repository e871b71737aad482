"""flask --app app import-sectors FILE [--dry-run]: the city's sectors from a GeoJSON file."""
import json

import click
from flask.cli import with_appcontext

from .geo import ImportRefused, import_sectors


@click.command("import-sectors")
@with_appcontext
@click.argument("path", type=click.File("r", encoding="utf-8"))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change, without saving.")
def import_sectors_command(path, dry_run):
    """Import (create or update by slug) the city's sectors from a GeoJSON FeatureCollection."""
    try:
        data = json.load(path)
    except ValueError as exc:
        raise click.ClickException(f"{path.name} is not valid JSON: {exc}")
    try:
        result = import_sectors(data, dry_run=dry_run)
    except ImportRefused as refused:
        lines = "\n".join(f"  {where}: {what}" for where, what in refused.problems.items())
        raise click.ClickException(f"{path.name} was refused, nothing was imported:\n{lines}")
    verb = "Would create" if dry_run else "Created"
    click.echo(f"{verb} {len(result['created'])} and {'would update' if dry_run else 'updated'} "
               f"{len(result['updated'])} sectors: {', '.join(result['created'] + result['updated'])}")
