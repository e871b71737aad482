"""Login, logout and the anonymous youth identity. Fixtures: tests/conftest.py (app, client, city, as_role)."""
