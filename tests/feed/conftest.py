"""Follows, the feed and officers' posts. Fixtures: tests/conftest.py (app, client, city, as_role)."""
