"""Meetups: sign-up, waitlist, calendars, contention. Fixtures: tests/conftest.py (app, client, city, as_role)."""
