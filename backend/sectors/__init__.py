"""Sectors: the city's districts and their named local officers, the map, location lookup, GeoJSON import."""
from . import views
from .commands import import_sectors_command


def init_app(app):
    app.register_blueprint(views.bp)
    app.cli.add_command(import_sectors_command)
