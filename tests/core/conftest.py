"""The app's foundation: factory, configuration, API conventions, roles on every route, CLI, broker. Fixtures: tests/conftest.py (app, client, city, as_role)."""
