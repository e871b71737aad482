"""flask --app app import-sectors FILE [--dry-run] [--replace] [--tolerance 0.5]: the city's sectors from its
district file (GeoJSON; any coordinate system named in its 'crs')."""
import json
import time

import click
from flask.cli import with_appcontext

from .importing import ImportRefused, import_sectors
from .repair import DEFAULT_TOLERANCE_M


@click.command("import-sectors")
@with_appcontext
@click.argument("path", type=click.File("r", encoding="utf-8"))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change, without saving.")
@click.option("--replace", is_flag=True, help="The file is the whole map: retire sectors not in it "
              "(their followers and officers go to the sector covering most of each).")
@click.option("--tolerance", type=click.FloatRange(0, 10), default=DEFAULT_TOLERANCE_M, show_default=True,
              help="Repair slivers and gaps narrower than this many metres.")
@click.option("--name-property", default=None, help="The property holding the sector names (found if usual).")
@click.option("--attribution", default=None, help="The data's attribution, shown under the map and in About.")
def import_sectors_command(path, dry_run, replace, tolerance, name_property, attribution):
    """Import (create or update by slug; with --replace, also retire) the city's sectors."""
    try:
        data = json.load(path)
    except ValueError as exc:
        raise click.ClickException(f"{path.name} is not valid JSON: {exc}") from None
    started = time.perf_counter()
    try:
        result = import_sectors(data, dry_run=dry_run, replace=replace, tolerance_m=tolerance,
                                name_property=name_property, attribution=attribution)
    except ImportRefused as refused:
        lines = "\n".join(f"  {where}: {what}" for where, what in refused.problems.items())
        raise click.ClickException(f"{path.name} was refused, nothing was imported:\n{lines}") from None
    for repair in result["repairs"]:
        click.echo(f"Repaired: {repair['action']}: {repair['area_m2']:,.2f} m², about {repair['width_m']:.3f} m wide, "
                   f"at ({repair['at'][0]}, {repair['at'][1]})")
    for retired in result["retired"]:
        to = retired["moves_to"]
        click.echo(f"{'Would retire' if dry_run else 'Retired'} {retired['name']}: {retired['followers']} followers "
                   f"and {len(retired['officers'])} officers {'would move' if dry_run else 'moved'} to "
                   f"{to['name'] if to else 'nowhere'}")
    verb = "Would create" if dry_run else "Created"
    click.echo(f"{verb} {len(result['created'])} and {'would update' if dry_run else 'updated'} "
               f"{len(result['updated'])} sectors: {', '.join(result['created'] + result['updated'])} "
               f"({time.perf_counter() - started:.2f} s)")
