"""Shared pieces for the push tests: the local push service and subscribing through the API."""
from datetime import datetime, timedelta

import pytest

from backend.models import ChatSession
from tests.pushservice import PushService


@pytest.fixture(scope="session")
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def app_config(app_config):
    app_config["PUSH_ALLOW_LOOPBACK"] = True   # the local push service is on 127.0.0.1
    return app_config


def subscribe(api, push_service, **preferences):
    """Subscribe a simulated browser through the API, as the PWA does; returns the subscription dict."""
    key = api.get("/api/push/key").json["key"]
    browser = push_service.subscribe(application_server_key=key)
    body = dict(browser, lang="en")
    if preferences:
        body["preferences"] = preferences
    response = api.post("/api/push/subscriptions", body)
    assert response.status_code == 201, response.json
    return browser


def monday_session(starts_utc=datetime(2026, 11, 23, 14, 0), minutes=120, title="Monday chat"):
    """Monday 16:00-18:00 Helsinki time (UTC+2 in November)."""
    return ChatSession.create(title=title, starts_at=starts_utc, ends_at=starts_utc + timedelta(minutes=minutes))
