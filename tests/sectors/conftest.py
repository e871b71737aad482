"""Sectors, the map and officers' pages. Fixtures: tests/conftest.py (app, client, city, as_role)."""
